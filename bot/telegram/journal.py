"""Bot API calls made while an update is handled are journaled in the database.

If the process dies while handling an update, the update is handled again after the restart; the
calls it had already made return their journaled results instead of reaching Telegram twice. So a
person is not answered twice and a ticket does not get two topics.

The journal sits at the HTTP request, below the rate limiter, and a result is recorded as soon as
it arrives. What no client can close is the moment between Telegram accepting a call and its
answer being recorded: a crash exactly there repeats that one call (at least once, never lost).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram.request import HTTPXRequest, RequestData

from bot.storage import SendJournal

__all__ = ["JournalingRequest", "UpdateScope", "current_scope", "update_scope"]

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


class JournalingRequest(HTTPXRequest):
    """HTTPXRequest plus the replay journal of the update being handled (if any)."""

    async def post(self, url: str, request_data: RequestData | None = None, **kwargs: Any) -> Any:
        scope = _SCOPE.get()
        endpoint = url.rsplit("/", 1)[-1]
        if scope is None or scope.journal is None or endpoint in _UNJOURNALED:
            return await super().post(url, request_data, **kwargs)
        journal = scope.journal
        seq = scope.seq
        scope.seq += 1
        # A replay that took another path (say, the ticket was already open) gets no stale result.
        found, result = await journal.lookup(scope.update_id, seq, endpoint)
        if found and result is not None:
            log.info("update %d: call %d (%s) was made before a restart", scope.update_id, seq,
                     endpoint)
            return result
        try:
            result = await super().post(url, request_data, **kwargs)
        except BaseException:
            scope.seq = seq  # it did not happen; the rate limiter may retry it under this number
            raise
        await journal.put(scope.update_id, seq, endpoint, result)
        return result
