"""Normalisation: the spellings people type on a phone meet the curators' example phrases."""

import pytest

from bot.textnorm import normalise


@pytest.mark.parametrize(
    "typed",
    ["Bürgerservice", "Buergerservice", "Burgerservice", "BÜRGERSERVICE", "bürgerservice!"],
)
def test_german_umlauts_with_and_without_dots_meet(typed):
    assert normalise(typed) == normalise("Bürgerservice")


def test_sharp_s_meets_double_s():
    assert normalise("Straße") == normalise("strasse")


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("Tiếng Việt đăng ký tạm trú", "tieng viet dang ky tam tru"),
        ("¿Dónde está la oficina?", "donde esta la oficina"),
        ("İkamet izni ılık", "ikamet izni ilik"),
    ],
)
def test_latin_diacritics_are_folded(typed, plain):
    assert normalise(typed) == normalise(plain)


def test_arabic_letter_variants_and_harakat_meet():
    assert normalise("أين مكتبُ الإقامةِ؟") == normalise("اين مكتب الاقامه")
    assert normalise("مستشفى") == normalise("مستشفي")
    assert normalise("كتابـــة") == normalise("كتابه")


def test_persian_letters_meet_arabic_ones_and_zwnj_is_dropped():
    assert normalise("یک کتاب") == normalise("يك كتاب")
    assert normalise("می\u200cخواهم") == normalise("میخواهم")


def test_eastern_digits_become_ascii():
    assert normalise("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalise("۰۱۲۳۴۵۶۷۸۹") == "0123456789"


def test_cyrillic_yo_without_dots_but_short_i_kept():
    assert normalise("Ещё") == normalise("еще")
    assert normalise("йод") != normalise("иод")


def test_punctuation_and_whitespace_collapse():
    assert normalise("  Hello,\tworld!!  (test) ") == "hello world test"


def test_chinese_full_width_punctuation_removed_characters_kept():
    assert normalise("我想注册地址。") == "我想注册地址"
    assert normalise("ＡＢＣ１２３") == "abc123"


def test_empty_and_symbol_only_texts_are_empty():
    assert normalise("") == ""
    assert normalise("?!…") == ""
