"""Handoff tickets and the mapping between a person's chat and the staff group's messages."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.storage.db import Database

__all__ = ["DIRECTION_IN", "DIRECTION_OUT", "Ticket", "TicketStore"]

#: A person's message posted into the staff group.
DIRECTION_IN = "in"
#: A staff message relayed to the person.
DIRECTION_OUT = "out"

_COLUMNS = (
    "id, user_id, chat_id, lang, status, staff_chat_id, thread_id, question, intent, score,"
    " created_at, first_staff_reply_at, closed_at, rating"
)


@dataclass(frozen=True)
class Ticket:
    id: int
    user_id: int
    chat_id: int
    lang: str
    status: str
    staff_chat_id: int | None
    thread_id: int | None
    question: str | None
    intent: str | None
    score: float | None
    created_at: float
    first_staff_reply_at: float | None
    closed_at: float | None
    rating: int | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class TicketStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def _one(self, where: str, params: tuple) -> Ticket | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM tickets WHERE {where}", params)
        return None if row is None else Ticket(**dict(row))

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self._one("id = ?", (ticket_id,))

    async def open_for(self, user_id: int) -> Ticket | None:
        return await self._one("user_id = ? AND status = 'open'", (user_id,))

    async def by_thread(self, staff_chat_id: int, thread_id: int) -> Ticket | None:
        return await self._one(
            "staff_chat_id = ? AND thread_id = ? ORDER BY id DESC LIMIT 1",
            (staff_chat_id, thread_id),
        )

    async def by_staff_message(self, staff_chat_id: int, message_id: int) -> Ticket | None:
        row = await self._db.fetchone(
            "SELECT ticket_id FROM message_map WHERE staff_chat_id = ? AND staff_message_id = ?",
            (staff_chat_id, message_id),
        )
        return None if row is None else await self.get(row[0])

    async def create(
        self,
        *,
        user_id: int,
        chat_id: int,
        lang: str,
        question: str | None,
        intent: str | None,
        score: float | None,
    ) -> Ticket:
        """Open a ticket (the caller checked there is no open one). The topic is attached later."""
        ticket_id = await self._db.execute(
            "INSERT INTO tickets(user_id, chat_id, lang, question, intent, score, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user_id, chat_id, lang, question, intent, score, time.time()),
        )
        ticket = await self.get(ticket_id)
        assert ticket is not None
        return ticket

    async def attach(self, ticket_id: int, *, staff_chat_id: int, thread_id: int | None) -> None:
        await self._db.execute(
            "UPDATE tickets SET staff_chat_id = ?, thread_id = ? WHERE id = ?",
            (staff_chat_id, thread_id, ticket_id),
        )

    async def map_message(
        self,
        ticket_id: int,
        *,
        staff_chat_id: int,
        staff_message_id: int,
        person_message_id: int | None,
        direction: str,
    ) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT OR REPLACE INTO message_map(staff_chat_id, staff_message_id, ticket_id,"
                " person_message_id, direction, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (staff_chat_id, staff_message_id, ticket_id, person_message_id, direction,
                 time.time()),
            )
            if direction == DIRECTION_OUT:
                await conn.execute(
                    "UPDATE tickets SET first_staff_reply_at = ? "
                    "WHERE id = ? AND first_staff_reply_at IS NULL",
                    (time.time(), ticket_id),
                )

    async def first_staff_message(self, ticket_id: int) -> int | None:
        """The ticket's header in the staff group (what a plain group's posts reply to)."""
        return await self._db.scalar(
            "SELECT staff_message_id FROM message_map WHERE ticket_id = ? AND direction = 'in'"
            " ORDER BY created_at, staff_message_id LIMIT 1",
            (ticket_id,),
        )

    async def close(self, ticket_id: int) -> bool:
        """Close an open ticket; False when it was not open."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE tickets SET status = 'closed', closed_at = ?"
                " WHERE id = ? AND status = 'open'",
                (time.time(), ticket_id),
            )
            return cursor.rowcount > 0

    async def rate(self, ticket_id: int, user_id: int, rating: int) -> bool:
        """Store the person's rating of their closed ticket; False if it is not theirs."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE tickets SET rating = ? WHERE id = ? AND user_id = ? AND status = 'closed'",
                (rating, ticket_id, user_id),
            )
            return cursor.rowcount > 0

    async def list_open(self) -> list[Ticket]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM tickets WHERE status = 'open' ORDER BY created_at"
        )
        return [Ticket(**dict(row)) for row in rows]
