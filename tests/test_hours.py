"""Staff availability: weekly hours, Thuringia's public holidays, the local time zone."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.hours import Period, StaffHours

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = Period(days=(0, 1, 2, 3, 4), start=time(9), end=time(16))


def desk() -> StaffHours:
    return StaffHours.build(
        [WEEKDAYS], timezone="Europe/Berlin", holidays_country="DE", holidays_subdivision="TH"
    )


def test_open_on_a_weekday_morning():
    assert desk().is_open(datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN))


def test_saturday_question_is_answered_on_monday_at_nine():
    saturday = datetime(2026, 11, 28, 20, 0, tzinfo=BERLIN)
    assert not desk().is_open(saturday)
    assert desk().next_opening(saturday) == datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)


def test_christmas_and_boxing_day_are_skipped():
    christmas_eve_evening = datetime(2026, 12, 24, 17, 0, tzinfo=BERLIN)
    # 25 Dec (Fri) and 26 Dec are holidays; 27 is Sunday: back Monday 28 Dec.
    assert desk().next_opening(christmas_eve_evening) == datetime(2026, 12, 28, 9, tzinfo=BERLIN)


def test_thuringia_world_childrens_day_is_a_holiday():
    # 20 September is a public holiday in Thuringia only (Weltkindertag); 2027-09-20 is a Monday.
    monday = datetime(2027, 9, 20, 10, 0, tzinfo=BERLIN)
    assert not desk().is_open(monday)
    assert desk().next_opening(monday) == datetime(2027, 9, 21, 9, 0, tzinfo=BERLIN)


def test_utc_input_is_read_in_local_time():
    # 07:30 UTC in winter is 08:30 in Jena: not open yet, opens at 9:00 local.
    utc = datetime(2026, 12, 1, 7, 30, tzinfo=ZoneInfo("UTC"))
    assert desk().next_opening(utc) == datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN)


def test_no_hours_means_no_promise():
    hours = StaffHours.build([], timezone="Europe/Berlin")
    assert not hours.known
    assert hours.next_opening(datetime(2026, 12, 1, 10, tzinfo=BERLIN)) is None
