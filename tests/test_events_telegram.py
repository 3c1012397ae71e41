"""Events, reminders and the checklist through the real Telegram stack against the fake Bot API:
/events lists, buttons filter, "add to calendar" sends an .ics, "remind me" arrives at its time
even after a restart, and the checklist keeps its ticks and deadline across a restart."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.telegram import events_handlers
from tests.fakebotapi import STAFF_CHAT_ID, FakeBotAPI
from tests.telegram_support import LANGS, running_bot, settings_for, write_kb

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=BERLIN)


def _texts(titles: dict[str, str]) -> str:
    return "{" + ", ".join(f'{lang}: "{titles.get(lang, titles["en"])}"' for lang in LANGS) + "}"


def _event(event_id: str, start: str, audience: str, title: dict[str, str]) -> str:
    return (
        f'  - id: {event_id}\n    start: "{start}"\n    venue: Marktplatz\n'
        f"    audience: [{audience}]\n    sources: [{{title: staff, date: 2026-11-20}}]\n"
        f"    title: {_texts(title)}\n    description: {_texts({'en': 'Come along'})}\n"
    )


EVENTS = (
    "events:\n"
    + _event("cafe", "2026-12-05 18:00", "everyone", {"en": "Language café", "de": "Sprachcafé", "ar": "مقهى اللغات"})
    + _event("uni_day", "2026-12-10 10:00", "students", {"en": "Campus day"})
    + _event("family_fair", "2026-12-12 11:00", "families", {"en": "Family fair"})
)
CHECKLIST = (
    "items:\n"
    f"  - id: registration\n    intent: registration\n    deadline_days: 14\n    remind_days_before: 3\n"
    f"    title: {_texts({'en': 'Register your address', 'de': 'Wohnung anmelden'})}\n"
    f"  - id: housing\n    intent: housing\n    audience: [students]\n"
    f"    title: {_texts({'en': 'Find a room'})}\n"
)


@pytest.fixture
def fake():
    api = FakeBotAPI().start()
    yield api
    api.stop()


@pytest.fixture
def clock(monkeypatch):
    """The bot's clock for events, moved by the test; reminders are looked for every 0.1 s."""
    current = [NOW]
    monkeypatch.setattr(events_handlers, "now", lambda kit: current[0])
    monkeypatch.setattr(events_handlers, "DELIVERY_INTERVAL_SECONDS", 0.1)
    return current


@pytest.fixture
def settings(tmp_path, fake):
    kb = write_kb(tmp_path / "kb")
    (kb / "events.yaml").write_text(EVENTS, encoding="utf-8")
    (kb / "checklist.yaml").write_text(CHECKLIST, encoding="utf-8")
    return settings_for(tmp_path, fake)


def buttons(message: dict) -> list[dict]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def actions(fake: FakeBotAPI, chat: int) -> list[str]:
    return [b.get("callback_data", "") for m in fake.sent_to(chat) for b in buttons(m)]


async def wait_more(fake, chat, before, what):
    await fake.wait_until(lambda: len(fake.sent_to(chat)) > before, what=what)


async def test_events_lists_filters_and_adds_to_calendar(settings, fake, clock):
    async with running_bot(settings, fake):
        fake.user_says(20, "/events", lang="de")
        await fake.wait_until(lambda: "ev:students" in actions(fake, 20), what="the listing")
        text = "\n".join(fake.texts_to(20))
        assert "Sprachcafé" in text and "Samstag, 5. Dezember 2026" in text
        assert "Campus day" in text and "Family fair" in text
        assert {"evc:cafe", "evr:cafe"} <= set(actions(fake, 20))

        before = len(fake.sent_to(20))
        fake.press(20, "ev:students", lang="de")
        await fake.wait_until(
            lambda: "ev:students" in [b.get("callback_data") for m in fake.sent_to(20)[before:] for b in buttons(m)],
            what="the filtered listing",
        )
        filtered = "\n".join(fake.texts_to(20)[before:])
        assert "Campus day" in filtered and "Sprachcafé" in filtered and "Family fair" not in filtered

        fake.press(20, "evc:cafe", lang="de")
        await fake.wait_until(lambda: fake.documents, what="the calendar file")
    chat, name, content = fake.documents[0]
    assert chat == 20 and name == "cafe.ics"
    vevent = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Sprachcafé"
    assert b"DTSTART;TZID=Europe/Berlin:20261205T180000" in content
    assert not fake.refused


async def test_remind_me_arrives_the_day_before_even_after_a_restart(settings, fake, clock):
    async with running_bot(settings, fake):
        fake.user_says(21, "/events", lang="ar")
        await fake.wait_until(lambda: "ev:students" in actions(fake, 21), what="the listing")
        before = len(fake.sent_to(21))
        fake.press(21, "evr:cafe", lang="ar")
        await wait_more(fake, 21, before, "the confirmation")
    assert fake.calls_of("answerCallbackQuery")[-1].get("text")

    clock[0] = datetime(2026, 12, 4, 10, 0, tzinfo=BERLIN)  # the day before, at 10:00
    async with running_bot(settings, fake):
        before = len(fake.sent_to(21))
        await fake.wait_until(lambda: any("مقهى اللغات" in t for t in fake.texts_to(21)[before:]), what="the reminder")
        reminder = fake.texts_to(21)[-1]
        assert reminder.startswith("\u200f")  # Arabic reads right to left
    async with running_bot(settings, fake):  # sent once, never again
        count = len(fake.sent_to(21))
        fake.user_says(21, "/checklist", lang="ar")
        await wait_more(fake, 21, count, "the checklist")
        assert sum("مقهى اللغات" in t for t in fake.texts_to(21)) == 1 + 1  # listing + reminder
    assert not fake.refused


async def test_checklist_keeps_ticks_and_deadline_across_a_restart(settings, fake, clock):
    async with running_bot(settings, fake):
        fake.user_says(22, "/checklist", lang="en")
        await fake.wait_until(lambda: fake.sent_to(22), what="the date question")
        assert "When did you move in" in fake.texts_to(22)[-1]
        fake.user_says(22, "20.11.2026", lang="en")
        await fake.wait_until(lambda: "ck:t:registration" in actions(fake, 22), what="the checklist")
        assert "by December 4, 2026" in fake.texts_to(22)[-1]
        assert "Find a room" not in fake.texts_to(22)[-1]  # students only
        before = len(fake.sent_to(22))
        fake.press(22, "ck:t:registration", lang="en")
        await wait_more(fake, 22, before, "the ticked checklist")
        links = [b.get("callback_data") for b in buttons(fake.sent_to(22)[-1])]
        assert "i:registration" in links
    async with running_bot(settings, fake):
        before = len(fake.sent_to(22))
        fake.user_says(22, "/checklist", lang="en")
        await wait_more(fake, 22, before, "the checklist after a restart")
        shown = fake.texts_to(22)[-1]
        assert "✅ Register your address" in shown and "November 20, 2026" in shown
    assert not fake.refused


async def test_checklist_deadline_reminder_in_the_persons_language(settings, fake, clock):
    async with running_bot(settings, fake):
        fake.user_says(23, "/checklist", lang="de")
        await fake.wait_until(lambda: fake.sent_to(23), what="the date question")
        fake.press(23, "ck:d:2026-11-28", lang="de")
        await fake.wait_until(lambda: "ck:t:registration" in actions(fake, 23), what="the checklist")
        clock[0] = datetime(2026, 12, 9, 10, 0, tzinfo=BERLIN)  # 3 days before 12 December
        before = len(fake.sent_to(23))
        await wait_more(fake, 23, before, "the deadline reminder")
    assert "Wohnung anmelden" in fake.texts_to(23)[-1]


async def test_welcome_day_link_offers_students_the_checklist(settings, fake, clock):
    async with running_bot(settings, fake):
        fake.user_says(24, "/start welcome_day", lang="en")
        await fake.wait_until(lambda: "ck:a:students" in actions(fake, 24), what="the offer")
        fake.press(24, "ck:a:students", lang="en")
        await fake.wait_until(lambda: any("ck:d:" in a for a in actions(fake, 24)), what="date question")
        fake.press(24, "ck:d:2026-11-28", lang="en")
        await fake.wait_until(lambda: "ck:t:housing" in actions(fake, 24), what="students' items")


async def test_forged_buttons_get_a_polite_note(settings, fake, clock):
    async with running_bot(settings, fake):
        for data in ("evr:nope", "ck:t:../../x", "evc:" + "z" * 45):
            fake.press(25, data, lang="en")
        await fake.wait_until(lambda: len(fake.calls_of("answerCallbackQuery")) >= 3, what="answers")
    notes = [c.get("text") or "" for c in fake.calls_of("answerCallbackQuery")]
    assert all(notes) and not fake.sent_to(25) and not fake.documents


async def test_staff_announce_reaches_those_who_asked(settings, fake, clock):
    async with running_bot(settings, fake):
        fake.press(26, "evs:students", lang="en")
        fake.press(27, "evs:families", lang="en")
        await fake.wait_until(lambda: len(fake.sent_to(26)) and len(fake.sent_to(27)), what="subscribed")
        fake.user_says(28, "/announce uni_day", lang="en")  # not staff: nothing happens
        fake.staff_says("/announce uni_day")
        await fake.wait_until(lambda: any("Campus day" in t for t in fake.texts_to(26)), what="announcement")
        await fake.wait_until(
            lambda: any("1 person" in t for t in fake.texts_to(STAFF_CHAT_ID)), what="the staff answer"
        )
    assert not any("Campus day" in t for t in fake.texts_to(27))
    assert fake.sent_to(28) == []
