"""Calendar feeds: events from an iCalendar URL join the listing; a broken feed never empties it."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from bot.events.feeds import ENV_FEEDS, FeedStore, configured_feeds
from bot.events.model import EventCatalog, FeedConfig
from bot.events.service import EventBook

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN)

FEED = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//feed//EN\r
X-WR-CALNAME:Haus auf der Mauer\r
BEGIN:VEVENT\r
UID:evening-1@example.org\r
DTSTAMP:20261101T000000Z\r
DTSTART:20261203T170000Z\r
DTEND:20261203T190000Z\r
SUMMARY:Internationaler Abend\r
LOCATION:Johannisplatz 26\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:cancelled@example.org\r
DTSTAMP:20261101T000000Z\r
DTSTART:20261204T170000Z\r
SUMMARY:Abgesagt\r
STATUS:CANCELLED\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:series@example.org\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Berlin:20261130T180000\r
DTEND;TZID=Europe/Berlin:20261130T200000\r
RRULE:FREQ=WEEKLY;BYDAY=MO\r
SUMMARY:Sprachcafe\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:series@example.org\r
DTSTAMP:20261101T000000Z\r
RECURRENCE-ID;TZID=Europe/Berlin:20261130T180000\r
DTSTART;TZID=Europe/Berlin:20261201T180000\r
DTEND;TZID=Europe/Berlin:20261201T200000\r
SUMMARY:Sprachcafe (moved to Tuesday)\r
END:VEVENT\r
END:VCALENDAR\r
"""


class FeedServer:
    """A calendar server on 127.0.0.1 whose answer the test changes."""

    def __init__(self) -> None:
        self.status, self.body, self.hits = 200, FEED, 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                server.hits += 1
                self.send_response(server.status)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/calendar.ics?token=SECRET123"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = FeedServer()
    yield srv
    srv.close()


def make(server, tmp_path, *, lang="de"):
    feed = FeedConfig(url=server.url, audience=frozenset({"students"}), lang=lang)
    store = FeedStore([feed], cache_dir=tmp_path / "feeds", tz=BERLIN)
    book = EventBook(EventCatalog(), tz=BERLIN, feed_events=store.events)
    return store, book


async def test_feed_events_join_the_listing_in_local_time(server, tmp_path):
    store, book = make(server, tmp_path)
    assert await store.refresh() == 1
    items = book.listing("de", days=14, now=NOW)
    titles = [i.title for i in items]
    assert titles == ["Sprachcafe (moved to Tuesday)", "Internationaler Abend", "Sprachcafe"]
    evening = items[1]
    assert evening.start == datetime(2026, 12, 3, 18, 0, tzinfo=BERLIN)  # 17:00 UTC
    assert evening.location == "Johannisplatz 26"
    assert "Abgesagt" not in titles
    # The moved Monday is not listed twice: the series' next time is the Monday after.
    assert items[2].start == datetime(2026, 12, 7, 18, 0, tzinfo=BERLIN)
    assert all(len("evc:" + i.id) <= 64 for i in items)


async def test_feed_events_are_filtered_by_the_feeds_audience(server, tmp_path):
    store, book = make(server, tmp_path)
    await store.refresh()
    assert book.listing("de", days=14, audience="families", now=NOW) == []
    assert book.listing("de", days=14, audience="students", now=NOW)


async def test_broken_feed_keeps_the_last_good_copy_and_is_logged(server, tmp_path, caplog):
    store, book = make(server, tmp_path)
    await store.refresh()
    server.status, server.body = 200, b"<html>maintenance</html>"
    with caplog.at_level(logging.WARNING, logger="bot.events.feeds"):
        assert await store.refresh() == 0
    assert len(book.listing("de", days=14, now=NOW)) == 3
    assert "refresh failed" in caplog.text and "keeping the last good copy" in caplog.text
    assert "SECRET123" not in caplog.text  # private feed tokens stay out of the logs
    server.status, server.body = 500, b"oops"
    assert await store.refresh() == 0
    assert len(book.listing("de", days=14, now=NOW)) == 3


async def test_a_restart_serves_the_cached_copy_when_the_feed_is_down(server, tmp_path):
    store, _ = make(server, tmp_path)
    await store.refresh()
    server.status, server.body = 503, b"down"
    store2, book2 = make(server, tmp_path)
    assert await store2.refresh() == 0
    assert [i.title for i in book2.listing("de", days=14, now=NOW)][:2] == [
        "Sprachcafe (moved to Tuesday)",
        "Internationaler Abend",
    ]


async def test_feeds_come_from_the_knowledge_base_and_the_environment_once_each(server, tmp_path):
    catalog = EventCatalog(feeds=(FeedConfig(url="https://example.org/a.ics"),))
    feeds = configured_feeds(catalog, {ENV_FEEDS: f"{server.url}, https://example.org/a.ics"})
    assert [f.url for f in feeds] == ["https://example.org/a.ics", server.url]
