"""Reminders and announcements: sent at their time, in the person's language, kept across a
restart, paced in batches, and never sent twice."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.events.reminders import Delivery
from bot.events.setup import build_events
from bot.kb.loader import load_knowledge
from bot.storage import Storage

ROOT = Path(__file__).resolve().parent.parent
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=BERLIN)  # a Saturday
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(ROOT / "knowledge", strict=False)


class Outbox:
    def __init__(self, outcome=Delivery.SENT):
        self.sent, self.outcome = [], outcome

    async def __call__(self, chat_id, reply, lang):
        if self.outcome is Delivery.SENT:
            self.sent.append((chat_id, reply))
        return self.outcome


async def no_pause():
    return None


async def open_kit(kb, path):
    storage = await Storage.open(path)
    return storage, build_events(kb, db=storage.db, timezone=None, data_dir=path.parent)


async def test_remind_me_sends_the_day_before_in_the_persons_language_after_a_restart(kb, tmp_path):
    path = tmp_path / "bot.sqlite3"
    storage, kit = await open_kit(kb, path)
    result = await kit.actions.handle("evr:weltraum_meeting_point", user_id=5, chat_id=5, lang="uk", now=NOW)
    assert result.replies and result.notice
    again = await kit.actions.handle("evr:weltraum_meeting_point", user_id=5, chat_id=5, lang="uk", now=NOW)
    assert len(await kit.store.pending(5)) == 1 and again.replies
    await storage.close()

    storage, kit = await open_kit(kb, path)  # the bot restarted
    outbox = Outbox()
    assert await kit.reminders.deliver(outbox, now=NOW + timedelta(hours=1), pause=no_pause) == 0
    # Next meeting: Monday 2026-11-30 15:00; the reminder is due Sunday 10:00.
    due = datetime(2026, 11, 29, 10, 0, tzinfo=BERLIN)
    assert await kit.reminders.deliver(outbox, now=due - timedelta(minutes=1), pause=no_pause) == 0
    assert await kit.reminders.deliver(outbox, now=due, pause=no_pause) == 1
    chat_id, reply = outbox.sent[0]
    assert chat_id == 5
    assert "WeltRaum" in reply.text and CYRILLIC.search(reply.text)
    assert "30" in reply.text and "листопада" in reply.text  # Monday 30 November, Ukrainian
    assert reply.buttons[0][0].action == "evc:weltraum_meeting_point"
    assert await kit.reminders.deliver(outbox, now=due + timedelta(days=1), pause=no_pause) == 0
    await storage.close()


async def test_when_the_next_meeting_is_too_close_the_reminder_is_for_the_one_after(kb, tmp_path):
    storage, kit = await open_kit(kb, tmp_path / "db")
    sunday_evening = datetime(2026, 11, 29, 20, 0, tzinfo=BERLIN)
    # Monday's meeting is too close, so the reminder is for Tuesday's (due Monday 10:00).
    reply = await kit.reminders.remind_event(
        user_id=1, chat_id=1, lang="en", event=kit.book.get("weltraum_meeting_point"), now=sunday_evening
    )
    assert "Monday, November 30, 2026" in reply.text
    await storage.close()


async def test_checklist_reminder_is_sent_before_the_deadline_unless_ticked(kb, tmp_path):
    storage, kit = await open_kit(kb, tmp_path / "db")
    for user in (1, 2):
        await kit.checklist.show(user_id=user, chat_id=user, lang="ar", now=NOW)
        await kit.actions.handle("ck:d:2026-11-28", user_id=user, chat_id=user, lang="ar", now=NOW)
    await kit.store.set_done(2, "registration", True, now=NOW.timestamp())  # ticked some other way
    outbox = Outbox()
    sent = await kit.reminders.deliver(outbox, now=datetime(2026, 12, 9, 10, 0, tzinfo=BERLIN), pause=no_pause)
    assert sent == 1 and outbox.sent[0][0] == 1
    reply = outbox.sent[0][1]
    assert "Bürgerservice" in reply.text
    assert ("i:registration") in [b.action for row in reply.buttons for b in row]
    await storage.close()


async def test_announcement_reaches_subscribers_of_the_audience_in_paced_batches(kb, tmp_path):
    storage, kit = await open_kit(kb, tmp_path / "db")
    for user in range(1, 31):
        audience = "students" if user <= 20 else "families"
        await kit.actions.handle(f"evs:{audience}", user_id=user, chat_id=user, lang="de", now=NOW)
    answer = await kit.actions.announce("welcome_days_summer_2027", lang="en", now=NOW)
    assert "20 people" in answer
    pauses = []

    async def pause():
        pauses.append(1)

    outbox = Outbox()
    assert await kit.reminders.deliver(outbox, now=NOW, limit=15, pause=pause) == 15
    assert len(pauses) == 14  # a pause between two messages
    assert await kit.reminders.deliver(outbox, now=NOW, limit=15, pause=pause) == 5
    assert sorted(chat for chat, _ in outbox.sent) == list(range(1, 21))
    assert "Willkommenstage" in outbox.sent[0][1].text
    # Announcing again while nothing is pending reaches them again; pending ones are not doubled.
    await kit.actions.announce("welcome_days_summer_2027", lang="en", now=NOW)
    await kit.actions.announce("welcome_days_summer_2027", lang="en", now=NOW)
    assert await kit.reminders.deliver(Outbox(), now=NOW, limit=100, pause=no_pause) == 20
    await storage.close()


async def test_announcing_unknown_or_past_events_tells_staff(kb, tmp_path):
    storage, kit = await open_kit(kb, tmp_path / "db")
    assert "No event" in await kit.actions.announce("nope", lang="en", now=NOW)
    assert "over" in await kit.actions.announce("planetarium_reopening_2026", lang="en", now=NOW)
    await storage.close()


async def test_rate_limited_messages_wait_and_blocked_chats_are_dropped(kb, tmp_path):
    storage, kit = await open_kit(kb, tmp_path / "db")
    await kit.actions.handle("evs:everyone", user_id=9, chat_id=9, lang="en", now=NOW)
    await kit.actions.announce("kulturarena_2027", lang="en", now=NOW)
    assert await kit.reminders.deliver(Outbox(Delivery.LATER), now=NOW, pause=no_pause) == 0
    pending = await kit.store.pending(9)
    assert len(pending) == 1 and pending[0].due_at > NOW.timestamp()
    later = datetime.fromtimestamp(pending[0].due_at, BERLIN)
    assert await kit.reminders.deliver(Outbox(Delivery.GONE), now=later, pause=no_pause) == 0
    assert await kit.store.pending(9) == []
    await storage.close()


async def test_forged_event_buttons_get_a_polite_answer(kb, tmp_path):
    storage, kit = await open_kit(kb, tmp_path / "db")
    for data in ("evr:no_such_event", "evc:../../etc", "ev:aliens", "evs:", "evr:" + "x" * 80):
        result = await kit.actions.handle(data, user_id=1, chat_id=1, lang="en", now=NOW)
        assert result.replies == () and result.document is None and result.notice
    await storage.close()


async def test_calendar_button_gives_an_ics_file(kb, tmp_path):
    storage, kit = await open_kit(kb, tmp_path / "db")
    result = await kit.actions.handle("evc:kulturarena_2027", user_id=1, chat_id=1, lang="es", now=NOW)
    assert result.document.filename == "kulturarena_2027.ics"
    assert b"SUMMARY:Kulturarena 2027" in result.document.content
    assert b"STATUS:TENTATIVE" in result.document.content
    await storage.close()
