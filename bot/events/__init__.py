"""Events and reminders: what is on, calendar files and feeds, the newcomer's checklist.

The engine and the adapters use the module-level :func:`listing` on the book set with
:func:`configure` (or, when nobody configured one, the knowledge base named by the environment).
"""

from __future__ import annotations

from datetime import datetime

from bot.events.service import DEFAULT_DAYS, EventBook, EventItem

__all__ = [
    "DEFAULT_DAYS",
    "EventBook",
    "EventItem",
    "configure",
    "current_book",
    "knowledge_problems",
    "listing",
]

_book: EventBook | None = None


def configure(book: EventBook | None) -> None:
    """Use ``book`` for :func:`listing` (None: fall back to the environment's knowledge base)."""
    global _book
    _book = book


def current_book() -> EventBook:
    """The configured book, loading the environment's knowledge base the first time if needed."""
    global _book
    if _book is None:
        from bot.kb.loader import load_knowledge
        from bot.settings import Settings

        settings = Settings.from_env()
        kb = load_knowledge(settings.knowledge_dir, strict=False)
        _book = EventBook.from_kb(kb, timezone=settings.timezone)
    return _book


def listing(
    lang: str, *, days: int = DEFAULT_DAYS, audience: str | None = None, now: datetime | None = None
) -> list[EventItem]:
    """Upcoming events in ``lang`` within ``days``, optionally only those for ``audience``."""
    return current_book().listing(lang, days=days, audience=audience, now=now)


def knowledge_problems(kb) -> list:
    """Problems in ``events.yaml`` and ``checklist.yaml`` beside ``kb``, for ``welcomebot kb check``
    (each a :class:`bot.kb.yamlsrc.Problem` with file and line)."""
    from pathlib import Path

    from bot.events.checklist import load_checklist

    book = EventBook.from_kb(kb)
    _items, checklist = load_checklist(Path(kb.root), languages=kb.languages, intent_ids=set(kb.intents))
    return [*book.problems, *checklist]
