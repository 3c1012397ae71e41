"""Whether a question is about this knowledge base's city at all.

"Ausländerbehörde Berlin Termin" matches the immigration-office topic word for word, yet Jena's answer
would be wrong for it. ``knowledge/places.yaml`` lists the city's own names (``home``) and other
places (``elsewhere``) in every script; a question naming another place and not the city is out of
scope, and the bot offers a person instead. The place names are data, so another city's base brings
its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.kb.yamlsrc import Problem, load_yaml
from bot.matching import MatchResult
from bot.textnorm import normalise

__all__ = ["PLACES_FILE", "PlaceFilter", "ScopedMatcher", "load_places"]

PLACES_FILE = "places.yaml"
#: One-letter Arabic and Persian prefixes written onto a place name ("ببرلين" = "in Berlin").
_ARABIC_PREFIXES = ("ب", "و", "ل", "ف", "ك", "بال", "وال", "ال")
#: Cyrillic names are declined ("в Берлине", "у Дрездені"): a word starting with the stem counts.
_MIN_STEM = 4


def _script(name: str) -> str:
    for char in name:
        code = ord(char)
        if 0x0400 <= code <= 0x04FF:
            return "cyrillic"
        if 0x0600 <= code <= 0x06FF:
            return "arabic"
        if 0x4E00 <= code <= 0x9FFF:
            return "han"
    return "latin"


def _arabic_word_is(word: str, name: str) -> bool:
    """``word`` is ``name``, perhaps with a preposition or article written onto it."""
    return word == name or (word.endswith(name) and word[: -len(name)] in _ARABIC_PREFIXES)


@dataclass(frozen=True)
class PlaceFilter:
    """Recognises mentions of the home city and of other places in a question."""

    home: tuple[str, ...]
    elsewhere: tuple[str, ...]

    @classmethod
    def from_names(cls, home: Iterable[str], elsewhere: Iterable[str]) -> PlaceFilter:
        return cls(
            home=tuple(sorted({normalise(n) for n in home if normalise(n)})),
            elsewhere=tuple(sorted({normalise(n) for n in elsewhere if normalise(n)})),
        )

    def _mentions(self, words: Sequence[str], text: str, names: Sequence[str]) -> bool:
        for name in names:
            script = _script(name)
            if script == "han":
                if name in text:
                    return True
            elif script == "cyrillic" and len(name) >= _MIN_STEM:
                if any(word.startswith(name) for word in words):
                    return True
            elif script == "arabic":
                if any(_arabic_word_is(word, name) for word in words):
                    return True
            elif name in words:
                return True
        return False

    def elsewhere_only(self, text: str) -> bool:
        """True when ``text`` names another place and not the home city."""
        folded = normalise(text)
        words = folded.split()
        return self._mentions(words, folded, self.elsewhere) and not self._mentions(words, folded, self.home)


def load_places(root: Path) -> tuple[PlaceFilter | None, list[Problem]]:
    """Read ``places.yaml`` of a knowledge base; (None, []) when the base has none."""
    path = root / PLACES_FILE
    if not path.is_file():
        return None, []
    value, problems = load_yaml(path)
    if problems:
        return None, problems
    if not isinstance(value, dict) or not all(isinstance(value.get(k, []), list) for k in ("home", "elsewhere")):
        return None, [Problem(str(path), 1, "places.yaml needs lists 'home' and 'elsewhere'")]
    unknown = set(value) - {"home", "elsewhere"}
    if unknown:
        key = sorted(unknown)[0]
        return None, [Problem(str(path), value.key_line(key), f"unknown key {key!r} (allowed: elsewhere, home)")]
    return PlaceFilter.from_names(map(str, value.get("home", [])), map(str, value.get("elsewhere", []))), []


class ScopedMatcher:
    """A matcher that also answers "out of scope" for questions about other places."""

    def __init__(self, matcher, places: PlaceFilter) -> None:  # noqa: ANN001 - any Matcher
        self._matcher = matcher
        self._places = places

    @property
    def threshold(self) -> float:
        return self._matcher.threshold

    @threshold.setter
    def threshold(self, value: float) -> None:
        self._matcher.threshold = value

    def _scope(self, text: str, result: MatchResult) -> MatchResult:
        if result.intent is not None and self._places.elsewhere_only(text):
            from bot.matching import Candidate

            alternatives = (Candidate(result.intent, result.score), *result.alternatives)
            return replace(result, intent=None, alternatives=alternatives[: len(result.alternatives) or 1])
        return result

    def match(self, text: str, *, lang: str | None = None) -> MatchResult:
        return self._scope(text, self._matcher.match(text, lang=lang))

    def match_many(self, texts: Sequence[str]) -> list[MatchResult]:
        return [self._scope(t, r) for t, r in zip(texts, self._matcher.match_many(texts), strict=True)]

    def calibrate(self, labelled: Iterable[tuple[str, str | None]]) -> float:
        return self._matcher.calibrate(labelled)
