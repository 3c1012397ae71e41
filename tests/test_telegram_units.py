"""Pieces of the Telegram adapter a person notices: message splitting, buttons, the wait note."""

from __future__ import annotations

from datetime import datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from bot.engine import Button
from bot.hours import Period, StaffHours
from bot.telegram.handoff import expectation
from bot.telegram.keyboards import MESSAGE_LIMIT, inline_markup, split_text, utf16_len

BERLIN = ZoneInfo("Europe/Berlin")


def test_long_text_with_emoji_is_split_within_telegrams_limit_and_nothing_is_lost():
    text = ("Wohnung 🏠 anmelden. " * 400).strip()
    parts = split_text(text)
    assert len(parts) > 1
    assert all(utf16_len(p) <= MESSAGE_LIMIT for p in parts)
    assert " ".join(parts).split() == text.split()


def test_a_4090_character_text_is_one_message():
    assert len(split_text("x" * 4090)) == 1


def test_links_become_url_buttons_and_oversized_callback_data_is_left_out():
    markup = inline_markup(
        [[Button("Website", url="https://example.org"), Button("Too long", action="i:" + "x" * 80)],
         [Button("Housing", action="i:housing")]]
    )
    rows = markup.inline_keyboard
    assert rows[0][0].url == "https://example.org" and len(rows[0]) == 1
    assert rows[1][0].callback_data == "i:housing"


def _services() -> SimpleNamespace:
    hours = StaffHours.build([Period((0, 1, 2, 3, 4), time(9), time(16))], timezone="Europe/Berlin",
                             holidays_country="DE", holidays_subdivision="TH")
    return SimpleNamespace(hours=hours)


def test_saturday_evening_says_back_on_monday_at_nine_in_the_readers_language():
    saturday = datetime(2026, 11, 28, 20, 0, tzinfo=BERLIN)
    german = expectation(_services(), "de", now=saturday)
    assert "Montag" in german and "09:00" in german
    english = expectation(_services(), "en", now=saturday)
    assert "Monday" in english and "9:00" in english


def test_friday_evening_before_a_holiday_skips_it():
    # 2026-12-24 (Thu) evening: 25 and 26 December are holidays, then the weekend.
    note = expectation(_services(), "en", now=datetime(2026, 12, 24, 18, 0, tzinfo=BERLIN))
    assert "Monday" in note and "9:00" in note


def test_during_staff_hours_no_day_is_promised():
    note = expectation(_services(), "en", now=datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN))
    assert "Monday" not in note and "tomorrow" not in note


def test_run_without_a_token_exits_2_with_one_line_pointing_to_chat(capsys):
    from bot.settings import Settings
    from bot.telegram.app import run

    assert run(Settings()) == 2
    err = capsys.readouterr().err.strip()
    assert "TELEGRAM_BOT_TOKEN" in err and "welcomebot chat" in err and "\n" not in err
