"""Durable intake of Telegram updates and the journal of what handling them already sent.

An update is stored here before Telegram is told it arrived (the getUpdates offset moves on only
after the commit); it counts as handled when its row is marked done. If the process dies while
handling one, the next start handles it again, and :class:`SendJournal` returns the results of
the Bot API calls already made instead of repeating them, so nobody is answered twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.storage.db import Database

__all__ = ["Inbox", "InboxItem", "SendJournal", "STATE_DONE", "STATE_FAILED", "STATE_TODO"]

STATE_TODO = 0
STATE_DONE = 1
STATE_FAILED = 2
_OFFSET_KEY = "telegram.offset"


@dataclass(frozen=True)
class InboxItem:
    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    attempts: int


def chat_of(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to, so updates of one chat are handled in order."""
    for key in ("message", "edited_message", "channel_post", "my_chat_member", "chat_member"):
        part = update.get(key)
        if isinstance(part, dict) and isinstance(part.get("chat"), dict):
            return part["chat"].get("id")
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return message["chat"].get("id")
        sender = query.get("from")
        if isinstance(sender, dict):
            return sender.get("id")
    return None


class Inbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def offset(self) -> int | None:
        """The getUpdates offset that confirms everything already stored."""
        value = await self._db.get_meta(_OFFSET_KEY)
        return None if value is None else int(value)

    async def store(self, updates: Iterable[dict[str, Any]]) -> int:
        """Store raw updates (a repeated update_id is ignored) and move the offset past them.

        Returns how many were new.
        """
        updates = list(updates)
        if not updates:
            return 0
        now = time.time()
        new = 0
        async with self._db.write() as conn:
            for update in updates:
                cursor = await conn.execute(
                    "INSERT OR IGNORE INTO inbox(update_id, chat_id, payload, received_at)"
                    " VALUES (?, ?, ?, ?)",
                    (int(update["update_id"]), chat_of(update), json.dumps(update), now),
                )
                new += cursor.rowcount
            next_offset = max(int(u["update_id"]) for u in updates) + 1
            await conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET"
                " value = CAST(MAX(CAST(value AS INTEGER),"
                " CAST(excluded.value AS INTEGER)) AS TEXT)",
                (_OFFSET_KEY, str(next_offset)),
            )
        return new

    async def todo(self, *, limit: int = 500, after: int = -1) -> list[InboxItem]:
        """Updates not handled yet, oldest first."""
        rows = await self._db.fetchall(
            "SELECT update_id, chat_id, payload, attempts FROM inbox"
            " WHERE state = ? AND update_id > ? ORDER BY update_id LIMIT ?",
            (STATE_TODO, after, limit),
        )
        return [
            InboxItem(row["update_id"], row["chat_id"], json.loads(row["payload"]), row["attempts"])
            for row in rows
        ]

    async def count_todo(self) -> int:
        return await self._db.scalar("SELECT COUNT(*) FROM inbox WHERE state = ?", (STATE_TODO,))

    async def finish(self, update_id: int, *, state: int = STATE_DONE) -> None:
        """Mark handled (or given up): the payload and the send journal are no longer needed."""
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE inbox SET state = ?, payload = NULL, done_at = ? WHERE update_id = ?",
                (state, time.time(), update_id),
            )
            await conn.execute("DELETE FROM sent_journal WHERE update_id = ?", (update_id,))

    async def attempt(self, update_id: int) -> None:
        await self._db.execute(
            "UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ?", (update_id,)
        )

    async def prune(self, *, older_than: float) -> None:
        """Forget handled update ids older than the point where Telegram could still resend them."""
        await self._db.execute(
            "DELETE FROM inbox WHERE state != ? AND done_at < ?", (STATE_TODO, older_than)
        )


class SendJournal:
    """Bot API results per (update, call number): the memory that makes a replay idempotent."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def lookup(self, update_id: int, seq: int, endpoint: str | None = None
                     ) -> tuple[bool, Any]:
        """(True, result) when this call was made before; (False, None) when it was not (or,
        with ``endpoint``, a different call had this number)."""
        row = await self._db.fetchone(
            "SELECT endpoint, result FROM sent_journal WHERE update_id = ? AND seq = ?",
            (update_id, seq),
        )
        if row is None or (endpoint is not None and row[0] != endpoint):
            return False, None
        return True, (None if row[1] is None else json.loads(row[1]))

    async def get(self, update_id: int, seq: int) -> Any | None:
        return (await self.lookup(update_id, seq))[1]

    async def put(self, update_id: int, seq: int, endpoint: str, result: Any) -> None:
        await self._db.execute(
            "INSERT OR REPLACE INTO sent_journal(update_id, seq, endpoint, result)"
            " VALUES (?, ?, ?, ?)",
            (update_id, seq, endpoint, json.dumps(result)),
            urgent=True,
        )
