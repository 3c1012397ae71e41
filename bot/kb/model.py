"""The knowledge base as frozen data: what the loader produces and everything else reads.

Nothing here knows YAML; nothing here knows Jena. A different city's ``knowledge/`` folder gives a
different :class:`KnowledgeBase` with the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path

from bot.matching.types import Example

__all__ = [
    "ACTIONS",
    "Answer",
    "HandoffSettings",
    "KBSettings",
    "KnowledgeBase",
    "OfficeHours",
    "Office",
    "Intent",
    "Source",
    "WEEKDAYS",
]

#: Weekday keys as curators write them, Monday first (``date.weekday()`` order).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Behaviours an intent can ask of the engine besides showing its answer.
ACTIONS = frozenset({"handoff", "language", "help", "privacy", "events", "checklist"})


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a page (url and/or title) and when it was read or published."""

    url: str | None
    title: str | None
    date: date | None


@dataclass(frozen=True)
class Answer:
    """An intent's answer in one language; ``reviewed`` = checked by a native speaker."""

    text: str
    reviewed: bool
    line: int = 0


@dataclass(frozen=True)
class OfficeHours:
    """Opening hours on some weekdays (0 = Monday)."""

    days: tuple[int, ...]
    start: time
    end: time


@dataclass(frozen=True)
class Office:
    """An office or place, with only the contact details a source gives."""

    id: str
    names: Mapping[str, str]
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    booking: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    hours: tuple[OfficeHours, ...] = ()
    hours_confirmed: bool = True
    sources: tuple[Source, ...] = ()

    def name(self, lang: str, *, fallback: str = "en") -> str:
        """The office's name in ``lang``, else in ``fallback``, else any name it has."""
        return self.names.get(lang) or self.names.get(fallback) or next(iter(self.names.values()), self.id)

    def value(self, key: str, lang: str) -> str | None:
        """A field for ``{office.key}`` placeholders: a known field or a key under ``extra``."""
        if key == "name":
            return self.name(lang)
        if key in {"address", "email", "phone", "website", "booking"}:
            return getattr(self, key)
        return self.extra.get(key)


@dataclass(frozen=True)
class Intent:
    """A topic the bot can answer: example phrases and an answer per language."""

    id: str
    file: str
    line: int
    area: str
    verified: date | None
    answers: Mapping[str, Answer]
    examples: Mapping[str, tuple[str, ...]]
    offices: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    action: str | None = None
    sources: tuple[Source, ...] = ()
    titles: Mapping[str, str] = field(default_factory=dict)
    #: The answer holds anywhere in the country (emergency numbers, the broadcasting fee), so a
    #: question naming another city is still answered.
    nationwide: bool = False
    #: Line of each example phrase in ``file``, parallel to ``examples`` (for curators' messages).
    example_lines: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def title(self, lang: str, *, fallback: str = "en") -> str:
        """A short name for buttons ("Registering your address")."""
        return self.titles.get(lang) or self.titles.get(fallback) or self.id.replace("_", " ").capitalize()


@dataclass(frozen=True)
class HandoffSettings:
    """Who answers what the bot cannot, and when their staff desk reads the questions."""

    office: str | None
    staff_hours: tuple[OfficeHours, ...] = ()


@dataclass(frozen=True)
class KBSettings:
    """The city-specific settings of a knowledge base (``settings.yaml``)."""

    city: str
    timezone: str
    holidays_country: str | None
    holidays_subdivision: str | None
    languages: tuple[str, ...]
    source_language: str
    review_after_days: int
    handoff: HandoffSettings
    menu: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the bot knows: settings, offices and intents, with warnings for curators."""

    root: Path
    settings: KBSettings
    offices: Mapping[str, Office]
    intents: Mapping[str, Intent]
    warnings: tuple = ()

    @property
    def languages(self) -> tuple[str, ...]:
        return self.settings.languages

    def examples(self) -> list[Example]:
        """Every example phrase, for building a matcher."""
        return [
            Example(text=text, intent=intent.id, lang=lang)
            for intent in self.intents.values()
            for lang, texts in intent.examples.items()
            for text in texts
        ]

    def intent_with_action(self, action: str) -> Intent | None:
        """The intent that carries an engine behaviour (``handoff``, ``help`` ...), if any."""
        return next((i for i in self.intents.values() if i.action == action), None)

    def past_review(self, today: date) -> list[Intent]:
        """Intents whose ``verified`` date is older than the review interval (or missing)."""
        limit = timedelta(days=self.settings.review_after_days)
        return [i for i in self.intents.values() if i.verified is None or today - i.verified > limit]
