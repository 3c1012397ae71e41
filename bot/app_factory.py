"""Builds the running parts from settings: knowledge base, matcher, engine. Shared by every adapter."""

from __future__ import annotations

import logging

from bot.engine import Engine
from bot.kb import KnowledgeBase, KnowledgeError, load_knowledge
from bot.matching import Matcher
from bot.scope import ScopedMatcher, load_out_of_scope, load_places
from bot.settings import Settings

__all__ = ["build_engine", "build_matcher"]

log = logging.getLogger(__name__)


def build_matcher(kb: KnowledgeBase) -> Matcher:
    """A matcher over every example phrase of the knowledge base. Phrases of ``out_of_scope.yaml``
    and questions about other places (``places.yaml``) come out as out of scope."""
    unknowns, problems = load_out_of_scope(kb.root, kb.languages)
    places, place_problems = load_places(kb.root)
    if problems or place_problems:
        raise KnowledgeError([*problems, *place_problems])
    matcher = Matcher.build([*kb.examples(), *unknowns])
    return ScopedMatcher(matcher, places) if places or unknowns else matcher


def build_engine(settings: Settings, *, kb: KnowledgeBase | None = None) -> Engine:
    """Load the knowledge base (raises ``KnowledgeError`` when it is unsound) and build the engine.

    The events module, when present, lists upcoming events under the ``events`` topic.
    """
    kb = kb or load_knowledge(settings.knowledge_dir)
    return Engine(kb, build_matcher(kb), events=_events_hook(kb, settings))


def _events_hook(kb: KnowledgeBase, settings: Settings):  # noqa: ANN202 - the engine's EventsProvider
    """The events module's listing for the ``events`` topic (None when the module is absent)."""
    try:
        from bot.events.render import events_provider
        from bot.events.service import EventBook
    except ImportError:
        return None
    return events_provider(EventBook.from_kb(kb, timezone=settings.timezone))
