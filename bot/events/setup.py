"""Wiring of the events module for an adapter: one call gives every part, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot import events as events_module
from bot.events.actions import EventActions
from bot.events.checklist import load_checklist
from bot.events.checklist_flow import ChecklistFlow
from bot.events.feeds import FeedStore
from bot.events.ics import uid_domain
from bot.events.reminders import Reminders
from bot.events.service import EventBook
from bot.events.store import EventStore
from bot.kb.model import KnowledgeBase
from bot.storage.db import Database

__all__ = ["EventsKit", "build_events"]


@dataclass(frozen=True)
class EventsKit:
    """Every part of the events module, sharing one book and one database."""

    book: EventBook
    feeds: FeedStore
    store: EventStore
    reminders: Reminders
    checklist: ChecklistFlow
    actions: EventActions


def build_events(kb: KnowledgeBase, *, db: Database, timezone: str | None, data_dir: Path) -> EventsKit:
    """Load events, feeds (from their disk cache) and the checklist; make :func:`bot.events.listing`
    use this book. Feeds are fetched later by the adapter (``kit.feeds.refresh()``)."""
    book = EventBook.from_kb(kb, timezone=timezone)
    feeds = FeedStore.for_book(book, data_dir=data_dir)
    items, _ = load_checklist(Path(kb.root), languages=kb.languages, intent_ids=set(kb.intents))
    store = EventStore(db)
    reminders = Reminders(store, book, items)
    checklist = ChecklistFlow(items, store, reminders)
    actions = EventActions(book, store, reminders, checklist, uid_domain=uid_domain(kb.settings.city))
    events_module.configure(book)
    return EventsKit(book, feeds, store, reminders, checklist, actions)
