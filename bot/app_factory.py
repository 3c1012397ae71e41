"""Builds the running parts from settings: knowledge base, matcher, engine. Shared by every adapter."""

from __future__ import annotations

import logging

from bot.engine import Engine
from bot.kb import KnowledgeBase, load_knowledge
from bot.matching import Matcher
from bot.settings import Settings

__all__ = ["build_engine", "build_matcher"]

log = logging.getLogger(__name__)


def build_matcher(kb: KnowledgeBase) -> Matcher:
    """A matcher over every example phrase of the knowledge base."""
    return Matcher.build(kb.examples())


def build_engine(settings: Settings, *, kb: KnowledgeBase | None = None) -> Engine:
    """Load the knowledge base (raises ``KnowledgeError`` when it is unsound) and build the engine.

    The events module, when present, lists upcoming events under the ``events`` topic.
    """
    kb = kb or load_knowledge(settings.knowledge_dir)
    events = None
    try:
        from bot.events.render import events_provider  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        events = events_provider(kb, settings)
    return Engine(kb, build_matcher(kb), events=events)
