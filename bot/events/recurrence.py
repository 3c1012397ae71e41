"""When events happen: one-off, all-day, tentative windows and RFC 5545 recurrence rules.

Recurrence is expanded with python-dateutil's ``rrule`` on the event's own time zone (a
``zoneinfo`` zone), so a weekly 15:00 stays at 15:00 local time across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, tzinfo

from dateutil.rrule import rrule, rrulestr

from bot.events.model import Event, Occurrence

__all__ = ["RuleError", "as_moment", "occurrences", "parse_rule", "upcoming"]


class RuleError(ValueError):
    """A recurrence rule that cannot be used (the message says why, for ``file:line`` reports)."""


def parse_rule(rule: str, dtstart: datetime) -> rrule:
    """Parse an RFC 5545 ``RRULE`` value (with or without the ``RRULE:`` prefix) for ``dtstart``."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    try:
        parsed = rrulestr(text, dtstart=dtstart, forceset=False)
    except (ValueError, TypeError) as exc:
        raise RuleError(f"invalid recurrence rule {rule!r}: {exc}") from exc
    if not isinstance(parsed, rrule):
        raise RuleError(f"expected one RRULE, got {rule!r}")
    return parsed


def as_moment(value: datetime | date, tz: tzinfo, *, end_of_day: bool = False) -> datetime:
    """A date or datetime as an aware datetime; a date means its midnight in ``tz``.

    With ``end_of_day`` a date means the midnight after it (all-day ends are inclusive days).
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    day = value + timedelta(days=1) if end_of_day else value
    return datetime.combine(day, time.min, tzinfo=tz)


def _bounds(event: Event, start: datetime | date, tz: tzinfo) -> tuple[datetime, datetime]:
    """An occurrence's start and end as moments (an event without an end lasts no time)."""
    begin = as_moment(start, tz)
    if event.end is None:
        stop = as_moment(start, tz, end_of_day=True) if event.all_day else begin
    else:
        length = as_moment(event.end, tz, end_of_day=event.all_day) - as_moment(event.start, tz)
        stop = begin + length
    return begin, stop


def _occurrence(event: Event, start: datetime | date) -> Occurrence:
    end = None if event.end is None else start + (event.end - event.start)
    return Occurrence(event, start, end)


def _starts(event: Event, after: datetime, before: datetime, tz: tzinfo) -> Iterator[datetime | date]:
    """Start values (in the event's own type) of occurrences that may overlap [after, before)."""
    if not event.rrule:
        yield event.start
        return
    if event.all_day:
        dtstart = datetime.combine(event.start, time.min)
        lo, hi = (
            after.astimezone(tz).replace(tzinfo=None),
            before.astimezone(tz).replace(tzinfo=None),
        )
    else:
        dtstart = as_moment(event.start, tz)
        lo, hi = after, before
    rule = parse_rule(event.rrule, dtstart)
    excluded = set(event.exdates)
    # Widen the search by the event's length so that an occurrence already under way is found.
    begin, stop = _bounds(event, event.start, tz)
    for value in rule.between(lo - (stop - begin) - timedelta(days=1), hi, inc=True):
        start = value.date() if event.all_day else value
        if start not in excluded:
            yield start


def occurrences(events: Iterable[Event], *, after: datetime, before: datetime, tz: tzinfo) -> list[Occurrence]:
    """Every occurrence not over at ``after`` that starts before ``before``, in time order."""
    found: list[tuple[datetime, str, Occurrence]] = []
    for event in events:
        for start in _starts(event, after, before, tz):
            begin, stop = _bounds(event, start, tz)
            still_on = stop > after if stop > begin else begin >= after
            if still_on and begin < before:
                found.append((begin, event.id, _occurrence(event, start)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [occurrence for _, _, occurrence in found]


def upcoming(events: Iterable[Event], *, now: datetime, days: int, tz: tzinfo) -> list[Occurrence]:
    """The next occurrence of each event within ``days`` from ``now``, in time order.

    A recurring event appears once (its next time), so a weekly meeting does not crowd out the rest;
    past events drop out by themselves because nothing of them is left after ``now``.
    """
    horizon = now + timedelta(days=days)
    seen: set[str] = set()
    result: list[Occurrence] = []
    for occurrence in occurrences(events, after=now, before=horizon, tz=tz):
        if occurrence.event.id not in seen:
            seen.add(occurrence.event.id)
            result.append(occurrence)
    return result
