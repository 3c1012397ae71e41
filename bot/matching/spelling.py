"""Typo correction: a word the example phrases never use becomes the closest word they do use.

People type on phones, fast: "regsiter", "Anmledung", "пирвіт". Character n-grams survive one slip
in a long word but lose a short word to it, and every slip lowers the score until a right answer
falls under the out-of-scope cut-off. A correction replaces an unknown word of four letters or more
by a vocabulary word within one edit (two for words over seven letters; a swap of two neighbouring
letters is one edit), the most used one when several are that near. A three-letter word is only
corrected when swapping two of its letters makes a vocabulary word ("teh", "ihc").

Correcting a real word the examples happen not to use is the risk ("danger" -> "dancer"). Slips
have a shape, and a correction must have it too:
- the first letter is right (people rarely miss the first key of a word), or swapped with the
  second ("hwere");
- a letter replaced by another is a neighbouring key on a Latin (QWERTY, QWERTZ), Cyrillic
  (Ukrainian, Russian) or Arabic or Persian keyboard, every replaced letter of a long word too;
  "breed" is not a slip of "bread", nor "conservation" of "conversation".
Known words, short words, numbers and scripts written without spaces are left alone.

rapidfuzz does the distances (bit-parallel, with a cut-off) over the vocabulary words with the
same first letter (or the second, for a swap) and nearly the same length; corrections are remembered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.textnorm import normalise

__all__ = ["Speller", "plausible_slip"]

#: Words shorter than this are corrected only for two swapped letters ("teh", "ihc"): too many
#: real short words lie one edit apart, but few are each other's letters swapped.
MIN_LENGTH = 4
#: The shortest word whose swapped letters are corrected.
MIN_SWAP_LENGTH = 3
#: Words up to this length may be one edit off; longer words two.
ONE_EDIT_UP_TO = 7
#: Corrections remembered between calls (cleared when full): people repeat their typos.
_CACHE_WORDS = 50_000
#: Keyboard rows, top to bottom; keys touch their row neighbours and the three nearest keys of the
#: rows above and below (rows are staggered).
KEYBOARDS = (
    ("qwertyuiop", "asdfghjkl", "zxcvbnm"),  # QWERTY
    ("qwertzuiop", "asdfghjkl", "yxcvbnm"),  # QWERTZ (German)
    ("йцукенгшщзхї", "фівапролджє", "ячсмитьбю"),  # Ukrainian
    ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),  # Russian
    ("ضصثقفغعهخحجد", "شسيبلاتنمكط", "ئءؤرلاىةوزظ"),  # Arabic
    ("ضصثقفغعهخحجچ", "شسیبلاتنمکگ", "ظطزرذدپو"),  # Persian
)


def _neighbours() -> tuple[dict[str, set[str]], set[str]]:
    """Each key's neighbours on any of KEYBOARDS, in normalised letters, and every key known."""
    near: dict[str, set[str]] = {}
    for rows in KEYBOARDS:
        folded = [[normalise(key) or key for key in row] for row in rows]
        for r, row in enumerate(folded):
            for c, key in enumerate(row):
                touching = near.setdefault(key, set())
                for other in range(max(0, r - 1), min(len(folded), r + 2)):
                    touching.update(k for i, k in enumerate(folded[other]) if abs(i - c) <= 1 and k != key)
    return near, set(near)


_NEAR, _KEYS = _neighbours()


def plausible_slip(typed: str, word: str) -> bool:
    """Could `typed` be a slip of `word`? First letter right; replaced letters neighbouring keys."""
    if typed[0] != word[0] and typed[:2] != word[1::-1]:
        return False
    if len(typed) != len(word):
        return True  # a letter dropped or doubled (and, in a long word, one more slip)
    differ = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    if len(differ) == 2 and differ[1] == differ[0] + 1:
        first, second = differ
        if typed[first] == word[second] and typed[second] == word[first]:
            return True  # two neighbouring letters swapped
    return all(_neighbours_on_a_keyboard(typed[i], word[i]) for i in differ)


def _neighbours_on_a_keyboard(a: str, b: str) -> bool:
    """True for neighbouring keys, and for letters no keyboard here knows (nothing to judge by)."""
    return a not in _KEYS or b not in _KEYS or b in _NEAR[a]


def _correctable(word: str) -> bool:
    return len(word) >= MIN_SWAP_LENGTH and word.isalpha() and not any(ord(char) >= 0x3040 for char in word)


class Speller:
    """Replaces unknown words by their nearest known word; `correct` maps a normalised text."""

    def __init__(self, counts: Counter[str]) -> None:
        self._known = frozenset(counts)
        buckets: dict[tuple[str, int], list[str]] = {}
        # most used first: among equally near words the first found wins
        for word, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            if _correctable(word) and len(word) >= MIN_LENGTH:
                buckets.setdefault((word[0], len(word)), []).append(word)
        self._buckets = buckets
        self._cache: dict[str, str] = {}

    @classmethod
    def fit(cls, texts: Iterable[str]) -> Speller:
        """The vocabulary of normalised example texts."""
        return cls(Counter(word for text in texts for word in text.split()))

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every word of the example phrases (normalised)."""
        return self._known

    def correct(self, text: str) -> str:
        """`text` (normalised) with each correctable unknown word replaced by its nearest known word."""
        words = text.split()
        changed = False
        for i, word in enumerate(words):
            if word in self._known or not _correctable(word):
                continue
            fixed = self._cache.get(word)
            if fixed is None:
                fixed = self._nearest(word)
                if len(self._cache) > _CACHE_WORDS:
                    self._cache.clear()
                self._cache[word] = fixed
            if fixed != word:
                words[i] = fixed
                changed = True
        return " ".join(words) if changed else text

    def _nearest(self, word: str) -> str:
        if len(word) < MIN_LENGTH:
            swaps = (word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
            return next((swapped for swapped in swaps if swapped in self._known), word)
        edits = 1 if len(word) <= ONE_EDIT_UP_TO else 2
        found: list[tuple[int, int, str]] = []  # (edits, length difference, word)
        for length in range(len(word) - edits, len(word) + edits + 1):
            candidates = [w for first in dict.fromkeys(word[:2]) for w in self._buckets.get((first, length), ())]
            if candidates:
                matches = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None)
                gap = abs(length - len(word))
                found.extend((distance, gap, match) for match, distance, _ in matches if plausible_slip(word, match))
        return min(found, key=lambda item: item[:2])[2] if found else word
