"""Events from iCalendar feeds: fetched with httpx, parsed with icalendar, cached on disk.

Feeds are named in ``events.yaml`` (``feeds:``) or in ``WELCOMEBOT_EVENT_FEEDS`` (URLs separated by
spaces or commas). A feed that cannot be fetched or parsed is logged and skipped; its last good copy
(in memory, or on disk from an earlier run) keeps serving until a refresh succeeds.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from icalendar import Calendar

from bot.events.model import Event, EventCatalog, FeedConfig
from bot.events.recurrence import as_moment
from bot.events.service import EventBook
from bot.kb.model import Source

__all__ = [
    "ENV_FEEDS",
    "FEED_CACHE_DIR",
    "FeedError",
    "FeedStore",
    "configured_feeds",
    "parse_feed",
]

log = logging.getLogger(__name__)

ENV_FEEDS = "WELCOMEBOT_EVENT_FEEDS"
#: Folder under the data directory (beside the database) for the last good copy of each feed.
FEED_CACHE_DIR = "feeds"
#: How often the bot fetches feeds again.
REFRESH_INTERVAL = timedelta(hours=1)
FETCH_TIMEOUT_SECONDS = 15.0
#: A calendar feed larger than this is not a calendar of local events; refuse it.
MAX_FEED_BYTES = 5 * 1024 * 1024
#: Events that ended longer ago than this are not kept from feeds.
_KEEP_PAST = timedelta(days=1)


class FeedError(ValueError):
    """A feed's content is not a usable iCalendar file."""


def configured_feeds(catalog: EventCatalog, environ: Mapping[str, str] | None = None) -> tuple[FeedConfig, ...]:
    """The knowledge base's feeds plus those in ``WELCOMEBOT_EVENT_FEEDS``, each URL once."""
    env = os.environ if environ is None else environ
    feeds = list(catalog.feeds)
    known = {f.url for f in feeds}
    for url in re.split(r"[\s,]+", env.get(ENV_FEEDS, "")):
        if url.startswith(("http://", "https://")) and url not in known:
            feeds.append(FeedConfig(url=url))
            known.add(url)
    return tuple(feeds)


def _display(url: str) -> str:
    """A feed URL for logs, without query or credentials (private feed URLs carry secrets)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{parts.path}"


def _event_id(feed_url: str, uid: str) -> str:
    return "f" + hashlib.sha256(f"{feed_url}\n{uid}".encode()).hexdigest()[:12]


def _as_local(value: date | datetime, tz: tzinfo) -> date | datetime:
    """Floating times (no TZID) mean the knowledge base's time zone."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value


def parse_feed(
    content: bytes, feed: FeedConfig, *, tz: tzinfo, now: datetime, fetched: date | None = None
) -> list[Event]:
    """The events of one iCalendar document; cancelled and long-past events are left out.

    Raises :class:`FeedError` when the document is not iCalendar at all; single broken events
    are skipped with a log line.
    """
    try:
        calendar = Calendar.from_ical(content)
    except (ValueError, IndexError, KeyError) as exc:
        raise FeedError(f"not an iCalendar file: {exc}") from exc
    if calendar.name != "VCALENDAR":
        raise FeedError("not an iCalendar file: no VCALENDAR")
    name = str(calendar.get("X-WR-CALNAME", "")) or _display(feed.url)
    source = Source(url=feed.url, title=name, date=fetched or now.date())
    lang = feed.lang or "und"
    overrides: dict[str, list[date | datetime]] = {}
    events: list[Event] = []
    for component in calendar.walk("VEVENT"):
        try:
            event = _event(component, feed, lang=lang, tz=tz, source=source)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("feed %s: skipped an event (%s)", _display(feed.url), exc)
            continue
        if event is None:
            continue
        if "RECURRENCE-ID" in component:
            # A moved or changed instance: shown on its own, removed from the series below.
            uid = str(component.get("UID"))
            recurrence_id = _as_local(component.decoded("RECURRENCE-ID"), tz)
            overrides.setdefault(_event_id(feed.url, uid), []).append(recurrence_id)
            event = replace(event, id=_event_id(feed.url, f"{uid}\n{recurrence_id.isoformat()}"))
        events.append(event)
    result = []
    for event in events:
        if event.id in overrides and event.rrule:
            event = replace(event, exdates=event.exdates + tuple(overrides[event.id]))
        if event.rrule or _still_relevant(event, now, tz):
            result.append(event)
    return result


def _still_relevant(event: Event, now: datetime, tz: tzinfo) -> bool:
    end = event.end or event.start
    return as_moment(end, tz, end_of_day=event.all_day) > now - _KEEP_PAST


def _event(component, feed: FeedConfig, *, lang: str, tz: tzinfo, source: Source) -> Event | None:
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return None
    uid = str(component.get("UID") or "")
    summary = str(component.get("SUMMARY") or "").strip()
    if not uid or not summary or "DTSTART" not in component:
        raise ValueError("an event needs UID, SUMMARY and DTSTART")
    start = _as_local(component.decoded("DTSTART"), tz)
    end: date | datetime | None = None
    if "DTEND" in component:
        end = _as_local(component.decoded("DTEND"), tz)
    elif "DURATION" in component:
        end = start + component.decoded("DURATION")
    if not isinstance(start, datetime):
        # iCalendar's all-day DTEND is exclusive; events.yaml and Event use the last day.
        end = (end - timedelta(days=1)) if isinstance(end, date) and end > start else None
    elif end is not None and (not isinstance(end, datetime) or end < start):
        end = None
    rrule = None
    if "RRULE" in component:
        rrule = component.get("RRULE").to_ical().decode()
    exdate = component.get("EXDATE", [])
    exdates = [
        _as_local(value.dt, tz) for entry in (exdate if isinstance(exdate, list) else [exdate]) for value in entry.dts
    ]
    description = str(component.get("DESCRIPTION") or "").strip()
    url = str(component.get("URL") or "") or None
    return Event(
        id=_event_id(feed.url, uid),
        titles={lang: summary},
        start=start,
        end=end,
        descriptions={lang: description} if description else {},
        rrule=rrule,
        exdates=tuple(exdates),
        venue=str(component.get("LOCATION") or "").strip() or None,
        audience=feed.audience,
        url=url if url and url.startswith(("http://", "https://")) else None,
        sources=(source,),
        tentative=str(component.get("STATUS", "")).upper() == "TENTATIVE",
        origin=feed.url,
    )


class FeedStore:
    """The feeds' current events, refreshed on demand, with a disk cache of the last good copies."""

    def __init__(self, feeds: Sequence[FeedConfig], *, cache_dir: Path, tz: tzinfo) -> None:
        self.feeds = tuple(feeds)
        self.cache_dir = Path(cache_dir)
        self.tz = tz
        self._events: dict[str, list[Event]] = {}
        self.load_cache()

    @classmethod
    def for_book(cls, book: EventBook, *, data_dir: Path) -> FeedStore:
        """The feeds ``book``'s catalog and the environment name, merged into ``book``."""
        store = cls(configured_feeds(book.catalog), cache_dir=data_dir / FEED_CACHE_DIR, tz=book.tz)
        book.use_feeds(store.events)
        return store

    def cache_path(self, feed: FeedConfig) -> Path:
        return self.cache_dir / (hashlib.sha256(feed.url.encode()).hexdigest()[:20] + ".ics")

    def events(self) -> list[Event]:
        """Every feed's events, in the order the feeds are configured."""
        return [event for feed in self.feeds for event in self._events.get(feed.url, ())]

    def load_cache(self) -> None:
        """Serve the copies an earlier run saved, until the first refresh."""
        now = datetime.now(UTC)
        for feed in self.feeds:
            path = self.cache_path(feed)
            if not path.exists():
                continue
            try:
                fetched = datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
                self._events[feed.url] = parse_feed(path.read_bytes(), feed, tz=self.tz, now=now, fetched=fetched)
            except (OSError, FeedError) as exc:
                log.warning("feed %s: cached copy unusable (%s)", _display(feed.url), exc)

    async def refresh(self, *, client: httpx.AsyncClient | None = None) -> int:
        """Fetch every feed once; returns how many succeeded. Failures keep the last good copy."""
        if not self.feeds:
            return 0
        owned = client is None
        client = client or httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=True)
        try:
            results = await asyncio.gather(*(self._refresh_one(client, f) for f in self.feeds))
        finally:
            if owned:
                await client.aclose()
        return sum(results)

    def refresh_sync(self) -> int:
        """:meth:`refresh` for the command line (no event loop running)."""
        return asyncio.run(self.refresh()) if self.feeds else 0

    async def _refresh_one(self, client: httpx.AsyncClient, feed: FeedConfig) -> bool:
        try:
            response = await client.get(feed.url)
            response.raise_for_status()
            content = response.content
            if len(content) > MAX_FEED_BYTES:
                raise FeedError(f"larger than {MAX_FEED_BYTES} bytes")
            events = parse_feed(content, feed, tz=self.tz, now=datetime.now(UTC))
        except (httpx.HTTPError, FeedError) as exc:
            kept = "keeping the last good copy" if feed.url in self._events else "no copy yet"
            log.warning("feed %s: refresh failed (%s); %s", _display(feed.url), exc, kept)
            return False
        self._events[feed.url] = events
        self._save(feed, content)
        return True

    def _save(self, feed: FeedConfig, content: bytes) -> None:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            path = self.cache_path(feed)
            temp = path.with_suffix(".tmp")
            temp.write_bytes(content)
            temp.replace(path)
        except OSError as exc:
            log.warning("feed %s: cannot write the cache (%s)", _display(feed.url), exc)
