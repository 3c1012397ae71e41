"""A small, complete knowledge base written into a temporary folder, for tests of the core."""

from __future__ import annotations

import textwrap
from pathlib import Path

LANGS = ["en", "de", "ar", "uk"]

SETTINGS = """\
city: Testburg
timezone: Europe/Berlin
holidays: {country: DE, subdivision: TH}
languages: [en, de, ar, uk]
source_language: en
review_after_days: 365
handoff:
  office: welcome
  staff_hours:
    - {days: [mon, tue, wed, thu, fri], from: "09:00", to: "16:00"}
"""

OFFICES = """\
offices:
  - id: welcome
    name: {en: Welcome Office, de: Willkommensbüro}
    address: Hauptstraße 1, 12345 Testburg
    email: welcome@example.org
  - id: town_hall
    name: {en: Town Hall, de: Rathaus}
    address: Markt 2, 12345 Testburg
    hours:
      - {days: [mon, tue], from: "08:00", to: "12:00"}
"""


def _answers(texts: dict[str, str]) -> str:
    lines = ["answers:"]
    for lang, text in texts.items():
        lines.append(f"  {lang}:")
        lines.append(f"    reviewed: {'true' if lang == 'en' else 'false'}")
        lines.append(f"    text: {text!r}" if "'" not in text else f'    text: "{text}"')
    return "\n".join(lines)


def _examples(examples: dict[str, list[str]]) -> str:
    lines = ["examples:"]
    for lang, phrases in examples.items():
        lines.append(f"  {lang}:")
        lines.extend(f"    - {p!r}" if "'" not in p else f'    - "{p}"' for p in phrases)
    return "\n".join(lines)


INTENTS = {
    ("paperwork", "registration"): dict(
        head="offices: [town_hall]\nrelated: [welcome_office]\nlinks: [https://example.org/appointments]\n"
        "sources:\n  - {url: https://example.org/register, date: 2026-11-01}\n",
        answers={
            "en": "Register your address at the {town_hall.name} within two weeks.",
            "de": "Melden Sie Ihre Adresse innerhalb von zwei Wochen im {town_hall.name} an.",
            "ar": "سجّل عنوانك في {town_hall.name} خلال أسبوعين.",
            "uk": "Зареєструйте адресу в {town_hall.name} протягом двох тижнів.",
        },
        examples={
            "en": [
                "where do I register my address",
                "register address",
                "address registration documents",
                "how to register after moving in",
                "anmeldung",
            ],
            "de": ["wo melde ich meine wohnung an", "anmeldung wohnung", "wohnsitz anmelden", "ummelden nach umzug"],
            "ar": ["كيف أسجل عنواني", "تسجيل السكن", "اين اسجل العنوان", "تسجيل العنوان anmeldung"],
            "uk": ["як зареєструвати адресу", "реєстрація житла", "де зареєструватися після переїзду"],
        },
    ),
    ("community", "welcome_office"): dict(
        head="offices: [welcome]\nrelated: [registration]\nsources:\n  - {title: City page, date: 2026-10-01}\n",
        answers={
            "en": "The {welcome.name} helps newcomers for free.",
            "de": "Das {welcome.name} berät Neuankömmlinge kostenlos.",
            "ar": "يساعد {welcome.name} القادمين الجدد مجانا.",
            "uk": "{welcome.name} безкоштовно допомагає новоприбулим.",
        },
        examples={
            "en": ["where is the welcome office", "welcome office address", "who helps newcomers"],
            "de": ["wo ist das willkommensbüro", "willkommensbüro adresse", "beratung für neue"],
            "ar": ["أين مكتب الترحيب", "عنوان مكتب الترحيب", "مساعدة القادمين الجدد"],
            "uk": ["де офіс привітання", "адреса офісу привітання", "допомога новоприбулим"],
        },
    ),
    ("conversation", "greeting"): dict(
        head="",
        answers={"en": "Hello!", "de": "Hallo!", "ar": "مرحبا!", "uk": "Привіт!"},
        examples={
            "en": ["hello", "hi", "good morning"],
            "de": ["hallo", "guten tag", "moin"],
            "ar": ["مرحبا", "السلام عليكم", "اهلا"],
            "uk": ["привіт", "добрий день", "вітаю"],
        },
    ),
    ("conversation", "human_handoff"): dict(
        head="action: handoff\n",
        answers={
            "en": "I am passing your question to a person.",
            "de": "Ich gebe Ihre Frage an einen Menschen weiter.",
            "ar": "سأحول سؤالك إلى موظف.",
            "uk": "Я передаю ваше питання людині.",
        },
        examples={
            "en": ["talk to a human", "real person please", "I want to speak to staff"],
            "de": ["mit einem menschen sprechen", "mitarbeiter bitte", "echte person"],
            "ar": ["أريد التحدث مع موظف", "شخص حقيقي", "موظف من فضلك"],
            "uk": ["поговорити з людиною", "живий оператор", "хочу до працівника"],
        },
    ),
    ("conversation", "bot_help"): dict(
        head="action: help\n",
        answers={
            "en": "I answer questions about Testburg.",
            "de": "Ich beantworte Fragen zu Testburg.",
            "ar": "أجيب عن الأسئلة حول تستبورغ.",
            "uk": "Я відповідаю на питання про Тестбург.",
        },
        examples={
            "en": ["what can you do", "help", "how does this bot work"],
            "de": ["was kannst du", "hilfe", "wie funktioniert der bot"],
            "ar": ["ماذا تستطيع أن تفعل", "مساعدة", "كيف يعمل البوت"],
            "uk": ["що ти вмієш", "допомога", "як працює бот"],
        },
    ),
}


def write_kb(root: Path, *, extra: dict[str, str] | None = None) -> Path:
    """Write the small knowledge base into ``root`` (plus ``extra`` files by relative path)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    (root / "offices.yaml").write_text(OFFICES, encoding="utf-8")
    for (area, intent_id), spec in INTENTS.items():
        folder = root / "intents" / area
        folder.mkdir(parents=True, exist_ok=True)
        head = f"id: {intent_id}\nverified: 2026-11-28\n{spec['head']}"
        body = f"{head}{_answers(spec['answers'])}\n{_examples(spec['examples'])}\n"
        (folder / f"{intent_id}.yaml").write_text(body, encoding="utf-8")
    for relative, text in (extra or {}).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root
