"""What the events module keeps in the bot's database: reminders (an outbox that survives a
restart), checklists (moving-in date, ticked items) and who asked to hear about new events.

The tables are made by :data:`bot.events.schema.EVENTS_SCHEMA`, a migration of the bot's database.
Times are Unix seconds (UTC), dates ISO text, as in the rest of the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.storage.db import Database

__all__ = [
    "KIND_ANNOUNCE",
    "KIND_CHECKLIST",
    "KIND_EVENT",
    "STATE_GONE",
    "STATE_PENDING",
    "STATE_SENT",
    "ChecklistRecord",
    "EventStore",
    "Reminder",
]

KIND_EVENT = "event"  # "remind me" the day before an event
KIND_CHECKLIST = "checklist"  # before a checklist deadline
KIND_ANNOUNCE = "announce"  # staff announced a new event
STATE_PENDING, STATE_SENT, STATE_GONE = 0, 1, 2


@dataclass(frozen=True)
class Reminder:
    id: int
    user_id: int
    chat_id: int
    kind: str
    ref: str
    lang: str
    due_at: float
    attempts: int


@dataclass(frozen=True)
class ChecklistRecord:
    user_id: int
    chat_id: int
    moved_in: date | None
    audiences: frozenset[str]
    done: frozenset[str]


class EventStore:
    """Reminders, checklists and subscriptions on the shared :class:`Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- reminders ---------------------------------------------------------------------------

    async def schedule(self, *, user_id: int, chat_id: int, kind: str, ref: str, lang: str, due_at: float) -> bool:
        """Add a pending reminder; False when the same one is already pending (nothing changes)."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO reminders(user_id, chat_id, kind, ref, lang, due_at) VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, chat_id, kind, ref, lang, due_at),
            )
            return cursor.rowcount > 0

    async def schedule_many(self, rows: Iterable[tuple[int, int, str, str, str, float]]) -> int:
        """Many reminders in one transaction (announcements); returns how many were new."""
        added = 0
        async with self._db.write() as conn:
            for row in rows:
                cursor = await conn.execute(
                    "INSERT OR IGNORE INTO reminders(user_id, chat_id, kind, ref, lang, due_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
                added += cursor.rowcount
        return added

    async def cancel(self, *, user_id: int, kind: str, ref: str) -> None:
        await self._db.execute(
            "DELETE FROM reminders WHERE user_id = ? AND kind = ? AND ref = ? AND state = ?",
            (user_id, kind, ref, STATE_PENDING),
        )

    async def pending(self, user_id: int) -> list[Reminder]:
        rows = await self._db.fetchall(
            "SELECT * FROM reminders WHERE user_id = ? AND state = ? ORDER BY due_at",
            (user_id, STATE_PENDING),
        )
        return [_reminder(r) for r in rows]

    async def due(self, now: float, *, limit: int) -> list[Reminder]:
        rows = await self._db.fetchall(
            "SELECT * FROM reminders WHERE state = ? AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            (STATE_PENDING, now, limit),
        )
        return [_reminder(r) for r in rows]

    async def finish(self, reminder_id: int, *, state: int, now: float) -> None:
        await self._db.execute("UPDATE reminders SET state = ?, sent_at = ? WHERE id = ?", (state, now, reminder_id))

    async def postpone(self, reminder_id: int, *, until: float) -> None:
        """Try again later (rate limit, network), counting the attempt."""
        await self._db.execute(
            "UPDATE reminders SET due_at = ?, attempts = attempts + 1 WHERE id = ?",
            (until, reminder_id),
        )

    # -- checklists --------------------------------------------------------------------------

    async def checklist(self, user_id: int) -> ChecklistRecord | None:
        row = await self._db.fetchone("SELECT * FROM checklists WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        done = await self._db.fetchall("SELECT item FROM checklist_done WHERE user_id = ?", (user_id,))
        return ChecklistRecord(
            user_id=row["user_id"],
            chat_id=row["chat_id"],
            moved_in=date.fromisoformat(row["moved_in"]) if row["moved_in"] else None,
            audiences=frozenset(a for a in row["audiences"].split(",") if a),
            done=frozenset(r["item"] for r in done),
        )

    async def save_checklist(
        self,
        *,
        user_id: int,
        chat_id: int,
        now: float,
        moved_in: date | None = None,
        audiences: frozenset[str] | None = None,
    ) -> None:
        """Create the checklist or change its date or groups (None keeps what is stored)."""
        await self._db.execute(
            "INSERT INTO checklists(user_id, chat_id, moved_in, audiences, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET chat_id = excluded.chat_id, "
            "moved_in = COALESCE(?, moved_in), audiences = COALESCE(?, audiences), "
            "updated_at = excluded.updated_at",
            (
                user_id,
                chat_id,
                moved_in.isoformat() if moved_in else None,
                ",".join(sorted(audiences or ())),
                now,
                moved_in.isoformat() if moved_in else None,
                None if audiences is None else ",".join(sorted(audiences)),
            ),
        )

    async def set_done(self, user_id: int, item: str, done: bool, *, now: float) -> None:
        if done:
            await self._db.execute(
                "INSERT OR IGNORE INTO checklist_done(user_id, item, done_at) VALUES (?, ?, ?)",
                (user_id, item, now),
            )
        else:
            await self._db.execute("DELETE FROM checklist_done WHERE user_id = ? AND item = ?", (user_id, item))

    # -- subscriptions -----------------------------------------------------------------------

    async def subscriptions(self, user_id: int) -> frozenset[str]:
        rows = await self._db.fetchall("SELECT audience FROM event_subscriptions WHERE user_id = ?", (user_id,))
        return frozenset(r["audience"] for r in rows)

    async def subscribe(self, *, user_id: int, chat_id: int, audience: str, lang: str, on: bool, now: float) -> None:
        if on:
            await self._db.execute(
                "INSERT INTO event_subscriptions(user_id, chat_id, audience, lang, since) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, audience) DO UPDATE SET "
                "chat_id = excluded.chat_id, lang = excluded.lang",
                (user_id, chat_id, audience, lang, now),
            )
        else:
            await self._db.execute(
                "DELETE FROM event_subscriptions WHERE user_id = ? AND audience = ?",
                (user_id, audience),
            )

    async def subscribers(self, audiences: Iterable[str]) -> list[tuple[int, int, str]]:
        """(user, chat, language) of everyone subscribed to any of ``audiences``, each once."""
        wanted = sorted(set(audiences))
        marks = ",".join("?" * len(wanted))
        rows = await self._db.fetchall(
            f"SELECT user_id, MIN(chat_id) AS chat_id, MIN(lang) AS lang FROM event_subscriptions "
            f"WHERE audience IN ({marks}) GROUP BY user_id ORDER BY user_id",
            wanted,
        )
        return [(r["user_id"], r["chat_id"], r["lang"]) for r in rows]


def _reminder(row) -> Reminder:
    return Reminder(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        kind=row["kind"],
        ref=row["ref"],
        lang=row["lang"],
        due_at=row["due_at"],
        attempts=row["attempts"],
    )
