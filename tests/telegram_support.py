"""Test support for the Telegram adapter: a small knowledge base and the bot running in-process
against :mod:`tests.fakebotapi`."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from bot.engine import Engine
from bot.kb import load_knowledge
from bot.matching import Matcher
from bot.settings import Settings
from bot.storage import Storage
from bot.telegram.app import serve
from tests.fakebotapi import STAFF_CHAT_ID, FakeBotAPI

__all__ = ["LANGS", "all_handled", "running_bot", "settings_for", "write_kb"]

LANGS = ["en", "de", "uk", "ar", "vi", "fa", "zh"]
#: The tiny test base needs a stricter cut-off than the real one to call things out of scope.
THRESHOLD = 0.6

_SETTINGS = """\
city: Testcity
timezone: Europe/Berlin
holidays: {country: DE, subdivision: TH}
languages: [en, de, uk, ar, vi, fa, zh]
source_language: en
review_after_days: 365
handoff:
  office: welcome_center
  staff_hours:
    - {days: [mon, tue, wed, thu, fri], from: "09:00", to: "16:00"}
"""
_OFFICES = """\
offices:
  - id: welcome_center
    name: {en: Welcome Center Testcity, de: Welcome Center Testcity}
    address: Teststrasse 1, 00000 Testcity
    email: welcome@example.org
    website: https://example.org/welcome
    sources:
      - {url: "https://example.org/welcome", title: Welcome, date: 2026-11-01}
"""
_EXAMPLES = {
    "registration": {
        "en": ["where do I register my address", "register my flat", "address registration",
               "how to register after moving", "registration of residence"],
        "de": ["wo melde ich meine wohnung an", "anmeldung wohnung", "wohnsitz anmelden",
               "ich muss mich ummelden", "meldebescheinigung bekommen"],
        "uk": ["де зареєструвати адресу", "як зареєструватися в квартирі", "реєстрація місця проживання",
               "анмельдунг де зробити", "реєстрація за адресою"],
        "ar": ["أين أسجل عنواني", "تسجيل السكن", "كيف أسجل عنوان الشقة", "تسجيل العنوان في البلدية",
               "أريد تسجيل مكان الإقامة"],
        "vi": ["đăng ký địa chỉ ở đâu", "đăng ký tạm trú", "làm sao để đăng ký nơi ở",
               "đăng ký cư trú", "đăng ký căn hộ"],
        "fa": ["کجا آدرسم را ثبت کنم", "ثبت محل سکونت", "ثبت نام آدرس خانه", "چطور آدرس را ثبت کنم",
               "ثبت اقامتگاه"],
        "zh": ["在哪里登记地址", "怎么办理住址登记", "住址登记", "登记居住地址", "搬家后登记"],
    },
    "housing": {
        "en": ["how do I find a flat", "looking for an apartment", "rent a room",
               "flat search tips", "where to find housing"],
        "de": ["wie finde ich eine wohnung", "wohnung suchen", "zimmer mieten", "wohnungssuche",
               "wg zimmer finden"],
        "uk": ["як знайти квартиру", "шукаю житло", "орендувати кімнату", "пошук квартири",
               "де знайти житло"],
        "ar": ["كيف أجد شقة", "أبحث عن سكن", "استئجار غرفة", "البحث عن شقة", "أين أجد سكنا"],
        "vi": ["làm sao tìm căn hộ", "tìm nhà thuê", "thuê phòng", "tìm chỗ ở", "tìm nhà ở đâu"],
        "fa": ["چطور آپارتمان پیدا کنم", "دنبال خانه هستم", "اجاره اتاق", "پیدا کردن خانه",
               "کجا خانه پیدا کنم"],
        "zh": ["怎么找房子", "租房", "找公寓", "租一个房间", "哪里找住房"],
    },
}
_ANSWERS = {
    "registration": {
        "en": "Register your address within two weeks at the citizens' office.",
        "de": "Melden Sie Ihre Wohnung innerhalb von zwei Wochen beim Bürgerservice an.",
        "uk": "Зареєструйте адресу протягом двох тижнів у бюро громадян.",
        "ar": "سجّل عنوانك خلال أسبوعين في مكتب خدمة المواطنين.",
        "vi": "Hãy đăng ký địa chỉ trong vòng hai tuần tại văn phòng công dân.",
        "fa": "آدرس خود را ظرف دو هفته در دفتر خدمات شهروندی ثبت کنید.",
        "zh": "请在两周内到市民服务处登记住址。",
    },
    "housing": {
        "en": "Look for flats on the housing portals; never pay a deposit before seeing the flat.",
        "de": "Suchen Sie auf Wohnungsportalen; zahlen Sie nie eine Kaution vor der Besichtigung.",
        "uk": "Шукайте житло на порталах; не платіть завдаток до огляду квартири.",
        "ar": "ابحث في مواقع السكن؛ لا تدفع التأمين قبل رؤية الشقة.",
        "vi": "Tìm nhà trên các trang nhà ở; đừng trả tiền cọc trước khi xem nhà.",
        "fa": "در سایت‌های مسکن جستجو کنید؛ قبل از دیدن خانه ودیعه نپردازید.",
        "zh": "在租房网站上找房；看房之前不要付押金。",
    },
}


def _intent_yaml(intent_id: str) -> str:
    lines = [f"id: {intent_id}", "verified: 2026-11-01", "offices: [welcome_center]",
             "links: [https://example.org/info]", "sources:",
             "  - {url: 'https://example.org/info', title: Info, date: 2026-11-01}", "answers:"]
    for lang, text in _ANSWERS[intent_id].items():
        lines += [f"  {lang}:", "    reviewed: true", f"    text: \"{text}\""]
    lines.append("examples:")
    for lang, phrases in _EXAMPLES[intent_id].items():
        lines.append(f"  {lang}:")
        lines += [f"    - \"{p}\"" for p in phrases]
    return "\n".join(lines) + "\n"


def write_kb(root: Path) -> Path:
    """A complete small knowledge base (two topics, seven languages)."""
    (root / "intents" / "paperwork").mkdir(parents=True, exist_ok=True)
    (root / "intents" / "daily-life").mkdir(parents=True, exist_ok=True)
    (root / "settings.yaml").write_text(_SETTINGS, encoding="utf-8")
    (root / "offices.yaml").write_text(_OFFICES, encoding="utf-8")
    (root / "intents" / "paperwork" / "registration.yaml").write_text(
        _intent_yaml("registration"), encoding="utf-8")
    (root / "intents" / "daily-life" / "housing.yaml").write_text(
        _intent_yaml("housing"), encoding="utf-8")
    return root


def settings_for(tmp_path: Path, fake: FakeBotAPI, *, staff: bool = True, **extra) -> Settings:
    kb = tmp_path / "kb"
    if not kb.exists():
        write_kb(kb)
    return Settings(
        token=fake.token,
        bot_api_url=fake.base_url,
        staff_chat_id=STAFF_CHAT_ID if staff else None,
        db_path=tmp_path / "data" / "bot.sqlite3",
        knowledge_dir=kb,
        **extra,
    )


_ENGINES: dict[Path, object] = {}


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, fake: FakeBotAPI):
    """The real `run` machinery (intake, worker, handlers) in this event loop, until the block ends."""
    engine = _ENGINES.get(settings.knowledge_dir)
    if engine is None:
        kb = load_knowledge(settings.knowledge_dir)
        engine = _ENGINES[settings.knowledge_dir] = Engine(kb, Matcher.build(kb.examples(), threshold=THRESHOLD))
    stop = asyncio.Event()
    polling = asyncio.Event()
    task = asyncio.create_task(serve(settings, engine, stop=stop, first_poll=polling))
    await asyncio.wait({task, asyncio.ensure_future(polling.wait())},
                       return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()
    try:
        yield engine
    finally:
        stop.set()
        await task


async def all_handled(settings: Settings, *, timeout: float = 20.0) -> None:
    """Wait until every update the bot has taken in is handled to its end.

    A reply reaches the person before its handler has finished (the question is counted just
    after the answer goes out), and other chats' updates run meanwhile: a staff command sent the
    moment a person sees an answer may not count that question yet. Tests that check such counts
    wait for this first."""
    storage = await Storage.open(settings.db_path)
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while await storage.inbox.count_todo():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("timed out waiting for the bot to handle its updates")
            await asyncio.sleep(0.02)
    finally:
        await storage.close()
