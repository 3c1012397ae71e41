"""Which language the bot answers in."""

from __future__ import annotations

import pytest

from bot.languages import LanguageDetector, choose_reply_language

LANGS = ["de", "en", "uk", "ru", "ar", "fa", "tr", "vi", "zh", "es"]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(LANGS)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wo kann ich meine Wohnung anmelden?", "de"),
        ("Where can I register my flat?", "en"),
        ("Де можна зареєструвати квартиру?", "uk"),
        ("Где можно зарегистрировать квартиру?", "ru"),
        ("أين يمكنني تسجيل شقتي؟", "ar"),
        ("کجا می‌توانم آپارتمانم را ثبت کنم؟", "fa"),
        ("Dairemi nereye kaydettirebilirim?", "tr"),
        ("Tôi có thể đăng ký căn hộ ở đâu?", "vi"),
        ("我在哪里登记我的公寓?", "zh"),
        ("¿Dónde puedo registrar mi piso?", "es"),
        # German office words inside other languages do not make the text German
        ("де зробити Anmeldung?", "uk"),
        ("وين بعمل Anmeldung", "ar"),
        ("dónde está la Ausländerbehörde y qué horario tiene", "es"),
    ],
)
def test_detects_the_writers_language(detector: LanguageDetector, text: str, lang: str) -> None:
    assert detector.detect(text) == lang


@pytest.mark.parametrize("text", ["ok", "👍", "123"])
def test_unclear_text_shows_no_language(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) is None


def test_reply_language_order() -> None:
    supported = LANGS
    assert choose_reply_language("ar", chosen="de", last="en", app="uk", supported=supported) == "ar"
    assert choose_reply_language(None, chosen="de", last="en", app="uk", supported=supported) == "de"
    assert choose_reply_language(None, chosen=None, last="fa", app="uk", supported=supported) == "fa"
    assert choose_reply_language(None, chosen=None, last=None, app="uk-UA", supported=supported) == "uk"
    assert choose_reply_language(None, chosen=None, last=None, app="pt-br", supported=supported) == "en"
