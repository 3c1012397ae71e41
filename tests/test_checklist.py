"""The newcomer's checklist: the date given once, deadlines from it, ticks that survive a restart."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.engine.replies import CALLBACK_LIMIT
from bot.events.checklist import load_checklist
from bot.events.checklist_flow import parse_moving_date
from bot.events.setup import build_events
from bot.events.store import KIND_CHECKLIST
from bot.kb.loader import load_knowledge
from bot.storage import Storage

ROOT = Path(__file__).resolve().parent.parent
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=BERLIN)
USER, CHAT = 42, 42


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(ROOT / "knowledge", strict=False)


async def open_kit(kb, path):
    storage = await Storage.open(path)
    return storage, build_events(kb, db=storage.db, timezone=None, data_dir=path.parent)


@pytest.fixture
async def kit(kb, tmp_path):
    storage, kit = await open_kit(kb, tmp_path / "bot.sqlite3")
    yield kit
    await storage.close()


def buttons(replies):
    return [b for r in replies for row in r.buttons for b in row]


def test_checklist_file_is_sound_and_links_existing_intents(kb):
    items, problems = load_checklist(ROOT / "knowledge", languages=kb.languages, intent_ids=set(kb.intents))
    assert problems == []
    ids = {i.id for i in items}
    assert {
        "registration",
        "health_insurance",
        "bank_account",
        "tax_id",
        "residence_permit",
        "broadcasting_fee",
        "semester_ticket",
    } <= ids
    registration = next(i for i in items if i.id == "registration")
    assert registration.deadline(date(2026, 12, 1)) == date(2026, 12, 15)


def test_checklist_mistakes_point_at_the_line(tmp_path):
    (tmp_path / "checklist.yaml").write_text(
        "items:\n  - id: a\n    intent: nope\n    title: {en: A}\n"
        "  - id: b\n    intent: tax_id\n    remind_days_before: 2\n    title: {en: B}\n",
        encoding="utf-8",
    )
    _, problems = load_checklist(tmp_path, languages=("en", "de"), intent_ids={"tax_id"})
    text = [str(p) for p in problems]
    assert any(":3:" in p and "nope" in p for p in text)
    assert any(":7:" in p and "needs 'deadline_days'" in p for p in text)
    assert any(":8:" in p and "missing in: de" in p for p in text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("1.12.2026", date(2026, 12, 1)),
        ("01/12/2026", date(2026, 12, 1)),
        ("١/١٢/٢٠٢٦", date(2026, 12, 1)),  # Arabic-Indic digits
        ("۱.۱۲.۲۰۲۶", date(2026, 12, 1)),  # Persian digits
        ("31.02.2026", None),
        ("how do I register on 1.12.2026", None),
        ("1.12.2031", None),  # years away: a typo
    ],
)
def test_moving_date_is_read_from_a_message(text, expected):
    assert parse_moving_date(text, today=NOW.date()) == expected


async def test_first_time_asks_for_the_date_then_shows_deadlines(kit):
    first = await kit.checklist.show(user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    assert "When did you move in" in first[0].text
    today_button = next(b for b in buttons(first) if b.label == "Today")
    result = await kit.actions.handle(today_button.action, user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    text = result.replies[0].text
    assert "Register your address" in text and "by December 12, 2026" in text
    assert "semester ticket" not in text.lower()  # not a student (yet)
    links = {b.action for b in buttons(result.replies) if b.action and b.action.startswith("i:")}
    assert {"i:registration", "i:health_insurance", "i:tax_id"} <= links
    assert all(len(b.action.encode()) <= CALLBACK_LIMIT for b in buttons(result.replies) if b.action)


async def test_welcome_day_students_get_the_semester_ticket(kit):
    await kit.checklist.show(user_id=USER, chat_id=CHAT, lang="de", now=NOW, audience="students")
    replies = await kit.checklist.set_moved_in(user_id=USER, chat_id=CHAT, lang="de", day=NOW.date(), now=NOW)
    assert "Semesterticket" in replies[0].text
    assert "Wohnung beim Bürgerservice anmelden" in replies[0].text
    assert "12. Dezember 2026" in replies[0].text


async def test_a_typed_date_sets_the_moving_in_date_only_for_checklist_users(kit):
    assert await kit.actions.moving_date_text("1.11.2026", user_id=7, chat_id=7, lang="en", now=NOW) is None
    await kit.checklist.show(user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    result = await kit.actions.moving_date_text("1.11.2026", user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    assert "overdue since November 15, 2026" in result.replies[0].text


async def test_ticks_deadline_and_reminder_survive_a_restart(kb, tmp_path):
    path = tmp_path / "bot.sqlite3"
    storage, kit = await open_kit(kb, path)
    await kit.checklist.show(user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    await kit.actions.handle("ck:d:2026-11-28", user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    await kit.actions.handle("ck:t:bank_account", user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    pending = await kit.store.pending(USER)
    assert [(r.kind, r.ref) for r in pending] == [(KIND_CHECKLIST, "registration")]
    # Three days before the deadline (2026-12-12), at 10:00 local time.
    assert datetime.fromtimestamp(pending[0].due_at, BERLIN) == datetime(2026, 12, 9, 10, 0, tzinfo=BERLIN)
    await storage.close()

    storage, kit = await open_kit(kb, path)
    shown = await kit.checklist.show(user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    assert "✅ Open a bank account" in shown[0].text
    assert "⬜ Register your address" in shown[0].text and "December 12, 2026" in shown[0].text
    assert len(await kit.store.pending(USER)) == 1
    await storage.close()


async def test_ticking_registration_drops_its_reminder_and_unticking_restores_it(kit):
    await kit.checklist.show(user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    await kit.actions.handle("ck:d:2026-11-28", user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    await kit.actions.handle("ck:t:registration", user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    assert await kit.store.pending(USER) == []
    await kit.actions.handle("ck:t:registration", user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    assert [r.ref for r in await kit.store.pending(USER)] == ["registration"]


@pytest.mark.parametrize("data", ["ck:t:nope", "ck:d:2026-13-45", "ck:x", "ck:t:" + "a" * 70, "ck:a:aliens"])
async def test_forged_checklist_buttons_get_a_polite_answer(kit, data):
    result = await kit.actions.handle(data, user_id=USER, chat_id=CHAT, lang="en", now=NOW)
    assert result.replies == () and "outdated" in result.notice
