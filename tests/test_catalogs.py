"""Interface text is translated into every language and compiled (never shipped half-done)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, language_name, translator

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["de", "en", "uk", "ru", "ar", "fa", "tr", "vi", "zh", "es"]


def code_messages() -> set[str]:
    """Every msgid the code marks with _() or N_()."""
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "bot"), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.fixture(scope="module")
def messages() -> set[str]:
    return code_messages()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_every_message_translated(lang: str, messages: set[str]) -> None:
    po = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(messages - translated)
    assert not missing, (
        f"{po}: {len(missing)} messages without a translation, e.g. {missing[:3]} (make extract-messages)"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_compiled_and_up_to_date(lang: str) -> None:
    po = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run `make install` (pybabel compile)"
    assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than its .po: run `make install`"


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_a_person_reads_interface_text_in_their_language(lang: str) -> None:
    text = translator(lang).gettext("Choose your language:")
    assert text and text != "Choose your language:"


def test_language_names_come_from_babel_in_their_own_language() -> None:
    assert language_name("de") == "Deutsch"
    assert language_name("uk") == "Українська"
    assert language_name("ar") == "العربية"
    assert language_name("fa") == "فارسی"
    assert language_name("de", "en") == "German"
