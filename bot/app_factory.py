"""Builds the running parts from settings: knowledge base, matcher, engine. Shared by every adapter."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.engine import Engine
from bot.kb import KnowledgeBase, KnowledgeError, load_knowledge
from bot.matchcache import cached_build
from bot.matching import Matcher
from bot.scope import ScopedMatcher, load_out_of_scope, load_places
from bot.settings import Settings

__all__ = ["build_engine", "build_matcher", "cache_dir"]

log = logging.getLogger(__name__)


def build_matcher(kb: KnowledgeBase, *, cache_dir: Path | None = None, isolated: bool = False) -> Matcher:
    """A matcher over every example phrase of the knowledge base. Phrases of ``out_of_scope.yaml``
    and questions about other places (``places.yaml``) come out as out of scope.

    ``isolated`` builds (on a cache miss) in a child process, so that a long-running bot never holds
    the training's memory; a one-shot command saves the second that costs.
    """
    unknowns, problems = load_out_of_scope(kb.root, kb.languages)
    places, place_problems = load_places(kb.root)
    if problems or place_problems:
        raise KnowledgeError([*problems, *place_problems])
    build = Matcher.build_isolated if isolated else Matcher.build
    matcher = cached_build([*kb.examples(), *unknowns], cache_dir=cache_dir, build=build)
    nationwide = [i.id for i in kb.intents.values() if i.nationwide]
    return ScopedMatcher(matcher, places, nationwide=nationwide) if places or unknowns else matcher


def build_engine(settings: Settings, *, kb: KnowledgeBase | None = None, long_running: bool = False) -> Engine:
    """Load the knowledge base (raises ``KnowledgeError`` when it is unsound) and build the engine.

    The events module, when present, lists upcoming events under the ``events`` topic.
    ``long_running`` (the Telegram bot) builds a missing matcher in a child process: the bot then
    never holds the training's memory.
    """
    kb = kb or load_knowledge(settings.knowledge_dir)
    matcher = build_matcher(kb, cache_dir=cache_dir(settings), isolated=long_running)
    return Engine(kb, matcher, events=_events_hook(kb, settings))


def cache_dir(settings: Settings) -> Path:
    """Where built artefacts are kept: beside the database, in the bot's data folder."""
    return settings.db_path.parent / "cache"


def _events_hook(kb: KnowledgeBase, settings: Settings):  # noqa: ANN202 - the engine's EventsProvider
    """The events module's listing for the ``events`` topic (None when the module is absent)."""
    try:
        from bot.events.render import events_provider
        from bot.events.service import EventBook
    except ImportError:
        return None
    return events_provider(EventBook.from_kb(kb, timezone=settings.timezone))
