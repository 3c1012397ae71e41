"""Events from the knowledge base: what a newcomer is shown, when, and what curators are told."""

from __future__ import annotations

import json
import re
from argparse import Namespace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.events.cli import run
from bot.events.loader import load_events
from bot.events.model import Event
from bot.events.recurrence import upcoming
from bot.events.service import EventBook
from bot.kb.loader import load_knowledge
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
BERLIN = ZoneInfo("Europe/Berlin")
TODAY = datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN)
LANGS = ("de", "en", "uk", "ru", "ar", "fa", "tr", "vi", "zh", "es")
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KNOWLEDGE, strict=False)


@pytest.fixture(scope="module")
def book(kb):
    return EventBook.from_kb(kb)


def cli(tmp_path, capsys, *, now=TODAY, **options):
    args = Namespace(
        lang=options.get("lang"),
        days=options.get("days"),
        json=options.get("json", False),
        ics=options.get("ics", False),
    )
    settings = Settings(knowledge_dir=KNOWLEDGE, db_path=tmp_path / "db.sqlite3")
    status = run(args, settings, now=now)
    return status, capsys.readouterr()


# --- the real knowledge base -------------------------------------------------------------------


def test_events_file_is_sound(book):
    assert book.problems == ()
    assert len(book.catalog.events) >= 5


def test_every_event_has_title_and_description_in_every_language_and_a_source(book):
    for event in book.catalog.events:
        assert set(event.titles) == set(LANGS), event.id
        assert set(event.descriptions) == set(LANGS), event.id
        assert event.sources and all(s.date for s in event.sources), event.id
        if event.tentative:
            assert set(event.date_notes) == set(LANGS), event.id
            assert event.confirm_with, f"{event.id}: who confirms the date?"


def test_at_least_three_real_events_in_the_next_400_days_and_no_past_ones(book):
    items = book.listing("en", days=400, now=TODAY)
    ids = [item.id for item in items]
    assert len(ids) >= 3
    assert "welcome_days_summer_2027" in ids and "kulturarena_2027" in ids
    assert "planetarium_reopening_2026" not in ids  # planned for 2026-07-18: past
    starts = [datetime.combine(i.start, datetime.min.time(), BERLIN) if i.all_day else i.start for i in items]
    assert starts == sorted(starts)


def test_tentative_events_say_the_date_is_not_confirmed(book):
    item = next(i for i in book.listing("de", days=400, now=TODAY) if i.id == "welcome_days_summer_2027")
    assert item.tentative
    assert "April 2027" in item.date_note


def test_audience_filter_keeps_events_for_everyone(book):
    students = {i.id for i in book.listing("en", days=400, audience="students", now=TODAY)}
    families = {i.id for i in book.listing("en", days=400, audience="families", now=TODAY)}
    assert "welcome_days_summer_2027" in students
    assert "welcome_days_summer_2027" not in families
    assert "kulturarena_2027" in families and "kulturarena_2027" in students


# --- recurrence ------------------------------------------------------------------------------------


def weekly(**changes) -> Event:
    values = dict(
        id="cafe",
        titles={"en": "Language café"},
        start=datetime(2026, 10, 19, 15, 0, tzinfo=BERLIN),
        end=datetime(2026, 10, 19, 17, 0, tzinfo=BERLIN),
        rrule="FREQ=WEEKLY;BYDAY=MO",
        venue="Town hall",
    )
    values.update(changes)
    return Event(**values)


def test_weekly_event_keeps_its_local_time_across_the_clock_change():
    # Summer time ends on 2026-10-25: the Monday after is still 15:00 in Jena.
    found = upcoming([weekly()], now=datetime(2026, 10, 24, 12, tzinfo=BERLIN), days=7, tz=BERLIN)
    assert found[0].start == datetime(2026, 10, 26, 15, 0, tzinfo=BERLIN)
    assert found[0].start.utcoffset().total_seconds() == 3600


def test_an_occurrence_under_way_is_still_listed():
    now = datetime(2026, 11, 30, 16, 0, tzinfo=BERLIN)
    found = upcoming([weekly()], now=now, days=7, tz=BERLIN)
    assert found[0].start == datetime(2026, 11, 30, 15, 0, tzinfo=BERLIN)


def test_excluded_dates_and_until_end_a_series():
    event = weekly(
        exdates=(datetime(2026, 11, 30, 15, 0, tzinfo=BERLIN),),
        rrule="FREQ=WEEKLY;BYDAY=MO;UNTIL=20261208T000000Z",
    )
    found = upcoming([event], now=TODAY, days=60, tz=BERLIN)
    assert [o.start.date() for o in found] == [date(2026, 12, 7)]
    assert upcoming([event], now=datetime(2026, 12, 8, tzinfo=BERLIN), days=60, tz=BERLIN) == []


def test_past_one_off_event_drops_out():
    event = Event(id="old", titles={"en": "Old"}, start=date(2026, 11, 27), venue="x")
    assert upcoming([event], now=TODAY, days=30, tz=BERLIN) == []
    assert upcoming([event], now=datetime(2026, 11, 27, 23, tzinfo=BERLIN), days=30, tz=BERLIN)


# --- curators' mistakes -------------------------------------------------------------------------


BAD = """\
events:
  - id: one
    start: 2027-01-10
    venue: Markt
    sources: [{title: staff, date: 2026-11-01}]
    title: {en: One}
    description: {en: First}
  - id: one
    start: 2027-01-11
    office: nowhere
    rrule: FREQ=SOMETIMES
    sources: [{title: staff, date: 2026-11-01}]
    title: {en: Two}
    description: {en: Second}
  - id: three
    tentative: true
    start: 2027-04-01
    venue: Markt
    audience: [aliens]
    sources: [{title: staff, date: 2026-11-01}]
    title: {en: Three, de: Drei}
    description: {en: Third}
"""


def test_mistakes_are_reported_at_file_and_line(tmp_path):
    (tmp_path / "events.yaml").write_text(BAD, encoding="utf-8")
    catalog, problems = load_events(tmp_path, languages=("en", "de"), office_ids={"citizens_office"}, tz=BERLIN)
    lines = [str(p) for p in problems]
    path = str(tmp_path / "events.yaml")

    def at(line: int, text: str) -> bool:
        return any(p.startswith(f"{path}:{line}:") and text in p for p in lines)

    assert at(6, "'title' missing in: de")
    assert at(10, "unknown office 'nowhere'")
    assert at(11, "invalid recurrence rule")
    assert at(8, "duplicate event id 'one'")
    assert at(19, "unknown audience 'aliens'")
    assert at(15, "missing 'date_note'")
    assert at(15, "needs 'end'")
    assert [e.id for e in catalog.events] == ["one", "three"]


def test_timed_events_are_read_in_the_knowledge_base_time_zone(tmp_path):
    (tmp_path / "events.yaml").write_text(
        'events:\n  - id: talk\n    start: "2027-01-10 18:30"\n    end: "2027-01-10 20:00"\n'
        "    venue: Markt\n    sources: [{title: staff, date: 2026-11-01}]\n"
        "    title: {en: Talk}\n    description: {en: A talk}\n",
        encoding="utf-8",
    )
    catalog, problems = load_events(tmp_path, languages=("en",), office_ids=(), tz=BERLIN)
    assert problems == []
    assert catalog.events[0].start == datetime(2027, 1, 10, 18, 30, tzinfo=BERLIN)


# --- welcomebot events ------------------------------------------------------------------------


def test_json_lists_upcoming_events_with_offsets(tmp_path, capsys):
    status, out = cli(tmp_path, capsys, json=True, days=400)
    assert status == 0
    rows = json.loads(out.out)
    assert len(rows) >= 3
    for row in rows:
        assert {"id", "title", "start", "end", "location", "url"} <= set(row)
        assert re.search(r"[+-]\d\d:\d\d$", row["start"]), row["start"]
        datetime.fromisoformat(row["start"])


def test_json_titles_in_arabic(tmp_path, capsys):
    _, out = cli(tmp_path, capsys, json=True, days=400, lang="ar")
    rows = json.loads(out.out)
    assert rows and all(ARABIC.search(row["title"]) for row in rows)


def test_timezone_setting_changes_the_offsets(tmp_path, capsys):
    args = Namespace(lang="en", days=7, json=True, ics=False)
    settings = Settings(knowledge_dir=KNOWLEDGE, db_path=tmp_path / "db", timezone="America/New_York")
    assert run(args, settings, now=TODAY) == 0
    rows = json.loads(capsys.readouterr().out)
    weltraum = next(r for r in rows if r["id"] == "weltraum_meeting_point")
    assert weltraum["start"].endswith("-05:00")


def test_ics_is_a_valid_calendar_file(tmp_path, capsys):
    status, out = cli(tmp_path, capsys, ics=True, days=400, lang="uk")
    assert status == 0
    raw = out.out.encode("utf-8")
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"DTSTART;TZID=Europe/Berlin:" in raw and b"BEGIN:VTIMEZONE" in raw
    calendar = Calendar.from_ical(raw)
    vevents = calendar.walk("VEVENT")
    assert len(vevents) >= 3
    for vevent in vevents:
        for key in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert key in vevent
    summaries = [str(v["SUMMARY"]) for v in vevents]
    assert any("Дні привітання" in s for s in summaries)
    weekly_event = next(v for v in vevents if "RRULE" in v)
    assert weekly_event["RRULE"]["FREQ"] == ["WEEKLY"]


def test_plain_output_uses_the_readers_date_format(tmp_path, capsys):
    _, out = cli(tmp_path, capsys, days=7, lang="de")
    assert "Montag, 30. November 2026" in out.out


def test_unknown_language_is_a_usage_error(tmp_path, capsys):
    status, out = cli(tmp_path, capsys, lang="xx")
    assert status == 2 and "xx" in out.err


def test_kb_check_sees_events_and_checklist_files_sound(kb):
    from bot.events import knowledge_problems

    assert knowledge_problems(kb) == []
