"""Which language a person writes in, and which language the bot answers in.

Detection is offline: the script decides first (Arabic, Cyrillic, Han), letters that only one
language uses decide next (Persian پ چ ژ گ, Ukrainian і ї є ґ, Vietnamese ơ ư ă), and for the rest of
the Latin-script languages a character n-gram model learnt from the knowledge base's own example
phrases decides: it knows how newcomers write about these topics, typos and all, and costs a few
megabytes. Languages without examples fall back to lingua (its models ship in the wheel; its
low-accuracy mode, since the full models take over 150 MB).
A text that does not show its language clearly ("ok", "Anmeldung?") gives ``None``: the reply
language then comes from the person's choice, history or app setting (:func:`choose_reply_language`).
"""

from __future__ import annotations

import math
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
#: Languages written in Latin script that the detector can tell apart.
_LATIN_LANGUAGES = frozenset({"de", "en", "tr", "vi", "es", "fr", "it", "pl", "pt", "nl", "id", "ro", "sq"})
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


#: Share of the probability the n-gram model must give its best language to call the text clear.
_MIN_POSTERIOR = 0.95
#: Character n-gram orders of the model, and the add-k smoothing of unseen n-grams.
_NGRAM_ORDERS = (1, 2, 3)
_SMOOTHING = 0.5


def _grams(text: str) -> Iterable[str]:
    padded = " " + " ".join(text.lower().split()) + " "
    for n in _NGRAM_ORDERS:
        for i in range(len(padded) - n + 1):
            yield padded[i : i + n]


class _NgramModel:
    """Naive Bayes over character n-grams: small, fast and good on short in-domain text."""

    def __init__(self, samples: Iterable[tuple[str, str]]) -> None:
        counts: dict[str, Counter[str]] = {}
        for text, lang in samples:
            counts.setdefault(lang, Counter()).update(_grams(text))
        vocabulary = len(set().union(*counts.values())) if counts else 1
        self.languages = tuple(counts)
        self._log_prob = {
            lang: {gram: math.log(n + _SMOOTHING) for gram, n in c.items()} for lang, c in counts.items()
        }
        self._log_norm = {lang: math.log(sum(c.values()) + _SMOOTHING * vocabulary) for lang, c in counts.items()}
        self._log_unseen = math.log(_SMOOTHING)

    def best(self, text: str, candidates: Sequence[str]) -> tuple[str | None, float]:
        """The most probable language among ``candidates`` and its posterior probability."""
        candidates = [c for c in candidates if c in self._log_prob]
        if not candidates:
            return None, 0.0
        grams = list(_grams(text))
        scores = {
            lang: sum(self._log_prob[lang].get(g, self._log_unseen) for g in grams) - len(grams) * self._log_norm[lang]
            for lang in candidates
        }
        top = max(scores.values())
        total = sum(math.exp(v - top) for v in scores.values())
        best = max(scores, key=scores.__getitem__)
        return best, 1.0 / total


class LanguageDetector:
    """Detects the language of a message among a fixed set of language codes.

    ``samples`` are (text, language) pairs of the domain, such as the knowledge base's example
    phrases; without them the Latin-script languages are told apart by lingua alone.
    """

    def __init__(self, languages: Iterable[str], *, samples: Iterable[tuple[str, str | None]] = ()) -> None:
        self.languages = tuple(languages)
        latin = [code for code in self.languages if code in _LATIN_LANGUAGES]
        self._model = _NgramModel((t, lang) for t, lang in samples if lang in latin)

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
        return LanguageDetectorBuilder.from_languages(*wanted).with_low_accuracy_mode().build()

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
        best, confidence = self._latin(text, latin)
        if best == "de" and "de" in latin:
            # German office words ("Ausländerbehörde", "Anmeldung") are typed inside every language:
            # judge the rest of the sentence without the words that look German.
            rest = " ".join(w for w in text.split() if not (set(w.lower()) & _GERMAN_MARKS))
            if rest != text and sum(c.isalpha() for c in rest) >= 2 * _MIN_LETTERS:
                other, other_confidence = self._latin(rest, latin)
                if other != "de" and other_confidence >= _MIN_CONFIDENCE:
                    return other
        return best if confidence >= _MIN_CONFIDENCE else None

    def _latin(self, text: str, latin: Sequence[str]) -> tuple[str | None, float]:
        """Best Latin-script language and its confidence: the domain model where it knows them all."""
        if set(latin) <= set(self._model.languages):
            best, posterior = self._model.best(text, latin)
            # the model's posteriors are sharp: rescale so that _MIN_CONFIDENCE means "clear"
            return best, posterior * _MIN_CONFIDENCE / _MIN_POSTERIOR
        return self._among(text, latin)

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
