"""Whether a question is about something this knowledge base answers at all.

Two kinds of knowledge keep the bot from answering what it does not know:

- ``out_of_scope.yaml``: phrases of newcomer topics the base has no verified answer for (converting a
  driving licence, registering a car, a tax return, symptoms). They are learnt as one more class, so a
  question like them is out of scope even when it shares words with a real topic ("Auto anmelden" is
  not "Wohnung anmelden").
- ``places.yaml``, below.

"Ausländerbehörde Berlin Termin" matches the immigration-office topic word for word, yet Jena's answer
would be wrong for it. ``knowledge/places.yaml`` lists the city's own names (``home``) and other
places (``elsewhere``) in every script; a question naming another place and not the city is out of
scope, and the bot offers a person instead. The place names are data, so another city's base brings
its own.

A place name typed with one slip ("Drresden", "Lepizig") is still that place: otherwise the typo
alone would get a Dresden question Jena's answer. Only names of six letters or more, only one edit
that looks like a slip (`plausible_slip`), not the name without its last letters ("Kasse" is not
"Kassel"), and never a word the example phrases use themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.kb.yamlsrc import Problem, load_yaml
from bot.matching import Candidate, Example, MatchResult
from bot.matching.spelling import plausible_slip
from bot.textnorm import normalise

__all__ = [
    "OUT_OF_SCOPE",
    "OUT_OF_SCOPE_FILE",
    "PLACES_FILE",
    "PlaceFilter",
    "ScopedMatcher",
    "load_out_of_scope",
    "load_places",
    "scope_problems",
]

PLACES_FILE = "places.yaml"
OUT_OF_SCOPE_FILE = "out_of_scope.yaml"
#: The class the out-of-scope phrases are learnt as; never shown, never an intent id (ids are [a-z_]).
OUT_OF_SCOPE = "-out-of-scope-"
#: One-letter Arabic and Persian prefixes written onto a place name ("ببرلين" = "in Berlin").
_ARABIC_PREFIXES = ("ب", "و", "ل", "ف", "ك", "بال", "وال", "ال")
#: Cyrillic names are declined ("в Берлине", "у Дрездені"): a word starting with the stem counts.
_MIN_STEM = 4
#: Names at least this long are recognised with one slip; shorter ones lie one edit from everyday
#: words ("Halle", "Hallo").
_MIN_SLIP_NAME = 6


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
    _by_script: dict[tuple[bool, str], tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_script: dict[tuple[bool, str], list[str]] = {}
        for is_home, names in ((True, self.home), (False, self.elsewhere)):
            for name in names:
                if len(name) >= _MIN_SLIP_NAME and name.isalpha():
                    by_script.setdefault((is_home, _script(name)), []).append(name)
        object.__setattr__(self, "_by_script", {key: tuple(names) for key, names in by_script.items()})

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

    def _slipped(self, words: Sequence[str], known: frozenset[str], *, home: bool) -> bool:
        """Does a word the examples never use look like one slip on a long place name?"""
        for word in words:
            if word in known or not word.isalpha():
                continue
            script = _script(word)
            names = self._by_script.get((home, script))
            if not names:
                continue
            if script == "arabic":
                forms = [word] + [word[len(p) :] for p in _ARABIC_PREFIXES if word.startswith(p)]
            elif script == "cyrillic":  # declined: the stem is the start of the word, give or take a letter
                forms = sorted({word[:n] for name in names for n in (len(name) - 1, len(name), len(name) + 1)})
            else:
                forms = [word]
            for form in forms:
                for name, _, _ in process.extract(form, names, scorer=OSA.distance, score_cutoff=1, limit=None):
                    # a name cut short is often a word of its own: "Kasse" is not "Kassel"
                    if not name.startswith(form) and plausible_slip(form, name):
                        return True
        return False

    def elsewhere_only(self, text: str, *, known: frozenset[str] = frozenset()) -> bool:
        """True when ``text`` names another place and not the home city. ``known``: words the
        example phrases use, which are never taken for a misspelt place name."""
        folded = normalise(text)
        words = folded.split()
        elsewhere = self._mentions(words, folded, self.elsewhere) or self._slipped(words, known, home=False)
        if not elsewhere:
            return False
        return not (self._mentions(words, folded, self.home) or self._slipped(words, known, home=True))


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


def load_out_of_scope(root: Path, languages: Sequence[str]) -> tuple[list[Example], list[Problem]]:
    """Phrases from ``out_of_scope.yaml`` (``examples: {lang: [...]}``) as examples of :data:`OUT_OF_SCOPE`."""
    path = root / OUT_OF_SCOPE_FILE
    if not path.is_file():
        return [], []
    value, problems = load_yaml(path)
    if problems:
        return [], problems
    examples = value.get("examples") if isinstance(value, dict) else None
    if not isinstance(examples, dict):
        return [], [Problem(str(path), 1, "out_of_scope.yaml needs 'examples:' mapping languages to phrases")]
    result: list[Example] = []
    for lang, phrases in examples.items():
        if lang not in languages:
            problems.append(Problem(str(path), examples.key_line(lang), f"unknown language {lang!r}"))
            continue
        if not isinstance(phrases, list):
            problems.append(Problem(str(path), examples.line_of(lang), f"the {lang} phrases must be a list"))
            continue
        for index, phrase in enumerate(phrases):
            if not isinstance(phrase, str) or not phrase.strip():
                problems.append(Problem(str(path), phrases.line_of(index), "a phrase must be non-empty text"))
                continue
            result.append(Example(text=phrase.strip(), intent=OUT_OF_SCOPE, lang=str(lang)))
    return result, problems


def scope_problems(root: Path, languages: Sequence[str]) -> list[Problem]:
    """What is wrong in ``places.yaml`` and ``out_of_scope.yaml`` (for ``kb check``)."""
    return [*load_out_of_scope(root, languages)[1], *load_places(root)[1]]


class ScopedMatcher:
    """A matcher that answers "out of scope" for phrases like the known unknowns and for other places."""

    def __init__(  # noqa: ANN001 - any Matcher
        self, matcher, places: PlaceFilter | None = None, *, nationwide: Iterable[str] = ()
    ) -> None:
        self._matcher = matcher
        self._places = places
        self._nationwide = frozenset(nationwide)
        self._vocabulary: frozenset[str] = matcher.vocabulary  # words never taken for a misspelt place

    @property
    def threshold(self) -> float:
        return self._matcher.threshold

    @threshold.setter
    def threshold(self, value: float) -> None:
        self._matcher.threshold = value

    def _scope(self, text: str, result: MatchResult) -> MatchResult:
        alternatives = tuple(c for c in result.alternatives if c.intent != OUT_OF_SCOPE)
        if result.intent == OUT_OF_SCOPE:
            return replace(result, intent=None, alternatives=alternatives)
        if (
            result.intent is not None
            and result.intent not in self._nationwide
            and self._places is not None
            and self._places.elsewhere_only(text, known=self._vocabulary)
        ):
            return replace(result, intent=None, alternatives=(Candidate(result.intent, result.score), *alternatives))
        return replace(result, alternatives=alternatives) if alternatives != result.alternatives else result

    def match(self, text: str, *, lang: str | None = None) -> MatchResult:
        return self._scope(text, self._matcher.match(text, lang=lang))

    def match_many(self, texts: Sequence[str]) -> list[MatchResult]:
        return [self._scope(t, r) for t, r in zip(texts, self._matcher.match_many(texts), strict=True)]

    def calibrate(self, labelled: Iterable[tuple[str, str | None]]) -> float:
        return self._matcher.calibrate(labelled)
