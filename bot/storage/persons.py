"""People who write to the bot: their language choice and what the next button press needs."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.storage.db import Database

__all__ = ["PersonRecord", "PersonStore"]


@dataclass(frozen=True)
class PersonRecord:
    user_id: int
    chat_id: int
    chosen_lang: str | None = None
    app_lang: str | None = None
    last_lang: str | None = None
    last_question: str | None = None


class PersonStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> PersonRecord | None:
        row = await self._db.fetchone(
            "SELECT user_id, chat_id, chosen_lang, app_lang, last_lang, last_question "
            "FROM persons WHERE user_id = ?",
            (user_id,),
        )
        return None if row is None else PersonRecord(**dict(row))

    async def save(self, record: PersonRecord) -> None:
        await self._db.execute(
            "INSERT INTO persons(user_id, chat_id, chosen_lang, app_lang, last_lang, last_question,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET"
            " chat_id = excluded.chat_id, chosen_lang = excluded.chosen_lang,"
            " app_lang = excluded.app_lang, last_lang = excluded.last_lang,"
            " last_question = excluded.last_question, updated_at = excluded.updated_at",
            (
                record.user_id,
                record.chat_id,
                record.chosen_lang,
                record.app_lang,
                record.last_lang,
                record.last_question,
                time.time(),
            ),
        )

    async def forget(self, user_id: int, chat_id: int) -> None:
        """Delete everything kept about a person: the record, tickets, questions, stored updates."""
        async with self._db.write() as conn:
            await conn.execute("DELETE FROM persons WHERE user_id = ?", (user_id,))
            await conn.execute("DELETE FROM tickets WHERE user_id = ?", (user_id,))
            await conn.execute("DELETE FROM questions WHERE user_id = ?", (user_id,))
            # The events module's tables (bot/events/schema.py): reminders, checklist, subscriptions.
            for table in ("reminders", "checklists", "checklist_done", "event_subscriptions"):
                await conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
            await conn.execute(
                "UPDATE inbox SET payload = NULL WHERE chat_id = ? AND state != 0", (chat_id,)
            )
