"""Events as frozen data: what the loaders (knowledge base, feeds) produce and the rest reads.

An :class:`Event` is what curators write once; an :class:`Occurrence` is one concrete time it
happens (a recurring event has many). Nothing here knows YAML, iCalendar or a city.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.kb.model import Source

__all__ = [
    "AUDIENCES",
    "AUDIENCE_EVERYONE",
    "EVENT_ID_PATTERN",
    "Event",
    "EventCatalog",
    "FeedConfig",
    "Occurrence",
]

#: Who an event is for. "everyone" matches every filter.
AUDIENCE_EVERYONE = "everyone"
AUDIENCES = ("students", "families", "workers", AUDIENCE_EVERYONE)
#: Event ids travel in button data (64 bytes), so they are short and plain.
EVENT_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


@dataclass(frozen=True)
class Event:
    """Something that happens: once, on a recurrence rule, or in a tentative window.

    ``start`` and ``end`` are aware datetimes for timed events and dates for all-day ones; for an
    all-day event ``end`` is the last day (inclusive). ``tentative`` events have no confirmed date
    yet: ``start``..``end`` is only the expected window, ``date_note`` says so in every language and
    ``confirm_with`` names the offices that announce the date; ``origin``: "knowledge" or a URL.
    """

    id: str
    titles: Mapping[str, str]
    start: datetime | date
    end: datetime | date | None = None
    descriptions: Mapping[str, str] = field(default_factory=dict)
    rrule: str | None = None
    exdates: tuple[datetime | date, ...] = ()
    office: str | None = None
    venue: str | None = None
    audience: frozenset[str] = frozenset({AUDIENCE_EVERYONE})
    url: str | None = None
    sources: tuple[Source, ...] = ()
    tentative: bool = False
    date_notes: Mapping[str, str] = field(default_factory=dict)
    confirm_with: tuple[str, ...] = ()
    origin: str = "knowledge"
    file: str = ""
    line: int = 0

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    def title(self, lang: str, *, fallback: str = "en") -> str:
        return _pick(self.titles, lang, fallback) or self.id

    def description(self, lang: str, *, fallback: str = "en") -> str:
        return _pick(self.descriptions, lang, fallback)

    def date_note(self, lang: str, *, fallback: str = "en") -> str:
        return _pick(self.date_notes, lang, fallback)

    def is_for(self, audience: str | None) -> bool:
        """Whether the event belongs in a listing filtered by ``audience`` (None: no filter)."""
        return audience is None or AUDIENCE_EVERYONE in self.audience or audience in self.audience


@dataclass(frozen=True)
class Occurrence:
    """One time an event happens; ``end`` follows the convention of :class:`Event`."""

    event: Event
    start: datetime | date
    end: datetime | date | None

    @property
    def all_day(self) -> bool:
        return self.event.all_day


def _pick(texts: Mapping[str, str], lang: str, fallback: str) -> str:
    return texts.get(lang) or texts.get(fallback) or next(iter(texts.values()), "")


@dataclass(frozen=True)
class FeedConfig:
    """An iCalendar feed to merge into the listing; ``lang`` is the language its titles are in."""

    url: str
    audience: frozenset[str] = frozenset({AUDIENCE_EVERYONE})
    lang: str | None = None


@dataclass(frozen=True)
class EventCatalog:
    """The events of ``knowledge/events.yaml`` and the feeds it names."""

    events: tuple[Event, ...] = ()
    feeds: tuple[FeedConfig, ...] = ()
