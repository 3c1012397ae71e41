"""Load and check a knowledge base folder; every problem is reported as ``file:line: message``.

Layout (see README "Knowledge base"): ``settings.yaml``, ``offices.yaml``, ``topics.yaml`` (button
titles and the menu) and ``intents/<area>/<intent>.yaml``. Other files (events, checklist) belong to
their own modules and are not read here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.kb.model import (
    ACTIONS,
    WEEKDAYS,
    Answer,
    HandoffSettings,
    Intent,
    KBSettings,
    KnowledgeBase,
    Office,
    OfficeHours,
    Source,
)
from bot.kb.yamlsrc import Problem, YamlList, YamlMap, load_yaml
from bot.textnorm import normalise

__all__ = ["KnowledgeError", "Problem", "load_knowledge"]

SETTINGS_FILE = "settings.yaml"
OFFICES_FILE = "offices.yaml"
TOPICS_FILE = "topics.yaml"
INTENTS_DIR = "intents"

#: Longest answer text: a Telegram message holds 4,096 characters, and office cards come below it.
MAX_ANSWER_CHARS = 3000
#: Answers longer than this are hard to read on a phone; curators get a warning.
LONG_ANSWER_CHARS = 900

_INTENT_KEYS = {
    "nationwide","id", "verified", "offices", "related", "links", "action", "sources", "answers", "examples", "titles"}
_ANSWER_KEYS = {"text", "reviewed"}
_SOURCE_KEYS = {"url", "title", "date", "note"}
_OFFICE_KEYS = {
    "id",
    "name",
    "address",
    "email",
    "phone",
    "website",
    "booking",
    "extra",
    "hours",
    "hours_confirmed",
    "sources",
    "verified",
}
_SETTINGS_KEYS = {
    "city",
    "timezone",
    "holidays",
    "languages",
    "source_language",
    "review_after_days",
    "handoff",
}
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_PLACEHOLDER_RE = re.compile(r"\{([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\}")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class KnowledgeError(Exception):
    """The knowledge base cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Checker:
    """Collects problems while reading; one instance per load."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        #: Each intent's file and raw mapping, for the cross-checks done once every file is read.
        self.positions: dict[str, tuple[str, YamlMap]] = {}

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def error(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def warn(self, file: str, line: int, message: str) -> None:
        self.warnings.append(Problem(file, line, message, warning=True))

    def read(self, path: Path) -> tuple[Any, str]:
        file = self.name(path)
        value, problems = load_yaml(path, display=file)
        self.problems.extend(problems)
        return value, file

    def unknown_keys(self, file: str, mapping: YamlMap, allowed: set[str], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.error(
                    file,
                    mapping.key_line(key),
                    f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})",
                )

    def text(self, file: str, mapping: YamlMap, key: str, *, required: bool = False) -> str | None:
        value = mapping.get(key)
        if value is None:
            if required:
                self.error(file, mapping.line, f"{key!r} is missing")
            return None
        if isinstance(value, (dict, list)):
            self.error(file, mapping.line_of(key), f"{key!r} must be text")
            return None
        return str(value).strip()

    def date_(self, file: str, mapping: YamlMap, key: str) -> date | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.error(file, mapping.line_of(key), f"{key!r} must be a date like 2026-11-28, not {value!r}")
            return None

    def id_list(self, file: str, mapping: YamlMap, key: str) -> tuple[tuple[str, int], ...]:
        value = mapping.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(file, mapping.line_of(key), f"{key!r} must be a list")
            return ()
        return tuple((str(item), value.line_of(i)) for i, item in enumerate(value))

    def mapping(self, file: str, value: Any, line: int, what: str) -> YamlMap | None:
        if not isinstance(value, YamlMap):
            self.error(file, line, f"{what} must be a mapping of keys to values")
            return None
        return value


def _sources(check: _Checker, file: str, owner: YamlMap) -> tuple[Source, ...]:
    raw = owner.get("sources")
    if raw is None:
        return ()
    if not isinstance(raw, YamlList):
        check.error(file, owner.line_of("sources"), "'sources' must be a list")
        return ()
    result = []
    for i, item in enumerate(raw):
        entry = check.mapping(file, item, raw.line_of(i), "a source")
        if entry is None:
            continue
        check.unknown_keys(file, entry, _SOURCE_KEYS, "a source")
        url, title = check.text(file, entry, "url"), check.text(file, entry, "title")
        if not url and not title:
            check.error(file, entry.line, "a source needs a 'url' or a 'title'")
        if url and not url.startswith(("https://", "http://")):
            check.error(file, entry.line_of("url"), f"source url must start with https:// ({url!r})")
        when = check.date_(file, entry, "date")
        if when is None:
            check.error(file, entry.line, "a source needs a 'date' (when it was read or published)")
        result.append(Source(url=url, title=title, date=when))
    return tuple(result)


def _hours(check: _Checker, file: str, owner: YamlMap, key: str) -> tuple[OfficeHours, ...]:
    raw = owner.get(key)
    if raw is None:
        return ()
    if not isinstance(raw, YamlList):
        check.error(file, owner.line_of(key), f"{key!r} must be a list of {{days, from, to}}")
        return ()
    result = []
    for i, item in enumerate(raw):
        entry = check.mapping(file, item, raw.line_of(i), "an opening-hours entry")
        if entry is None:
            continue
        check.unknown_keys(file, entry, {"days", "from", "to"}, "opening hours")
        days = entry.get("days")
        if not isinstance(days, list) or not days or any(str(d).lower() not in WEEKDAYS for d in days):
            check.error(file, entry.line_of("days"), f"'days' must list weekdays from {', '.join(WEEKDAYS)}")
            continue
        times = []
        for bound in ("from", "to"):
            value = entry.get(bound)
            match = _TIME_RE.match(str(value)) if value is not None else None
            if not match:
                check.error(file, entry.line_of(bound), f'{bound!r} must be a time like "09:00" (quoted)')
                break
            times.append(time(int(match.group(1)), int(match.group(2))))
        else:
            if times[0] >= times[1]:
                check.error(file, entry.line, "opening hours end before they start")
                continue
            day_numbers = tuple(WEEKDAYS.index(str(d).lower()) for d in days)
            result.append(OfficeHours(days=day_numbers, start=times[0], end=times[1]))
    return tuple(result)


def _language_map(check: _Checker, file: str, owner: YamlMap, key: str, languages: tuple[str, ...]) -> YamlMap | None:
    raw = owner.get(key)
    if raw is None:
        return None
    mapping = check.mapping(file, raw, owner.line_of(key), repr(key))
    if mapping is None:
        return None
    for lang in mapping:
        if lang not in languages:
            check.error(
                file, mapping.key_line(lang), f"unknown language {lang!r} (settings.yaml lists {', '.join(languages)})"
            )
    return mapping


def _load_settings(check: _Checker) -> KBSettings | None:
    path = check.root / SETTINGS_FILE
    if not path.is_file():
        check.error(check.name(path), 1, "settings.yaml is missing: the knowledge base needs its settings")
        return None
    raw, file = check.read(path)
    settings = check.mapping(file, raw, 1, "settings.yaml") if raw is not None else None
    if settings is None:
        return None
    check.unknown_keys(file, settings, _SETTINGS_KEYS, "settings")
    languages_raw = settings.get("languages")
    if not isinstance(languages_raw, list) or not languages_raw:
        check.error(file, settings.line_of("languages"), "'languages' must list language codes, e.g. [en, de]")
        return None
    languages = tuple(str(code) for code in languages_raw)
    from babel import Locale, UnknownLocaleError

    for i, code in enumerate(languages):
        try:
            Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            check.error(file, languages_raw.line_of(i), f"unknown language code {code!r}")
    source_language = check.text(file, settings, "source_language") or languages[0]
    if source_language not in languages:
        check.error(
            file, settings.line_of("source_language"), f"source_language {source_language!r} is not in 'languages'"
        )
    holidays = settings.get("holidays") or YamlMap()
    if not isinstance(holidays, YamlMap):
        check.error(file, settings.line_of("holidays"), "'holidays' must have 'country' and 'subdivision'")
        holidays = YamlMap()
    handoff_raw = settings.get("handoff") or YamlMap()
    if not isinstance(handoff_raw, YamlMap):
        check.error(file, settings.line_of("handoff"), "'handoff' must have 'office' and 'staff_hours'")
        handoff_raw = YamlMap()
    if not hasattr(handoff_raw, "value_lines"):
        handoff_raw.line, handoff_raw.key_lines, handoff_raw.value_lines = settings.line, {}, {}
    if not hasattr(holidays, "value_lines"):
        holidays.line, holidays.key_lines, holidays.value_lines = settings.line, {}, {}
    timezone = check.text(file, settings, "timezone") or "UTC"
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(timezone)
    except Exception:  # noqa: BLE001 - any failure means the name is unusable
        check.error(file, settings.line_of("timezone"), f"unknown time zone {timezone!r}")
    review = settings.get("review_after_days", 365)
    if not isinstance(review, int) or review <= 0:
        check.error(file, settings.line_of("review_after_days"), "'review_after_days' must be a positive number")
        review = 365
    return KBSettings(
        city=check.text(file, settings, "city") or "",
        timezone=timezone,
        holidays_country=check.text(file, holidays, "country"),
        holidays_subdivision=check.text(file, holidays, "subdivision"),
        languages=languages,
        source_language=source_language,
        review_after_days=review,
        handoff=HandoffSettings(
            office=check.text(file, handoff_raw, "office"),
            staff_hours=_hours(check, file, handoff_raw, "staff_hours"),
        ),
    )


def _load_offices(check: _Checker, languages: tuple[str, ...]) -> dict[str, tuple[Office, str, int]]:
    path = check.root / OFFICES_FILE
    if not path.is_file():
        return {}
    raw, file = check.read(path)
    if raw is None:
        return {}
    top = check.mapping(file, raw, 1, "offices.yaml")
    if top is None:
        return {}
    check.unknown_keys(file, top, {"offices"}, "offices.yaml")
    entries = top.get("offices")
    if not isinstance(entries, YamlList):
        check.error(file, top.line, "'offices' must be a list")
        return {}
    offices: dict[str, tuple[Office, str, int]] = {}
    for i, item in enumerate(entries):
        entry = check.mapping(file, item, entries.line_of(i), "an office")
        if entry is None:
            continue
        check.unknown_keys(file, entry, _OFFICE_KEYS, "an office")
        office_id = check.text(file, entry, "id", required=True)
        if not office_id:
            continue
        if office_id in offices:
            check.error(
                file, entry.line_of("id"), f"duplicate office id {office_id!r} (first at line {offices[office_id][2]})"
            )
            continue
        name = entry.get("name")
        if isinstance(name, YamlMap):
            _language_map(check, file, entry, "name", languages)
            names = {str(k): str(v) for k, v in name.items()}
        elif name:
            names = {"": str(name)}
        else:
            check.error(file, entry.line, f"office {office_id!r} needs a 'name'")
            names = {}
        extra = entry.get("extra") or {}
        if not isinstance(extra, dict):
            check.error(file, entry.line_of("extra"), "'extra' must map names to values")
            extra = {}
        office = Office(
            id=office_id,
            names=MappingProxyType(names if "" not in names else {lang: names[""] for lang in languages}),
            address=check.text(file, entry, "address"),
            email=check.text(file, entry, "email"),
            phone=check.text(file, entry, "phone"),
            website=check.text(file, entry, "website"),
            booking=check.text(file, entry, "booking"),
            extra=MappingProxyType({str(k): str(v) for k, v in extra.items()}),
            hours=_hours(check, file, entry, "hours"),
            hours_confirmed=bool(entry.get("hours_confirmed", True)),
            sources=_sources(check, file, entry),
        )
        offices[office_id] = (office, file, entry.line)
    return offices


def _load_topics(
    check: _Checker, languages: tuple[str, ...]
) -> tuple[dict[str, tuple[dict[str, str], int]], list[tuple[str, int]], str]:
    path = check.root / TOPICS_FILE
    file = check.name(path)
    if not path.is_file():
        return {}, [], file
    raw, file = check.read(path)
    top = check.mapping(file, raw, 1, "topics.yaml") if raw is not None else None
    if top is None:
        return {}, [], file
    check.unknown_keys(file, top, {"titles", "menu"}, "topics.yaml")
    titles: dict[str, tuple[dict[str, str], int]] = {}
    raw_titles = top.get("titles") or YamlMap()
    if isinstance(raw_titles, YamlMap):
        for intent_id, per_lang in raw_titles.items():
            if not isinstance(per_lang, YamlMap):
                check.error(file, raw_titles.line_of(intent_id), f"titles of {intent_id!r} must map languages to text")
                continue
            for lang in per_lang:
                if lang not in languages:
                    check.error(file, per_lang.key_line(lang), f"unknown language {lang!r}")
            titles[str(intent_id)] = ({str(k): str(v) for k, v in per_lang.items()}, raw_titles.key_line(intent_id))
    menu = [(item, line) for item, line in check.id_list(file, top, "menu")]
    return titles, menu, file


def _load_intent(check: _Checker, path: Path, settings: KBSettings) -> Intent | None:
    raw, file = check.read(path)
    if raw is None:
        if not any(p.file == file for p in check.problems):
            check.error(file, 1, "the file is empty")
        return None
    entry = check.mapping(file, raw, 1, "an intent file")
    if entry is None:
        return None
    check.unknown_keys(file, entry, _INTENT_KEYS, "an intent")
    intent_id = check.text(file, entry, "id", required=True)
    if not intent_id:
        return None
    if not _ID_RE.match(intent_id):
        check.error(file, entry.line_of("id"), f"intent id {intent_id!r} must be lower-case letters, digits and _")
    elif intent_id != path.stem:
        check.warn(file, entry.line_of("id"), f"intent id {intent_id!r} differs from the file name {path.stem!r}")
    languages = settings.languages
    answers_raw = _language_map(check, file, entry, "answers", languages) or YamlMap()
    answers: dict[str, Answer] = {}
    for lang, value in answers_raw.items():
        line = answers_raw.line_of(lang)
        if isinstance(value, str):
            answers[lang] = Answer(text=value.strip(), reviewed=lang == settings.source_language, line=line)
            continue
        answer = check.mapping(file, value, line, f"the {lang} answer")
        if answer is None:
            continue
        check.unknown_keys(file, answer, _ANSWER_KEYS, "an answer")
        text = check.text(file, answer, "text", required=True) or ""
        reviewed = answer.get("reviewed", False)
        if not isinstance(reviewed, bool):
            check.error(file, answer.line_of("reviewed"), "'reviewed' must be true or false")
            reviewed = False
        if len(text) > MAX_ANSWER_CHARS:
            check.error(
                file,
                answer.line_of("text"),
                f"the {lang} answer has {len(text)} characters; at most {MAX_ANSWER_CHARS} fit a message",
            )
        elif len(text) > LONG_ANSWER_CHARS:
            check.warn(
                file, answer.line_of("text"), f"the {lang} answer has {len(text)} characters: long for a phone screen"
            )
        answers[lang] = Answer(text=text, reviewed=reviewed, line=answer.line_of("text"))
    for lang in languages:
        if lang not in answers:
            check.error(
                file,
                entry.key_line("answers") if "answers" in entry else entry.line,
                f"intent {intent_id!r} has no answer in required language {lang!r}",
            )
    examples_raw = _language_map(check, file, entry, "examples", languages) or YamlMap()
    examples: dict[str, tuple[str, ...]] = {}
    example_lines: dict[str, tuple[int, ...]] = {}
    for lang, value in examples_raw.items():
        if not isinstance(value, YamlList):
            check.error(file, examples_raw.line_of(lang), f"the {lang} examples must be a list of phrases")
            continue
        texts, lines = [], []
        for i, phrase in enumerate(value):
            if isinstance(phrase, dict):
                check.error(file, value.line_of(i), "this example reads as 'key: value'; put the phrase in quotes")
                continue
            if not isinstance(phrase, (str, int, float)) or not str(phrase).strip():
                check.error(file, value.line_of(i), "an example phrase must be non-empty text")
                continue
            texts.append(str(phrase).strip())
            lines.append(value.line_of(i))
        examples[lang] = tuple(texts)
        example_lines[lang] = tuple(lines)
    action = check.text(file, entry, "action")
    if action and action not in ACTIONS:
        check.error(file, entry.line_of("action"), f"unknown action {action!r} (known: {', '.join(sorted(ACTIONS))})")
    titles_raw = _language_map(check, file, entry, "titles", languages) or {}
    intent = Intent(
        id=intent_id,
        file=file,
        line=entry.line,
        area=path.parent.name if path.parent.name != INTENTS_DIR else "",
        verified=check.date_(file, entry, "verified"),
        answers=MappingProxyType(answers),
        examples=MappingProxyType(examples),
        offices=tuple(o for o, _ in check.id_list(file, entry, "offices")),
        related=tuple(r for r, _ in check.id_list(file, entry, "related")),
        links=tuple(u for u, _ in check.id_list(file, entry, "links")),
        action=action,
        sources=_sources(check, file, entry),
        titles=MappingProxyType({str(k): str(v) for k, v in titles_raw.items()}),
        example_lines=MappingProxyType(example_lines),
        nationwide=_flag(check, file, entry, "nationwide"),
    )
    if "verified" not in entry:
        check.error(
            file, entry.line, f"intent {intent_id!r} needs a 'verified' date (when its facts were last checked)"
        )
    for url, line in check.id_list(file, entry, "links"):
        if not url.startswith(("https://", "http://")):
            check.error(file, line, f"a link must start with https:// ({url!r})")
    # Remember positions for cross-checks done after every file is read.
    check.positions[intent_id] = (file, entry)
    return intent


def _flag(check: _Checker, file: str, entry: YamlMap, key: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        check.error(file, entry.line_of(key), f"{key!r} must be true or false")
        return False
    return value


def _cross_check(check: _Checker, intents: dict[str, Intent], offices: dict[str, tuple[Office, str, int]]) -> None:
    seen_examples: dict[tuple[str, str], tuple[str, str, int]] = {}
    for intent in intents.values():
        file, entry = check.positions[intent.id]
        for target, line in check.id_list(file, entry, "related"):
            if target not in intents:
                check.error(file, line, f"related button to intent {target!r}, which does not exist")
        for office_id, line in check.id_list(file, entry, "offices"):
            if office_id not in offices:
                check.error(file, line, f"office {office_id!r} is not in offices.yaml")
        for lang, answer in intent.answers.items():
            for office_id, key in _PLACEHOLDER_RE.findall(answer.text):
                office = offices.get(office_id)
                if office is None:
                    check.error(
                        file,
                        answer.line,
                        f"the {lang} answer refers to office {office_id!r}, which is not in offices.yaml",
                    )
                elif office[0].value(key, lang) is None:
                    check.error(
                        file,
                        answer.line,
                        f"the {lang} answer refers to {{{office_id}.{key}}}, but that office has no {key!r}",
                    )
        for lang, texts in intent.examples.items():
            for text, line in zip(texts, intent.example_lines.get(lang, ()), strict=False):
                key = (lang, normalise(text))
                first = seen_examples.get(key)
                if first is None:
                    seen_examples[key] = (intent.id, file, line)
                elif first[0] != intent.id:
                    check.error(
                        file, line, f"example {text!r} is also listed under intent {first[0]!r} ({first[1]}:{first[2]})"
                    )
                else:
                    check.warn(file, line, f"example {text!r} is listed twice (first at line {first[2]})")


def load_knowledge(root: Path | str, *, strict: bool = True) -> KnowledgeBase:
    """Read the knowledge base in ``root``.

    Raises :class:`KnowledgeError` listing every problem when anything is wrong, so a curator fixes
    them all in one go. Warnings (long answers, collisions) are kept on the result.
    """
    root = Path(root)
    check = _Checker(root)
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), 0, "knowledge base folder not found")])
    settings = _load_settings(check)
    if settings is None:
        raise KnowledgeError(check.problems)
    offices = _load_offices(check, settings.languages)
    titles, menu, topics_file = _load_topics(check, settings.languages)
    intents: dict[str, Intent] = {}
    intent_files = sorted((root / INTENTS_DIR).rglob("*.yaml")) if (root / INTENTS_DIR).is_dir() else []
    if not intent_files:
        check.error(check.name(root / INTENTS_DIR), 0, "no intent files found (intents/<area>/<intent>.yaml)")
    for path in intent_files:
        intent = _load_intent(check, path, settings)
        if intent is None:
            continue
        if intent.id in intents:
            first = intents[intent.id]
            check.error(
                intent.file, intent.line, f"duplicate intent id {intent.id!r} (first in {first.file}:{first.line})"
            )
            continue
        intents[intent.id] = intent
    _cross_check(check, intents, offices)
    # Button titles from topics.yaml, unless the intent file gives its own.
    for intent_id, (per_lang, line) in titles.items():
        if intent_id not in intents:
            check.error(topics_file, line, f"title for intent {intent_id!r}, which does not exist")
            continue
        intent = intents[intent_id]
        merged = {**per_lang, **intent.titles}
        intents[intent_id] = replace(intent, titles=MappingProxyType(merged))
    for intent_id, line in menu:
        if intent_id not in intents:
            check.error(topics_file, line, f"menu lists intent {intent_id!r}, which does not exist")
    handoff_office = settings.handoff.office
    if handoff_office and handoff_office not in offices:
        check.error(check.name(root / SETTINGS_FILE), 1, f"handoff office {handoff_office!r} is not in offices.yaml")
    if check.problems and strict:
        raise KnowledgeError(check.problems)
    settings = replace(settings, menu=tuple(i for i, _ in menu if i in intents))
    return KnowledgeBase(
        root=root,
        settings=settings,
        offices=MappingProxyType({k: v[0] for k, v in offices.items()}),
        intents=MappingProxyType(intents),
        warnings=tuple(check.warnings),
    )

