"""Which language a person writes in, and which language the bot answers in.

Detection is offline: the script decides first (Arabic, Cyrillic, Han), letters that only one
language uses decide next (Persian پ چ ژ گ, Ukrainian і ї є ґ, Vietnamese ơ ư ă), and for the rest
the lingua detector (its models ship in the wheel) chooses among the knowledge base's languages.
A text that does not show its language clearly ("ok", "Anmeldung?") gives ``None``: the reply
language then comes from the person's choice, history or app setting (:func:`choose_reply_language`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cached_property

__all__ = ["DEFAULT_LANGUAGE", "LanguageDetector", "choose_reply_language"]

#: The language of last resort, when nothing tells what the person reads.
DEFAULT_LANGUAGE = "en"
#: lingua's confidence needed to call a Latin-script text clearly one language.
_MIN_CONFIDENCE = 0.6
#: Fewer letters than this show no language clearly (unless the script or a unique letter does).
_MIN_LETTERS = 4

_UNIQUE_LETTERS: dict[str, frozenset[str]] = {
    "fa": frozenset("پچژگ"),
    "uk": frozenset("іїєґ"),
    "ru": frozenset("ыэъё"),
    "vi": frozenset("ơưăđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"),
    "tr": frozenset("şğı"),
    "es": frozenset("ñ¿¡"),
    "de": frozenset("ß"),
}
_ARABIC_ONLY = frozenset("ةىؤإأ")
_GERMAN_MARKS = frozenset("äöüß")


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    code = ord(char)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if 0x3040 <= code <= 0x30FF:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF:
        return "hangul"
    if "LATIN" in unicodedata.name(char, ""):
        return "latin"
    return "other"


class LanguageDetector:
    """Detects the language of a message among a fixed set of language codes."""

    def __init__(self, languages: Iterable[str]) -> None:
        self.languages = tuple(languages)

    @cached_property
    def _lingua(self):  # noqa: ANN202 - lingua's detector type
        """The lingua detector for the Latin-script languages we serve, built on first need."""
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        wanted = []
        for code in self.languages:
            try:
                language = Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
            except (AttributeError, ValueError):
                continue
            wanted.append(language)
        if len(wanted) < 2:
            return None
        return LanguageDetectorBuilder.from_languages(*wanted).build()

    def _among(self, text: str, candidates: Sequence[str]) -> tuple[str | None, float]:
        """lingua's best guess among ``candidates`` and its relative confidence."""
        detector = self._lingua
        if detector is None:
            return None, 0.0
        scores = {
            value.language.iso_code_639_1.name.lower(): value.value
            for value in detector.compute_language_confidence_values(text)
        }
        total = sum(scores.get(code, 0.0) for code in candidates)
        if total <= 0:
            return None, 0.0
        best = max(candidates, key=lambda code: scores.get(code, 0.0))
        return best, scores.get(best, 0.0) / total

    def detect(self, text: str) -> str | None:
        """The language ``text`` is clearly written in, or None when it does not show it."""
        letters = [c for c in text if c.isalpha()]
        if not letters:
            return None
        scripts = Counter(_script(c) for c in letters)
        lowered = set(text.lower())
        script, count = max(((s, n) for s, n in scripts.items() if s != "latin"), key=lambda x: x[1], default=(None, 0))
        # A non-Latin script that makes up a fair share of the letters decides (German office words
        # inside an Arabic or Ukrainian sentence are common and must not win).
        if script and count >= min(_MIN_LETTERS, max(2, 0.3 * len(letters))):
            if script == "han" and "zh" in self.languages:
                return "zh"
            if script == "arabic":
                return self._arabic_script(text, lowered)
            if script == "cyrillic":
                return self._cyrillic(text, lowered)
            return None
        latin = [
            code for code in self.languages if code in {"de", "en", "tr", "vi", "es", "fr", "it", "pl", "pt", "nl"}
        ]
        for code in ("vi", "tr", "es", "de"):
            if code in latin and lowered & _UNIQUE_LETTERS[code]:
                if code != "de" or not lowered & _UNIQUE_LETTERS["tr"]:
                    return code
        words = sum(1 for word in text.split() if any(c.isalpha() for c in word))
        # One Latin word shows no language: "Anmeldung" or "Jobcenter" is typed by everyone.
        if len(letters) < _MIN_LETTERS or words < 2 or not latin:
            return None
        best, confidence = self._among(text, latin)
        if best == "de" and "de" in latin:
            # German office words ("Ausländerbehörde", "Anmeldung") are typed inside every language:
            # judge the rest of the sentence without the words that look German.
            rest = " ".join(w for w in text.split() if not (set(w.lower()) & _GERMAN_MARKS))
            if rest != text and sum(c.isalpha() for c in rest) >= 2 * _MIN_LETTERS:
                other, other_confidence = self._among(rest, latin)
                if other != "de" and other_confidence >= _MIN_CONFIDENCE:
                    return other
        return best if confidence >= _MIN_CONFIDENCE else None

    def _arabic_script(self, text: str, lowered: set[str]) -> str | None:
        has_fa, has_ar = "fa" in self.languages, "ar" in self.languages
        if has_fa and lowered & _UNIQUE_LETTERS["fa"]:
            return "fa"
        if has_ar and lowered & _ARABIC_ONLY:
            return "ar"
        if has_fa and has_ar:
            # Persian keheh/yeh vs Arabic kaf/yeh, then lingua
            persian = sum(text.count(c) for c in "کی")
            arabic = sum(text.count(c) for c in "كي")
            if persian != arabic:
                return "fa" if persian > arabic else "ar"
            best, _ = self._among(text, ["ar", "fa"])
            return best or "ar"
        return "ar" if has_ar else ("fa" if has_fa else None)

    def _cyrillic(self, text: str, lowered: set[str]) -> str | None:
        has_uk, has_ru = "uk" in self.languages, "ru" in self.languages
        if has_uk and lowered & _UNIQUE_LETTERS["uk"]:
            return "uk"
        if has_ru and lowered & _UNIQUE_LETTERS["ru"]:
            return "ru"
        if has_uk and has_ru:
            best, _ = self._among(text, ["uk", "ru"])
            return best or "ru"
        return "uk" if has_uk else ("ru" if has_ru else None)


def choose_reply_language(
    detected: str | None,
    *,
    chosen: str | None,
    last: str | None,
    app: str | None,
    supported: Sequence[str],
    default: str = DEFAULT_LANGUAGE,
) -> str:
    """The language to answer in: the text's own when clear, else the chosen one, else the one of
    the conversation so far, else the app's, else ``default`` (then the first supported).

    >>> choose_reply_language(None, chosen="uk", last=None, app="de", supported=["en", "uk", "de"])
    'uk'
    """
    for candidate in (detected, chosen, last, _base(app)):
        if candidate and candidate in supported:
            return candidate
    return default if default in supported else supported[0]


def _base(code: str | None) -> str | None:
    """Telegram sends IETF tags such as "pt-br" or "zh-hans": keep the language part."""
    if not code:
        return None
    return code.replace("_", "-").split("-")[0].lower()
