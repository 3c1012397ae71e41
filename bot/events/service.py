"""The events a person can be shown: the knowledge base's own plus those of calendar feeds,
localised into :class:`EventItem` rows that the CLI, the engine and Telegram all render.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.events.loader import load_events
from bot.events.model import Event, EventCatalog, Occurrence
from bot.events.recurrence import upcoming
from bot.kb.model import KnowledgeBase, Office
from bot.kb.yamlsrc import Problem

__all__ = ["DEFAULT_DAYS", "EventBook", "EventItem", "resolve_timezone"]

#: "What is on in the next weeks": the default listing horizon.
DEFAULT_DAYS = 42


@dataclass(frozen=True)
class EventItem:
    """One upcoming event in one language, ready to print or to put on a button."""

    id: str
    title: str
    description: str
    start: datetime | date
    end: datetime | date | None
    all_day: bool
    location: str | None
    url: str | None
    tentative: bool
    date_note: str
    recurring: bool
    audience: frozenset[str]
    occurrence: Occurrence


def resolve_timezone(configured: str | None, kb_timezone: str | None) -> ZoneInfo:
    """``WELCOMEBOT_TIMEZONE`` (already in Settings) wins over ``settings.yaml``'s ``timezone``."""
    return ZoneInfo(configured or kb_timezone or "Europe/Berlin")


class EventBook:
    """Events from the knowledge base and feeds, with the offices that give them a place.

    ``feed_events`` is asked on every listing, so a feed refreshed in the background shows up
    without rebuilding the book.
    """

    def __init__(
        self,
        catalog: EventCatalog,
        *,
        tz: tzinfo,
        offices: Mapping[str, Office] | None = None,
        feed_events: Callable[[], Sequence[Event]] | None = None,
        problems: Sequence[Problem] = (),
    ) -> None:
        self.catalog = catalog
        self.tz = tz
        self.offices = dict(offices or {})
        self._feed_events = feed_events or (lambda: ())
        self.problems = tuple(problems)

    @classmethod
    def from_kb(
        cls,
        kb: KnowledgeBase,
        *,
        timezone: str | None = None,
        feed_events: Callable[[], Sequence[Event]] | None = None,
    ) -> EventBook:
        """Read ``events.yaml`` beside the knowledge base ``kb`` was loaded from."""
        tz = resolve_timezone(timezone, kb.settings.timezone)
        catalog, problems = load_events(Path(kb.root), languages=kb.languages, office_ids=set(kb.offices), tz=tz)
        return cls(catalog, tz=tz, offices=kb.offices, feed_events=feed_events, problems=problems)

    def use_feeds(self, feed_events: Callable[[], Sequence[Event]]) -> None:
        """Merge the events of calendar feeds (see :class:`bot.events.feeds.FeedStore`)."""
        self._feed_events = feed_events

    def events(self) -> list[Event]:
        """Every known event: the knowledge base's first, then the feeds' (ids do not clash)."""
        own = list(self.catalog.events)
        ids = {e.id for e in own}
        return own + [e for e in self._feed_events() if e.id not in ids]

    def get(self, event_id: str) -> Event | None:
        return next((e for e in self.events() if e.id == event_id), None)

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def listing(
        self, lang: str, *, days: int, audience: str | None = None, now: datetime | None = None
    ) -> list[EventItem]:
        """The next occurrence of each event for ``audience`` within ``days``, in time order."""
        moment = (now or self.now()).astimezone(self.tz)
        events = [e for e in self.events() if e.is_for(audience)]
        return [self.item(o, lang) for o in upcoming(events, now=moment, days=days, tz=self.tz)]

    def next_occurrence(self, event: Event, *, now: datetime | None = None) -> Occurrence | None:
        """When ``event`` next happens (or is still happening), looking a few years ahead."""
        moment = (now or self.now()).astimezone(self.tz)
        found = upcoming([event], now=moment, days=3 * 366, tz=self.tz)
        return found[0] if found else None

    def location(self, event: Event, lang: str) -> str | None:
        office = self.offices.get(event.office) if event.office else None
        if office is None:
            return event.venue
        name = office.name(lang)
        return f"{name}, {office.address}" if office.address else name

    def item(self, occurrence: Occurrence, lang: str) -> EventItem:
        event = occurrence.event
        start, end = occurrence.start, occurrence.end
        if isinstance(start, datetime):  # feeds may give UTC: show the local time
            start = start.astimezone(self.tz)
            end = end.astimezone(self.tz) if isinstance(end, datetime) else end
        return EventItem(
            id=event.id,
            title=event.title(lang),
            description=event.description(lang),
            start=start,
            end=end,
            all_day=event.all_day,
            location=self.location(event, lang),
            url=event.url,
            tentative=event.tentative,
            date_note=event.date_note(lang),
            recurring=bool(event.rrule),
            audience=event.audience,
            occurrence=occurrence,
        )
