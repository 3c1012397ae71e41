"""Interface text in the reader's language: gettext catalogs from ``locales/`` and Babel formatting.

Every string a person reads that is not knowledge-base content goes through :func:`translator`.
Catalogs are compiled by the build (``make install``); the .mo files are never committed.
"""

from __future__ import annotations

import gettext
import os
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.dates import format_time as _babel_format_time
from babel.numbers import format_decimal

__all__ = [
    "DOMAIN",
    "LOCALES_DIR",
    "N_",
    "format_date",
    "format_datetime",
    "format_number",
    "format_time",
    "is_rtl",
    "language_name",
    "translator",
]

DOMAIN = "messages"
#: Where the catalogs live: ``WELCOMEBOT_LOCALES`` or ``locales/`` beside the package.
LOCALES_DIR = Path(os.environ.get("WELCOMEBOT_LOCALES", Path(__file__).resolve().parent.parent / "locales"))

#: Languages written right to left; their replies get a direction mark so that mixed text reads well.
_RTL = frozenset({"ar", "fa", "he", "ur"})


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it yet (translated where it is shown)."""
    return message


@lru_cache(maxsize=32)
def translator(lang: str) -> gettext.NullTranslations:
    """The compiled catalog for ``lang``; English text (the msgids) where there is none."""
    return gettext.translation(DOMAIN, localedir=str(LOCALES_DIR), languages=[lang], fallback=True)


def is_rtl(lang: str) -> bool:
    """Whether ``lang`` is written right to left."""
    return lang in _RTL


@lru_cache(maxsize=256)
def language_name(code: str, in_lang: str | None = None) -> str:
    """The language's name, by default in the language itself ("Deutsch", "العربية")."""
    locale = Locale.parse(code)
    name = locale.get_display_name(Locale.parse(in_lang or code)) or code
    return name[:1].upper() + name[1:]


def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def format_date(value: date, lang: str, *, fmt: str = "full") -> str:
    """A date as a reader of ``lang`` writes it ("Montag, 1. Dezember 2026")."""
    return _babel_format_date(value, format=fmt, locale=_locale(lang))


def format_time(value: time | datetime, lang: str, *, fmt: str = "short") -> str:
    """A time of day as a reader of ``lang`` writes it."""
    return _babel_format_time(value, format=fmt, locale=_locale(lang))


def format_datetime(value: datetime, lang: str, *, fmt: str = "medium") -> str:
    """A moment in the reader's locale; ``value`` must already be in the wanted time zone."""
    return _babel_format_datetime(value, format=fmt, tzinfo=value.tzinfo, locale=_locale(lang))


def format_number(value: float | int, lang: str) -> str:
    """A number with the reader's digits and separators."""
    return format_decimal(value, locale=_locale(lang))
