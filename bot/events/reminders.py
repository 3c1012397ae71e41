"""Messages the bot sends later: "remind me" the day before an event, checklist deadlines and
staff announcements of a new event. Transport-free: the adapter passes a ``send`` function.

Every promised message is a row in the database first (:class:`bot.events.store.EventStore`), so a
restart loses none; :meth:`Reminders.deliver` sends what is due in small paced batches, within the
Bot API's limits (about 30 messages a second overall), and tries again later after a rate limit.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, time, timedelta

from bot.engine.replies import PREFIX_INTENT, Button, Reply
from bot.events.checklist import ChecklistItem
from bot.events.model import AUDIENCE_EVERYONE, Event
from bot.events.recurrence import as_moment, occurrences
from bot.events.render import PREFIX_CALENDAR, event_reply
from bot.events.service import EventBook
from bot.events.store import (
    KIND_ANNOUNCE,
    KIND_CHECKLIST,
    KIND_EVENT,
    STATE_GONE,
    STATE_SENT,
    EventStore,
    Reminder,
)
from bot.i18n import format_date, translator

__all__ = [
    "ACTION_CHECKLIST_VIEW",
    "DELIVERY_BATCH",
    "REMIND_AT",
    "Delivery",
    "Reminders",
]

#: Reminders go out at this local time (the day before an event), never at night.
REMIND_AT = time(10, 0)
#: At most this many messages per delivery run; the rest wait for the next run.
DELIVERY_BATCH = 25
#: Pause between two messages: 20 a second stays under the Bot API's 30 a second.
SEND_PAUSE_SECONDS = 0.05
#: After a failed attempt, wait this long times the number of attempts.
RETRY_DELAY = timedelta(minutes=5)
MAX_ATTEMPTS = 6
ACTION_CHECKLIST_VIEW = "ck:v"

log = logging.getLogger(__name__)


class Delivery(enum.Enum):
    """What became of one message: sent, try again later, or never (blocked, chat gone)."""

    SENT = "sent"
    LATER = "later"
    GONE = "gone"


#: ``send(chat_id, reply, lang)``: deliver one message; ``lang`` is the language it is written in.
Send = Callable[[int, Reply, str], Awaitable[Delivery]]


class Reminders:
    """Schedules and delivers the bot's deferred messages."""

    def __init__(
        self,
        store: EventStore,
        book: EventBook,
        checklist: Sequence[ChecklistItem] = (),
    ) -> None:
        self.store = store
        self.book = book
        self.checklist = {item.id: item for item in checklist}

    def _at(self, day, *, before: int = 0) -> datetime:
        return datetime.combine(day - timedelta(days=before), REMIND_AT, tzinfo=self.book.tz)

    # -- "remind me" -------------------------------------------------------------------------

    async def remind_event(self, *, user_id: int, chat_id: int, lang: str, event: Event, now: datetime) -> Reply:
        """Schedule a reminder for the day before the event's next time; the reply says when."""
        _ = translator(lang).gettext
        upcoming = occurrences([event], after=now, before=now + timedelta(days=3 * 366), tz=self.book.tz)
        for occurrence in upcoming:
            start = as_moment(occurrence.start, self.book.tz)
            due = self._at(start.date(), before=1)
            if due > now:
                added = await self.store.schedule(
                    user_id=user_id,
                    chat_id=chat_id,
                    kind=KIND_EVENT,
                    ref=event.id,
                    lang=lang,
                    due_at=due.timestamp(),
                )
                when = format_date(due.date(), lang)
                if not added:
                    return Reply(_("You already have a reminder for this event."))
                return Reply(_("I will remind you on {date}.").format(date=when))
        if upcoming:
            return Reply(_("This event is less than a day away, so there is nothing to remind."))
        return Reply(_("This event is over."))

    async def remind_checklist(
        self, *, user_id: int, chat_id: int, lang: str, item: ChecklistItem, moved_in, now: datetime
    ) -> None:
        """(Re)schedule the reminder before ``item``'s deadline, if it is still ahead."""
        await self.store.cancel(user_id=user_id, kind=KIND_CHECKLIST, ref=item.id)
        day = item.reminder_day(moved_in)
        if day is None:
            return
        due = self._at(day)
        if due > now:
            await self.store.schedule(
                user_id=user_id,
                chat_id=chat_id,
                kind=KIND_CHECKLIST,
                ref=item.id,
                lang=lang,
                due_at=due.timestamp(),
            )

    # -- announcements -----------------------------------------------------------------------

    async def announce(self, event: Event, *, now: datetime) -> int:
        """Queue the event for everyone who asked to hear about its audience; returns how many."""
        audiences = set(event.audience) | {AUDIENCE_EVERYONE}
        if AUDIENCE_EVERYONE in event.audience:
            audiences |= {"students", "families", "workers"}
        people = await self.store.subscribers(audiences)
        rows = [(u, c, KIND_ANNOUNCE, event.id, lang, now.timestamp()) for u, c, lang in people]
        return await self.store.schedule_many(rows)

    # -- delivery ----------------------------------------------------------------------------

    def message(self, reminder: Reminder, *, now: datetime) -> Reply | None:
        """The text a reminder sends now, or None when there is nothing left to say."""
        _ = translator(reminder.lang).gettext
        if reminder.kind == KIND_CHECKLIST:
            item = self.checklist.get(reminder.ref)
            if item is None:
                return None
            text = _("Reminder from your checklist: “{task}”. The deadline is close.").format(
                task=item.title(reminder.lang)
            )
            buttons = (
                (Button(label=_("How to do it"), action=PREFIX_INTENT + item.intent),),
                (Button(label=_("My checklist"), action=ACTION_CHECKLIST_VIEW),),
            )
            return Reply(text=text, buttons=buttons)
        event = self.book.get(reminder.ref)
        if event is None:
            return None
        if reminder.kind == KIND_ANNOUNCE:
            found = self.book.next_occurrence(event, now=now)
            heading = _("New event:")
        else:
            due = datetime.fromtimestamp(reminder.due_at, self.book.tz)
            found = next(
                iter(occurrences([event], after=due, before=due + timedelta(days=2), tz=self.book.tz)),
                None,
            )
            heading = _("Reminder: tomorrow")
        if found is None:
            return None
        card = event_reply(self.book.item(found, reminder.lang), reminder.lang)
        if reminder.kind == KIND_EVENT:  # "remind me" again makes no sense on the reminder itself
            card = Reply(card.text, ((Button(_("Add to calendar"), PREFIX_CALENDAR + event.id),),))
        return Reply(text=f"{heading}\n\n{card.text}", buttons=card.buttons)

    async def deliver(
        self,
        send: Send,
        *,
        now: datetime,
        limit: int = DELIVERY_BATCH,
        pause: Callable[[], Awaitable[None]] | None = None,
    ) -> int:
        """Send what is due (oldest first, at most ``limit``); returns how many were sent."""
        pause = pause or (lambda: asyncio.sleep(SEND_PAUSE_SECONDS))
        stamp = now.timestamp()
        sent = 0
        for index, reminder in enumerate(await self.store.due(stamp, limit=limit)):
            if reminder.kind == KIND_CHECKLIST and await self._done(reminder):
                await self.store.finish(reminder.id, state=STATE_GONE, now=stamp)
                continue
            reply = self.message(reminder, now=now)
            if reply is None:
                await self.store.finish(reminder.id, state=STATE_GONE, now=stamp)
                continue
            if index:
                await pause()
            try:
                outcome = await send(reminder.chat_id, reply, reminder.lang)
            except Exception:  # a transport error must not stop the other reminders
                log.exception("reminder %d: sending failed", reminder.id)
                outcome = Delivery.LATER
            if outcome is Delivery.SENT:
                sent += 1
                await self.store.finish(reminder.id, state=STATE_SENT, now=stamp)
            elif outcome is Delivery.GONE or reminder.attempts + 1 >= MAX_ATTEMPTS:
                await self.store.finish(reminder.id, state=STATE_GONE, now=stamp)
            else:
                later = now + RETRY_DELAY * (reminder.attempts + 1)
                await self.store.postpone(reminder.id, until=later.timestamp())
        return sent

    async def _done(self, reminder: Reminder) -> bool:
        record = await self.store.checklist(reminder.user_id)
        return record is not None and reminder.ref in record.done
