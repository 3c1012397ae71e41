"""The newcomer's checklist as knowledge: items from ``knowledge/checklist.yaml``, each linked to
the intent that explains it, with deadlines counted from the moving-in date.

Which tasks exist and their rules are the curators' (the file), not the code's; the person's
progress is in :mod:`bot.events.checklist_flow`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.events.model import AUDIENCE_EVERYONE, AUDIENCES
from bot.kb.yamlsrc import Problem, YamlList, YamlMap, load_yaml

__all__ = ["CHECKLIST_FILE", "ChecklistItem", "load_checklist"]

CHECKLIST_FILE = "checklist.yaml"
_KEYS = frozenset({"id", "intent", "deadline_days", "remind_days_before", "audience", "title"})
#: Item ids travel in button data ("ck:t:<id>"), so they are short.
_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


@dataclass(frozen=True)
class ChecklistItem:
    """One task of the first weeks."""

    id: str
    intent: str
    titles: Mapping[str, str]
    audience: frozenset[str] = frozenset({AUDIENCE_EVERYONE})
    deadline_days: int | None = None
    remind_days_before: int | None = None

    def title(self, lang: str, *, fallback: str = "en") -> str:
        return self.titles.get(lang) or self.titles.get(fallback) or self.id

    def deadline(self, moved_in: date | None) -> date | None:
        if moved_in is None or self.deadline_days is None:
            return None
        return moved_in + timedelta(days=self.deadline_days)

    def reminder_day(self, moved_in: date | None) -> date | None:
        deadline = self.deadline(moved_in)
        if deadline is None or self.remind_days_before is None:
            return None
        return deadline - timedelta(days=self.remind_days_before)

    def applies_to(self, audiences: Collection[str]) -> bool:
        return AUDIENCE_EVERYONE in self.audience or bool(self.audience & set(audiences))


def load_checklist(
    knowledge_dir: Path, *, languages: Collection[str], intent_ids: Collection[str] | None = None
) -> tuple[tuple[ChecklistItem, ...], list[Problem]]:
    """Read ``checklist.yaml`` (missing: no checklist). ``intent_ids`` checks the links."""
    path = Path(knowledge_dir) / CHECKLIST_FILE
    if not path.exists():
        return (), []
    file = str(path)
    data, problems = load_yaml(path, display=file)
    if data is None:
        return (), problems
    entries = data.get("items") if isinstance(data, YamlMap) else None
    if not isinstance(entries, YamlList):
        return (), [*problems, Problem(file, getattr(data, "line", 1), "expected 'items:' (a list)")]
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        line = entries.line_of(index)
        if not isinstance(entry, YamlMap):
            problems.append(Problem(file, line, "an item is a mapping with id, intent and title"))
            continue
        item = _item(entry, file, problems, languages, intent_ids)
        if item is None:
            continue
        if item.id in seen:
            problems.append(Problem(file, line, f"duplicate item id {item.id!r}"))
            continue
        seen.add(item.id)
        items.append(item)
    return tuple(items), problems


def _item(entry: YamlMap, file, problems, languages, intent_ids) -> ChecklistItem | None:
    def problem(key: str, message: str) -> None:
        problems.append(Problem(file, entry.line_of(key), message))

    for key in entry:
        if key not in _KEYS:
            problems.append(Problem(file, entry.key_line(key), f"unknown key {key!r}"))
    item_id, intent = entry.get("id"), entry.get("intent")
    if not isinstance(item_id, str) or not _ID.match(item_id):
        problem("id", "an item needs an 'id' of up to 31 lowercase letters, digits or _")
        return None
    if not isinstance(intent, str) or (intent_ids is not None and intent not in intent_ids):
        problem("intent", f"'intent' must name an existing intent, got {intent!r}")
        return None
    numbers = {}
    for key in ("deadline_days", "remind_days_before"):
        value = entry.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            problem(key, f"'{key}' is a number of days (0 or more)")
            value = None
        numbers[key] = value
    if numbers["remind_days_before"] is not None and numbers["deadline_days"] is None:
        problem("remind_days_before", "'remind_days_before' needs 'deadline_days'")
    audience = entry.get("audience") or [AUDIENCE_EVERYONE]
    unknown = [a for a in audience if a not in AUDIENCES] if isinstance(audience, list) else [audience]
    if unknown:
        problem("audience", f"unknown audience {unknown[0]!r} (one of {', '.join(AUDIENCES)})")
        return None
    titles = entry.get("title")
    if not isinstance(titles, YamlMap):
        problem("title", "'title' maps languages to texts")
        return None
    missing = [lang for lang in languages if not str(titles.get(lang) or "").strip()]
    if missing:
        problem("title", f"'title' missing in: {', '.join(missing)}")
    return ChecklistItem(
        id=item_id,
        intent=intent,
        titles={k: str(v).strip() for k, v in titles.items() if k in languages and v},
        audience=frozenset(audience),
        deadline_days=numbers["deadline_days"],
        remind_days_before=numbers["remind_days_before"],
    )
