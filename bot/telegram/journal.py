"""A Bot whose API calls, while an update is handled, are journaled in the database.

If the process dies while handling an update, the update is handled again after the restart; the
calls it had already made return their journaled results instead of reaching Telegram twice. So a
person is not answered twice and a ticket does not get two topics.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ExtBot

from bot.storage import SendJournal

__all__ = ["JournalingBot", "UpdateScope", "current_scope", "update_scope"]

log = logging.getLogger(__name__)

#: Calls that change nothing on Telegram's side and need no journal.
_UNJOURNALED = frozenset({"getUpdates", "getMe", "getChat", "setWebhook", "deleteWebhook"})


@dataclass
class UpdateScope:
    """What the worker knows about the update being handled right now."""

    update_id: int
    journal: SendJournal | None
    seq: int = 0
    errors: list[BaseException] = field(default_factory=list)


_SCOPE: contextvars.ContextVar[UpdateScope | None] = contextvars.ContextVar(
    "welcomebot_update_scope", default=None
)


def current_scope() -> UpdateScope | None:
    return _SCOPE.get()


@contextmanager
def update_scope(scope: UpdateScope) -> Iterator[UpdateScope]:
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


class JournalingBot(ExtBot):
    """ExtBot (rate limiter included) plus the replay journal."""

    async def _do_post(self, endpoint: str, data: Any, **kwargs: Any) -> Any:
        scope = _SCOPE.get()
        if scope is None or scope.journal is None or endpoint in _UNJOURNALED:
            return await super()._do_post(endpoint, data, **kwargs)
        seq = scope.seq
        scope.seq += 1
        done = await scope.journal.get(scope.update_id, seq)
        if done is not None:
            log.info("update %d: call %d (%s) was made before a restart", scope.update_id, seq,
                     endpoint)
            return done
        result = await super()._do_post(endpoint, data, **kwargs)
        await scope.journal.put(scope.update_id, seq, endpoint, result)
        return result
