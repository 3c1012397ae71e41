"""What the events buttons and commands do, without Telegram: button data in, replies (and maybe a
calendar file) out. Button data is checked strictly; anything forged or outdated gets a polite note.

Prefixes: ``ev:`` list for an audience, ``evc:`` calendar file, ``evr:`` remind me, ``evs:`` hear
about new events, ``ck:`` the checklist (see :mod:`bot.events.checklist_flow`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.engine.replies import CALLBACK_LIMIT, Reply
from bot.events.checklist_flow import CHECKLIST_GROUPS, PREFIX_CHECKLIST, ChecklistFlow, parse_moving_date
from bot.events.ics import calendar_bytes
from bot.events.model import AUDIENCE_EVERYONE, AUDIENCES, EVENT_ID_PATTERN
from bot.events.reminders import Reminders
from bot.events.render import (
    AUDIENCE_LABELS,
    PREFIX_CALENDAR,
    PREFIX_LIST,
    PREFIX_REMIND,
    PREFIX_SUBSCRIBE,
    listing_replies,
)
from bot.events.service import DEFAULT_DAYS, EventBook
from bot.events.store import EventStore
from bot.i18n import translator

__all__ = ["PREFIXES", "ActionResult", "CalendarFile", "EventActions"]

PREFIXES = (PREFIX_LIST, PREFIX_CALENDAR, PREFIX_REMIND, PREFIX_SUBSCRIBE, PREFIX_CHECKLIST)
_AUD = "|".join(AUDIENCES)
_GROUPS = "|".join(CHECKLIST_GROUPS)
_EVENT_ID = EVENT_ID_PATTERN.strip("^$")
_PATTERNS = {
    "list": re.compile(rf"^ev:({_AUD})$"),
    "calendar": re.compile(rf"^evc:({_EVENT_ID})$"),
    "remind": re.compile(rf"^evr:({_EVENT_ID})$"),
    "subscribe": re.compile(rf"^evs:({_AUD})$"),
    "ck_view": re.compile(r"^ck:v$"),
    "ck_ask": re.compile(r"^ck:m$"),
    "ck_tick": re.compile(r"^ck:t:([a-z][a-z0-9_]{0,30})$"),
    "ck_date": re.compile(r"^ck:d:(\d{4}-\d\d-\d\d)$"),
    "ck_group": re.compile(rf"^ck:a:({_GROUPS})$"),
}


@dataclass(frozen=True)
class CalendarFile:
    """An .ics document to send (Telegram: sendDocument)."""

    filename: str
    content: bytes
    caption: str


@dataclass(frozen=True)
class ActionResult:
    """Replies to send, an optional calendar file, and a short notice for the pressed button."""

    replies: tuple[Reply, ...] = ()
    document: CalendarFile | None = None
    notice: str | None = None


class EventActions:
    """The events and checklist side of the conversation, for any adapter."""

    def __init__(
        self,
        book: EventBook,
        store: EventStore,
        reminders: Reminders,
        checklist: ChecklistFlow,
        *,
        uid_domain: str,
        days: int = DEFAULT_DAYS,
    ) -> None:
        self.book, self.store, self.reminders, self.checklist = book, store, reminders, checklist
        self.uid_domain = uid_domain
        self.days = days

    @staticmethod
    def handles(data: str) -> bool:
        """Whether button data belongs to this module (the rest goes to the engine)."""
        return data.startswith(PREFIXES)

    def listing(self, lang: str, *, audience: str | None = None, now: datetime | None = None) -> list[Reply]:
        """/events: what is on in the next weeks, optionally for one audience."""
        filtered = None if audience in (None, AUDIENCE_EVERYONE) else audience
        items = self.book.listing(lang, days=self.days, audience=filtered, now=now)
        return listing_replies(items, lang, days=self.days, audience=filtered)

    async def handle(self, data: str, *, user_id: int, chat_id: int, lang: str, now: datetime) -> ActionResult:
        """Do what the button asks; forged, outdated or too long data gets a polite note."""
        _ = translator(lang).gettext
        outdated = ActionResult(notice=_("This button is outdated. Please send /events or /checklist again."))
        if len(data.encode()) > CALLBACK_LIMIT:
            return outdated
        kind, value = next(
            ((k, m.group(1) if m.groups() else "") for k, p in _PATTERNS.items() if (m := p.match(data))),
            (None, ""),
        )
        who = dict(user_id=user_id, chat_id=chat_id, lang=lang, now=now)
        if kind == "list":
            return ActionResult(replies=tuple(self.listing(lang, audience=value, now=now)))
        if kind == "subscribe":
            return await self._subscribe(value, **who)
        if kind in ("calendar", "remind"):
            event = self.book.get(value)
            if event is None:
                return ActionResult(notice=_("This event is no longer listed."))
            if kind == "remind":
                reply = await self.reminders.remind_event(
                    user_id=user_id, chat_id=chat_id, lang=lang, event=event, now=now
                )
                return ActionResult(replies=(reply,), notice=reply.text)
            content = calendar_bytes([event], book=self.book, lang=lang, uid_domain=self.uid_domain, now=now)
            caption = _("Open this file to add “{title}” to your calendar.").format(title=event.title(lang))
            return ActionResult(document=CalendarFile(f"{event.id}.ics", content, caption))
        if kind == "ck_view":
            return ActionResult(replies=tuple(await self.checklist.show(**who)))
        if kind == "ck_ask":
            return ActionResult(replies=(self.checklist.date_question(lang, today=now.date()),))
        if kind == "ck_date":
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return outdated
            return ActionResult(replies=tuple(await self.checklist.set_moved_in(day=day, **who)))
        if kind == "ck_tick":
            item = self.checklist.item(value)
            if item is None:
                return outdated
            return ActionResult(replies=tuple(await self.checklist.toggle(item=item, **who)))
        if kind == "ck_group":
            return ActionResult(replies=tuple(await self.checklist.join_group(group=value, **who)))
        return outdated

    async def moving_date_text(
        self, text: str, *, user_id: int, chat_id: int, lang: str, now: datetime
    ) -> ActionResult | None:
        """A message that is only a date, from someone with a checklist: their moving-in date.

        Anything else returns None and goes to the engine as usual.
        """
        day = parse_moving_date(text, today=now.date())
        if day is None or await self.store.checklist(user_id) is None:
            return None
        replies = await self.checklist.set_moved_in(user_id=user_id, chat_id=chat_id, lang=lang, day=day, now=now)
        return ActionResult(replies=tuple(replies))

    async def announce(self, event_id: str, *, lang: str, now: datetime) -> str:
        """Staff: queue an announcement of ``event_id``; the answer says to how many people."""
        _ = translator(lang).gettext
        event = self.book.get(event_id) if re.fullmatch(_EVENT_ID, event_id or "") else None
        if event is None:
            return _("No event with the id “{id}”. Ids are in events.yaml or in /events --json.").format(id=event_id)
        if self.book.next_occurrence(event, now=now) is None:
            return _("“{id}” is over; nothing was announced.").format(id=event_id)
        count = await self.reminders.announce(event, now=now)
        return (
            translator(lang)
            .ngettext(
                "Announcement of “{id}” queued for {count} person.",
                "Announcement of “{id}” queued for {count} people.",
                count,
            )
            .format(id=event_id, count=count)
        )

    async def _subscribe(self, audience: str, *, user_id: int, chat_id: int, lang: str, now: datetime) -> ActionResult:
        _ = translator(lang).gettext
        on = audience not in await self.store.subscriptions(user_id)
        await self.store.subscribe(
            user_id=user_id, chat_id=chat_id, audience=audience, lang=lang, on=on, now=now.timestamp()
        )
        group = _(AUDIENCE_LABELS[audience])
        if on:
            text = _("I will tell you about new events ({group}). Press the button again to stop.")
        else:
            text = _("You will no longer hear about new events ({group}).")
        text = text.format(group=group)
        return ActionResult(replies=(Reply(text),), notice=text)
