"""The bot's database (aiosqlite): persons, tickets, message map, update inbox, questions.

``Storage.open(path)`` opens the file (creating its folder), migrates the schema and gives one
object with a store per concern. Everything shares one connection and one writer lock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bot.storage.db import Database, SchemaError
from bot.storage.inbox import STATE_DONE, STATE_FAILED, Inbox, InboxItem, SendJournal
from bot.storage.migrations import MIGRATIONS, Migration
from bot.storage.persons import PersonRecord, PersonStore
from bot.storage.questions import DAY, Gap, Guess, QuestionLog, Stats
from bot.storage.tickets import DIRECTION_IN, DIRECTION_OUT, Ticket, TicketStore

__all__ = [
    "DIRECTION_IN",
    "DIRECTION_OUT",
    "MIGRATIONS",
    "STATE_DONE",
    "STATE_FAILED",
    "Database",
    "Gap",
    "Guess",
    "Inbox",
    "InboxItem",
    "Migration",
    "PersonRecord",
    "SchemaError",
    "SendJournal",
    "Stats",
    "Storage",
    "Ticket",
]

#: Handled update ids are kept this long: Telegram may resend an update within a day.
UPDATE_ID_MEMORY = 2 * DAY


@dataclass
class Storage:
    db: Database
    persons: PersonStore
    tickets: TicketStore
    inbox: Inbox
    journal: SendJournal
    questions: QuestionLog

    @classmethod
    async def open(cls, path: str | Path) -> Storage:
        db = await Database.open(path)
        return cls(
            db=db,
            persons=PersonStore(db),
            tickets=TicketStore(db),
            inbox=Inbox(db),
            journal=SendJournal(db),
            questions=QuestionLog(db),
        )

    async def close(self) -> None:
        await self.db.close()

    async def housekeeping(self, *, retention_days: int, now: float | None = None) -> None:
        """Drop what is no longer needed: old question texts, old handled update ids."""
        now = time.time() if now is None else now
        await self.questions.forget_texts(older_than=now - retention_days * DAY)
        await self.inbox.prune(older_than=now - UPDATE_ID_MEMORY)
