"""``welcomebot events [--lang CODE] [--days N] [--json] [--ics]``: upcoming events in order.

Plain text (dates in the reader's locale), JSON (ISO 8601 times with their UTC offset) or an
iCalendar file to import into a calendar app.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.events.feeds import FeedStore
from bot.events.ics import calendar_bytes, uid_domain
from bot.events.recurrence import as_moment
from bot.events.render import when_text
from bot.events.service import DEFAULT_DAYS, EventBook, EventItem
from bot.i18n import translator
from bot.kb.loader import load_knowledge
from bot.kb.model import KBSettings

__all__ = ["item_json", "run"]

#: Exit status for a usage error (an unknown language), as argparse uses.
EXIT_USAGE = 2


def item_json(item: EventItem, book: EventBook) -> dict[str, Any]:
    """The JSON shape of one listed event (INTERFACE: id, title, start, end, location, url)."""

    def moment(value: datetime | date | None, *, end: bool = False) -> str | None:
        if value is None:
            return None
        return as_moment(value, book.tz, end_of_day=end and item.all_day).isoformat()

    return {
        "id": item.id,
        "title": item.title,
        "start": moment(item.start),
        "end": moment(item.end, end=True),
        "location": item.location,
        "url": item.url,
        "all_day": item.all_day,
        "tentative": item.tentative,
        "date_note": item.date_note or None,
    }


def _book(settings: Any) -> tuple[EventBook, KBSettings]:
    """The knowledge base's events and its feeds (fetched once; the disk cache if that fails)."""
    kb = load_knowledge(settings.knowledge_dir, strict=False)
    book = EventBook.from_kb(kb, timezone=settings.timezone)
    FeedStore.for_book(book, data_dir=Path(settings.db_path).parent).refresh_sync()
    return book, kb.settings


def run(args: Any, settings: Any, *, now: datetime | None = None) -> int:
    """Print upcoming events; ``args`` has ``lang``, ``days``, ``json`` and ``ics``.

    ``now`` is for tests (the listing and DTSTAMP as of that moment).
    """
    book, kb_settings = _book(settings)
    lang = getattr(args, "lang", None) or kb_settings.source_language
    if lang not in kb_settings.languages:
        known = " ".join(kb_settings.languages)
        print(f"unknown language {lang!r}; one of: {known}", file=sys.stderr)
        return EXIT_USAGE
    days = getattr(args, "days", None) or DEFAULT_DAYS
    items = book.listing(lang, days=days, now=now)
    if getattr(args, "ics", False):
        events = [item.occurrence.event for item in items]
        sys.stdout.buffer.write(
            calendar_bytes(events, book=book, lang=lang, uid_domain=uid_domain(kb_settings.city), now=now)
        )
        sys.stdout.flush()
    elif getattr(args, "json", False):
        json.dump([item_json(item, book) for item in items], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(_plain(items, lang, days))
    return 0


def _plain(items: list[EventItem], lang: str, days: int) -> str:
    _ = translator(lang).gettext
    if not items:
        return _("No events in the next {days} days.").format(days=days)
    blocks = []
    for item in items:
        lines = [when_text(item, lang), f"  {item.title}"]
        if item.location:
            lines.append(f"  {item.location}")
        if item.date_note:
            lines.append(f"  {item.date_note}")
        if item.url:
            lines.append(f"  {item.url}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
