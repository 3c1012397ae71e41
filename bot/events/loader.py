"""``knowledge/events.yaml``: events and feed URLs, checked with ``file:line`` problems like
the rest of the knowledge base (the YAML-with-line-numbers reader is :mod:`bot.kb.yamlsrc`).

A date (``2027-04-01``) makes an all-day event; a date and time (``2026-11-30 15:00``) a timed one
in the knowledge base's time zone. ``rrule`` is an RFC 5545 recurrence rule. Events whose date is
not yet known are ``tentative: true`` with the expected window as ``start``/``end`` and a
``date_note`` in every language.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from bot.events.model import (
    AUDIENCE_EVERYONE,
    AUDIENCES,
    EVENT_ID_PATTERN,
    Event,
    EventCatalog,
    FeedConfig,
)
from bot.events.recurrence import RuleError, as_moment, parse_rule
from bot.kb.model import Source
from bot.kb.yamlsrc import Problem, YamlList, YamlMap, load_yaml

__all__ = ["EVENTS_FILE", "load_events"]

EVENTS_FILE = "events.yaml"
_EVENT_KEYS = frozenset(
    {
        "id",
        "title",
        "description",
        "start",
        "end",
        "rrule",
        "exdate",
        "office",
        "venue",
        "audience",
        "url",
        "sources",
        "tentative",
        "date_note",
        "confirm_with",
    }
)
_FEED_KEYS = frozenset({"url", "audience", "lang"})
_ID = re.compile(EVENT_ID_PATTERN)


def load_events(
    knowledge_dir: Path,
    *,
    languages: Collection[str],
    office_ids: Collection[str],
    tz: tzinfo,
) -> tuple[EventCatalog, list[Problem]]:
    """Read ``events.yaml`` from ``knowledge_dir`` (a missing file is an empty catalog).

    Returns the events that are sound and every problem found; a caller such as ``kb check`` fails
    on the problems, the bot runs with what is sound.
    """
    path = Path(knowledge_dir) / EVENTS_FILE
    if not path.exists():
        return EventCatalog(), []
    display = str(path)
    data, problems = load_yaml(path, display=display)
    if data is None:
        return EventCatalog(), problems
    if not isinstance(data, YamlMap):
        return EventCatalog(), [*problems, Problem(display, 1, "expected a mapping with 'events:'")]
    reader = _Reader(display, tuple(languages), frozenset(office_ids), tz, problems)
    events = reader.events(data.get("events"), data.line_of("events"))
    feeds = reader.feeds(data.get("feeds"), data.line_of("feeds"))
    for key in data:
        if key not in {"events", "feeds"}:
            problems.append(Problem(display, data.key_line(key), f"unknown key {key!r}"))
    return EventCatalog(events=tuple(events), feeds=tuple(feeds)), problems


class _Reader:
    """Turns the YAML values into events, noting each problem at its line."""

    def __init__(self, file, languages, office_ids, tz, problems) -> None:
        self.file, self.languages, self.office_ids, self.tz = file, languages, office_ids, tz
        self.problems: list[Problem] = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def events(self, items: Any, line: int) -> list[Event]:
        if items is None:
            return []
        if not isinstance(items, YamlList):
            self.problem(line, "'events' must be a list")
            return []
        events: list[Event] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            event = self.event(item, items.line_of(index))
            if event is None:
                continue
            if event.id in seen:
                self.problem(event.line, f"duplicate event id {event.id!r} (first at line {seen[event.id]})")
                continue
            seen[event.id] = event.line
            events.append(event)
        return events

    def feeds(self, items: Any, line: int) -> list[FeedConfig]:
        if items is None:
            return []
        if not isinstance(items, YamlList):
            self.problem(line, "'feeds' must be a list")
            return []
        feeds = []
        for index, item in enumerate(items):
            item_line = items.line_of(index)
            if isinstance(item, str):
                item = YamlMap({"url": item})
                item.line, item.key_lines, item.value_lines = item_line, {}, {}
            if not isinstance(item, YamlMap):
                self.problem(item_line, "a feed is a URL or a mapping with 'url'")
                continue
            self.unknown_keys(item, _FEED_KEYS)
            url = item.get("url")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                self.problem(item.line_of("url"), "a feed needs an http(s) 'url'")
                continue
            lang = item.get("lang")
            if lang is not None and lang not in self.languages:
                self.problem(item.line_of("lang"), f"unknown language {lang!r}")
                lang = None
            feeds.append(FeedConfig(url=url, audience=self.audience(item), lang=lang))
        return feeds

    def unknown_keys(self, item: YamlMap, allowed: frozenset[str]) -> None:
        for key in item:
            if key not in allowed:
                self.problem(item.key_line(key), f"unknown key {key!r}")

    def event(self, item: Any, line: int) -> Event | None:
        if not isinstance(item, YamlMap):
            self.problem(line, "an event is a mapping with id, title, start ...")
            return None
        self.unknown_keys(item, _EVENT_KEYS)
        event_id = item.get("id")
        if not isinstance(event_id, str) or not _ID.match(event_id):
            self.problem(
                item.line_of("id"),
                "an event needs an 'id' of 1-40 lowercase letters, digits, _ or -",
            )
            return None
        start = self.moment(item, "start")
        if start is None:
            return None
        end = self.moment(item, "end") if "end" in item else None
        if end is not None and not self.end_fits(item, start, end):
            end = None
        tentative = item.get("tentative", False)
        if not isinstance(tentative, bool):
            self.problem(item.line_of("tentative"), "'tentative' is true or false")
            tentative = True
        titles = self.texts(item, "title", required=True)
        descriptions = self.texts(item, "description", required=True)
        date_notes = self.texts(item, "date_note", required=tentative)
        if tentative and end is None:
            self.problem(item.line, f"tentative event {event_id!r} needs 'end': the expected window")
        rrule = self.rule(item, start)
        office, venue = self.place(item)
        return Event(
            id=event_id,
            titles=titles,
            start=start,
            end=end,
            descriptions=descriptions,
            rrule=rrule,
            exdates=self.exdates(item, start),
            office=office,
            venue=venue,
            audience=self.audience(item),
            url=self.url(item),
            sources=self.sources(item),
            tentative=tentative,
            date_notes=date_notes,
            confirm_with=self.offices(item, "confirm_with"),
            file=self.file,
            line=item.line,
        )

    def moment(self, item: YamlMap, key: str) -> datetime | date | None:
        value = item.get(key)
        parsed = _parse_moment(value, self.tz)
        if parsed is None:
            self.problem(
                item.line_of(key),
                f"'{key}' must be a date (2027-04-01) or date and time (2027-04-01 15:00)",
            )
        return parsed

    def end_fits(self, item: YamlMap, start: datetime | date, end: datetime | date) -> bool:
        if isinstance(start, datetime) != isinstance(end, datetime):
            self.problem(item.line_of("end"), "'start' and 'end' must both be dates or both dates with times")
            return False
        if end < start:
            self.problem(item.line_of("end"), "'end' is before 'start'")
            return False
        return True

    def texts(self, item: YamlMap, key: str, *, required: bool) -> dict[str, str]:
        value = item.get(key)
        if value is None:
            if required:
                self.problem(item.line, f"missing '{key}' (one text per language)")
            return {}
        if not isinstance(value, YamlMap):
            self.problem(item.line_of(key), f"'{key}' must map languages to texts")
            return {}
        texts = {}
        for lang, text in value.items():
            if lang not in self.languages:
                self.problem(value.key_line(lang), f"unknown language {lang!r}")
            elif not isinstance(text, str) or not text.strip():
                self.problem(value.line_of(lang), f"empty {key} in {lang!r}")
            else:
                texts[lang] = text.strip()
        missing = [lang for lang in self.languages if lang not in texts]
        if missing and (required or texts):
            self.problem(value.line, f"'{key}' missing in: {', '.join(missing)}")
        return texts

    def rule(self, item: YamlMap, start: datetime | date) -> str | None:
        rule = item.get("rrule")
        if rule is None:
            return None
        if not isinstance(rule, str):
            self.problem(item.line_of("rrule"), "'rrule' is an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=MO")
            return None
        try:
            parse_rule(
                rule,
                as_moment(start, self.tz)
                if isinstance(start, datetime)
                else datetime.combine(start, datetime.min.time()),
            )
        except RuleError as exc:
            self.problem(item.line_of("rrule"), str(exc))
            return None
        return rule

    def exdates(self, item: YamlMap, start: datetime | date) -> tuple[datetime | date, ...]:
        values = item.get("exdate") or []
        if not isinstance(values, list):
            values = [values]
        result = []
        for value in values:
            parsed = _parse_moment(value, self.tz)
            if parsed is None or isinstance(parsed, datetime) != isinstance(start, datetime):
                self.problem(item.line_of("exdate"), f"'exdate' {value!r} must have the same form as 'start'")
            else:
                result.append(parsed)
        return tuple(result)

    def place(self, item: YamlMap) -> tuple[str | None, str | None]:
        office, venue = item.get("office"), item.get("venue")
        if office is not None and office not in self.office_ids:
            self.problem(item.line_of("office"), f"unknown office {office!r} (see offices.yaml)")
            office = None
        if venue is not None and not isinstance(venue, str):
            self.problem(item.line_of("venue"), "'venue' is the name of a place")
            venue = None
        if office is None and venue is None:
            self.problem(item.line, "an event needs a place: 'office' (an id from offices.yaml) or 'venue'")
        return office, venue

    def offices(self, item: YamlMap, key: str) -> tuple[str, ...]:
        values = item.get(key) or []
        if not isinstance(values, list):
            values = [values]
        known = []
        for value in values:
            if value in self.office_ids:
                known.append(value)
            else:
                self.problem(item.line_of(key), f"unknown office {value!r} (see offices.yaml)")
        return tuple(known)

    def audience(self, item: YamlMap) -> frozenset[str]:
        values = item.get("audience") or [AUDIENCE_EVERYONE]
        if not isinstance(values, list):
            values = [values]
        known = {value for value in values if value in AUDIENCES}
        for value in values:
            if value not in AUDIENCES:
                self.problem(
                    item.line_of("audience"),
                    f"unknown audience {value!r} (one of {', '.join(AUDIENCES)})",
                )
        return frozenset(known or {AUDIENCE_EVERYONE})

    def url(self, item: YamlMap) -> str | None:
        url = item.get("url")
        if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
            self.problem(item.line_of("url"), "'url' must start with http:// or https://")
            return None
        return url

    def sources(self, item: YamlMap) -> tuple[Source, ...]:
        values = item.get("sources")
        if not isinstance(values, YamlList) or not values:
            self.problem(item.line_of("sources"), "an event needs 'sources' (url or title, and date)")
            return ()
        sources = []
        for index, value in enumerate(values):
            line = values.line_of(index)
            if not isinstance(value, YamlMap) or not (value.get("url") or value.get("title")):
                self.problem(line, "a source has a 'url' or a 'title'")
                continue
            when = value.get("date")
            if not isinstance(when, date):
                self.problem(value.line_of("date"), "a source needs a 'date' (when it was read or published)")
                when = None
            sources.append(Source(url=value.get("url"), title=value.get("title"), date=when))
        return tuple(sources)


def _parse_moment(value: Any, tz: tzinfo) -> datetime | date | None:
    """A YAML date, datetime or ISO text as a date or an aware datetime (naive means ``tz``)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip()) if ":" in value else date.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return value
    return None
