"""Write the translations kept in ``locales/translations/<lang>.json`` into the gettext catalogs.

Why a separate source: ``make extract-messages`` rewrites the .po files whenever the code gains or
loses a string, and the translations must survive that and be re-applied in one step. The JSON files
map each English msgid to its translation; a plural entry (ngettext) maps the singular msgid to a
list with exactly as many forms as the language's ``Plural-Forms`` header asks for, in that order.
English needs no file: its msgstr is the msgid.

A translation is written only if it keeps the msgid's ``{placeholders}``, ``/commands`` and emoji,
so that a slip in a translation cannot break ``str.format`` or hide a command from a reader.

Usage::

    .venv/bin/python tools/fill_catalogs.py             # fill every catalog, report what is missing
    .venv/bin/python tools/fill_catalogs.py --strict    # exit 1 if anything is missing or invalid
    .venv/bin/python tools/fill_catalogs.py --missing de  # JSON skeleton of de's untranslated msgids
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import unicodedata
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

__all__ = ["LANGUAGES", "fill_catalog", "main", "problems"]

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
TRANSLATIONS = LOCALES / "translations"
DOMAIN = "messages"
#: The languages the bot ships, as in the Makefile; English is the source language.
LANGUAGES = ("de", "en", "uk", "ru", "ar", "fa", "tr", "vi", "zh", "es")
SOURCE_LANGUAGE = "en"
#: Line width pybabel uses, so that a run of this script and of ``pybabel update`` give the same file.
PO_WIDTH = 76

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_COMMAND = re.compile(r"(?<![\w/])/[a-z][a-z_]*")
_ID_WORD = re.compile(r"\b[A-Z]+_ID\b")

Translation = str | list[str]


def _emoji(text: str) -> list[str]:
    """Pictographs (category So) in order; the checkmarks and arrows people tap must stay."""
    return sorted(ch for ch in text if unicodedata.category(ch) == "So")


def _tokens(text: str) -> tuple[set[str], set[str], set[str]]:
    return set(_PLACEHOLDER.findall(text)), set(_COMMAND.findall(text)), set(_ID_WORD.findall(text))


def problems(message: Message, translation: Translation, num_plurals: int) -> list[str]:
    """What is wrong with ``translation`` of ``message`` (empty list: it can be written)."""
    if message.pluralizable:
        singular, plural = message.id
        if not isinstance(translation, list):
            return [f"plural entry needs a list of {num_plurals} forms"]
        if len(translation) != num_plurals:
            return [f"plural entry has {len(translation)} forms, the language has {num_plurals}"]
        if any(not form.strip() for form in translation):
            return ["empty plural form"]
        allowed = _tokens(singular)[0] | _tokens(plural)[0]
        found: list[str] = []
        for form in translation:
            placeholders, commands, ids = _tokens(form)
            if not placeholders <= allowed:
                found.append(f"unknown placeholder(s) {sorted(placeholders - allowed)}")
            if commands != _tokens(plural)[1] or ids != _tokens(plural)[2]:
                found.append("commands or *_ID words differ from the msgid")
        # The "other" form is used for most numbers: it must show every placeholder of the plural msgid.
        missing = _tokens(plural)[0] - _tokens(translation[-1])[0]
        if missing:
            found.append(f"last plural form lacks {sorted(missing)}")
        return found
    if not isinstance(translation, str):
        return ["singular entry needs a string"]
    if not translation.strip():
        return ["empty translation"]
    found = []
    for what, want, got in zip(
        ("placeholders", "/commands", "*_ID words"), _tokens(message.id), _tokens(translation), strict=True
    ):
        if want != got:
            found.append(f"{what} differ: msgid {sorted(want)}, translation {sorted(got)}")
    if _emoji(message.id) != _emoji(translation):
        found.append("emoji differ from the msgid")
    return found


def load_translations(lang: str) -> dict[str, Translation]:
    """The language's msgid -> translation map (English: none needed)."""
    path = TRANSLATIONS / f"{lang}.json"
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return {}
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _source_text(message: Message) -> Translation:
    return list(message.id) if message.pluralizable else message.id


def fill_catalog(lang: str) -> tuple[list[str], list[str], list[str], int]:
    """Fill ``lang``'s .po; return (missing msgids, invalid entries, unused JSON keys, messages)."""
    po_path = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as handle:
        catalog: Catalog = read_po(handle, locale=lang, domain=DOMAIN)
    translations = load_translations(lang)
    missing: list[str] = []
    invalid: list[str] = []
    used: set[str] = set()
    count = 0
    for message in catalog:
        if not message.id:
            continue
        count += 1
        key = message.id[0] if message.pluralizable else message.id
        if lang == SOURCE_LANGUAGE:
            text: Translation | None = _source_text(message)
        else:
            text = translations.get(key)
            if text is not None:
                used.add(key)
        if text is None:
            if not (message.string if isinstance(message.string, str) else all(message.string)):
                missing.append(key)
            continue
        found = problems(message, text, catalog.num_plurals)
        if found:
            invalid.append(f"{key!r}: {'; '.join(found)}")
            continue
        message.string = tuple(text) if message.pluralizable else text
        message.flags.discard("fuzzy")
    catalog.fuzzy = False
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=PO_WIDTH, ignore_obsolete=True, include_previous=False)
    if buffer.getvalue() != po_path.read_bytes():
        po_path.write_bytes(buffer.getvalue())
    unused = sorted(set(translations) - used)
    return missing, invalid, unused, count


def _missing_skeleton(lang: str) -> dict[str, Translation]:
    po_path = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    have = load_translations(lang)
    skeleton: dict[str, Translation] = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if message.pluralizable else message.id
        if key not in have:
            skeleton[key] = [""] * catalog.num_plurals if message.pluralizable else ""
    return skeleton


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("languages", nargs="*", default=list(LANGUAGES), help="default: all")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a msgid is missing or invalid")
    parser.add_argument("--missing", metavar="LANG", help="print a JSON skeleton of LANG's untranslated msgids")
    args = parser.parse_args(argv)
    if args.missing:
        json.dump(_missing_skeleton(args.missing), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    bad = False
    for lang in args.languages:
        missing, invalid, unused, count = fill_catalog(lang)
        print(f"{lang}: {count} messages, {count - len(missing) - len(invalid)} translated, "
              f"{len(missing)} missing, {len(invalid)} invalid, {len(unused)} unused in JSON")
        for key in missing:
            print(f"  missing: {key!r}")
        for line in invalid:
            print(f"  invalid: {line}")
        for key in unused:
            print(f"  unused (msgid no longer in the code): {key!r}")
        bad = bad or bool(missing or invalid)
    return 1 if bad and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
