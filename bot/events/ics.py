"""iCalendar export (RFC 5545) of events, for "add to calendar" and ``welcomebot events --ics``.

Built with the icalendar library, which writes CRLF lines folded at 75 octets; timed events carry
their time zone (``DTSTART;TZID=...`` with a matching ``VTIMEZONE``), all-day and tentative events
are ``VALUE=DATE`` spans, so calendar apps import them as the curators meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar.prop import vRecur

from bot.events.model import Event
from bot.events.service import EventBook

__all__ = ["PRODID", "calendar_bytes", "uid_domain", "uid_for"]

PRODID = "-//welcomebot//events//EN"


def uid_domain(city: str) -> str:
    """The right-hand side of calendar UIDs: the knowledge base's city, as a host-like name."""
    slug = re.sub(r"[^a-z0-9]+", "-", city.lower()).strip("-") or "city"
    return f"{slug}.welcomebot"


def uid_for(event: Event, domain: str) -> str:
    """A stable UID, so importing the same event twice updates it instead of doubling it."""
    return f"{event.id}@{domain}"


def calendar_bytes(
    events: Iterable[Event],
    *,
    book: EventBook,
    lang: str,
    uid_domain: str,
    now: datetime | None = None,
) -> bytes:
    """A complete ``VCALENDAR`` with one ``VEVENT`` per event, texts in ``lang``."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    for event in events:
        cal.add_component(_vevent(event, book=book, lang=lang, uid_domain=uid_domain, stamp=stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


def _vevent(event: Event, *, book: EventBook, lang: str, uid_domain: str, stamp: datetime) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid_for(event, uid_domain))
    vevent.add("dtstamp", stamp)
    vevent.add("summary", event.title(lang))
    vevent.add("dtstart", event.start)
    if event.all_day:
        # DTEND of a date span is exclusive: the day after the last day.
        vevent.add("dtend", (event.end or event.start) + timedelta(days=1))
    elif event.end is not None:
        vevent.add("dtend", event.end)
    if event.rrule:
        rule = event.rrule.strip()
        rule = rule[len("RRULE:") :] if rule.upper().startswith("RRULE:") else rule
        vevent.add("rrule", vRecur.from_ical(rule))
    for excluded in event.exdates:
        vevent.add("exdate", excluded)
    description = "\n\n".join(p for p in (event.description(lang), event.date_note(lang)) if p)
    if description:
        vevent.add("description", description)
    location = book.location(event, lang)
    if location:
        vevent.add("location", location)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("status", "TENTATIVE" if event.tentative else "CONFIRMED")
    if event.all_day:
        # A multi-week expected window must not block the reader's calendar as busy.
        vevent.add("transp", "TRANSPARENT")
    return vevent
