"""Per-script text normalisation for matching: what people type fast on a phone meets the examples.

`normalise` runs on every message and every example phrase, so it is a single `str.translate` over a
per-character table that is filled lazily (each distinct character is folded once per process),
plus one regular expression for German umlaut transcriptions and one split/join for whitespace.

What it folds, and why:
- Unicode NFKC and case folding: full-width forms, ligatures, Arabic presentation forms, ``ß``.
- Latin diacritics (German umlauts, Vietnamese tones, Spanish accents, Turkish ``ı``/``İ``): many
  people type without them, or with a keyboard that lacks them.
- German umlaut transcriptions ``ae``/``oe``/``ue`` -> ``a``/``o``/``u`` so that "Bürgerservice",
  "Buergerservice" and "Burgerservice" become the same word. Applied to all text alike, so it is
  harmless for other languages (both sides of a comparison are folded the same way).
- Arabic and Persian letter variants (Arabic/Persian yeh and kaf, alef forms, teh marbuta, alef
  maksura), harakat, tatweel; every decimal digit (Arabic-Indic, Persian, ...) becomes ASCII.
- Zero-width joiners and non-joiners are dropped: Persian "می‌خواهم" is typed with ZWNJ, without
  it, or with a space; dropping it makes the first two meet.
- Cyrillic ``ё`` -> ``е`` (usually written without the dots); other Cyrillic letters (``й``, ``ї``)
  are distinct letters and stay.
- Punctuation, symbols and control characters become spaces; whitespace is collapsed.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise"]

#: Letters that are not decomposed by Unicode but are typed as their plain Latin or Arabic base.
_SPECIAL: dict[str, str] = {
    # Latin
    "ı": "i",  # Turkish dotless i
    "đ": "d",  # Vietnamese
    "ø": "o",
    "ł": "l",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ð": "d",
    "ß": "ss",
    # Cyrillic
    "ё": "е",
    # Arabic / Persian letter variants
    "ی": "ي",  # Persian yeh -> Arabic yeh
    "ى": "ي",  # alef maksura -> yeh
    "ې": "ي",
    "ک": "ك",  # Persian keheh -> Arabic kaf
    "ڪ": "ك",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ة": "ه",  # teh marbuta -> heh
    "ۀ": "ه",
    "ە": "ه",
    "ہ": "ه",
    "ھ": "ه",
    "ؤ": "و",
    "ئ": "ي",
    "ـ": "",  # tatweel
}

#: Combining marks that are decoration on the letters people type: Latin accents, Arabic harakat
#: and Quranic marks, Hebrew points. Marks of other scripts (Indic vowel signs) carry letters: kept.
_STRIP_MARK_RANGES: tuple[tuple[int, int], ...] = (
    (0x0300, 0x036F),  # combining diacritical marks (Latin, Greek, Cyrillic accents)
    (0x0591, 0x05C7),  # Hebrew points
    (0x0610, 0x061A),  # Arabic signs
    (0x064B, 0x065F),  # Arabic harakat
    (0x0670, 0x0670),  # superscript alef
    (0x06D6, 0x06ED),  # Quranic annotation marks
    (0x08D3, 0x08FF),  # Arabic extended marks
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)

#: Scripts whose accented letters are folded to their base letter (Cyrillic keeps й, ї, ў ...).
_FOLD_ACCENTS_OF = ("LATIN", "GREEK")

_UMLAUT_TRANSCRIPTION = re.compile(r"([aou])e")


def _is_stripped_mark(code_point: int) -> bool:
    return any(low <= code_point <= high for low, high in _STRIP_MARK_RANGES)


def _fold_char(char: str) -> str:
    """How one (already NFKC-normalised and case-folded) character is matched."""
    if char in _SPECIAL:
        return _SPECIAL[char]
    category = unicodedata.category(char)
    major = category[0]
    if major in "PSZ" or category in ("Cc", "Co", "Cs", "Cn"):
        return " "
    if category == "Cf":  # ZWJ, ZWNJ, soft hyphen, direction marks
        return ""
    if category in ("Mn", "Me"):
        return "" if _is_stripped_mark(ord(char)) else char
    if category == "Nd":
        return str(unicodedata.digit(char))
    if major == "L" and ord(char) > 0x7F:
        name = unicodedata.name(char, "")
        if name.startswith(_FOLD_ACCENTS_OF):
            decomposed = unicodedata.normalize("NFD", char)
            base = "".join(c for c in decomposed if not _is_stripped_mark(ord(c)))
            return "".join(_SPECIAL.get(c, c) for c in base)
    return char


class _FoldTable(dict[int, str]):
    """A `str.translate` table that computes each character's folding on first sight."""

    def __missing__(self, code_point: int) -> str:
        folded = _fold_char(chr(code_point))
        self[code_point] = folded
        return folded


_TABLE = _FoldTable()
for _ascii in range(0x80):  # pre-fill ASCII: the common case never hits __missing__
    _TABLE[_ascii] = _fold_char(chr(_ascii)).lower()


def normalise(text: str) -> str:
    """Fold `text` to the form the matcher compares: see the module docstring for what and why."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)
    if "e" in folded:
        folded = _UMLAUT_TRANSCRIPTION.sub(r"\1", folded)
    return " ".join(folded.split())
