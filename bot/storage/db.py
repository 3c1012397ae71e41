"""The SQLite database: one aiosqlite connection, WAL, one writer at a time, versioned schema.

Every write goes through :meth:`Database.write`, which holds a lock for the whole transaction, so
concurrent handlers never interleave half-done changes and a crash leaves either all or nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.migrations import MIGRATIONS, Migration

__all__ = ["Database", "SchemaError"]

log = logging.getLogger(__name__)

#: Wait this long for a lock held by another process (e.g. `kb gaps` while the bot runs).
BUSY_TIMEOUT_MS = 5000


class SchemaError(RuntimeError):
    """The database is newer than this code, or the migrations list is inconsistent."""


class _WriteLock:
    """A FIFO lock where urgent writers go ahead of the queue (not ahead of the current holder).

    Recording what was just sent to Telegram must not wait behind a queue of routine writes:
    the shorter that moment, the smaller the chance a crash repeats a message.
    """

    def __init__(self) -> None:
        self._held = False
        self._urgent: list[asyncio.Future] = []
        self._normal: list[asyncio.Future] = []

    async def acquire(self, *, urgent: bool = False) -> None:
        if not self._held and not self._urgent and not self._normal:
            self._held = True
            return
        waiter = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._normal).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed over just as we were cancelled: pass it on
            else:
                (self._urgent if urgent else self._normal).remove(waiter)
            raise

    def release(self) -> None:
        for queue in (self._urgent, self._normal):
            while queue:
                waiter = queue.pop(0)
                if not waiter.done():
                    waiter.set_result(None)  # ownership passes directly; _held stays True
                    return
        self._held = False


class Database:
    """An open database. Use :meth:`open` and :meth:`close` (or ``async with``)."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = _WriteLock()

    @classmethod
    async def open(
        cls, path: str | Path, *, migrations: Sequence[Migration] | None = None
    ) -> Database:
        """Open (creating the file and its folder) and bring the schema up to date."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode survives a killed process; only a power cut may lose the last commit.
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        db = cls(conn, path)
        try:
            await db._migrate(MIGRATIONS if migrations is None else migrations)
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        await self._conn.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _migrate(self, migrations: Sequence[Migration]) -> None:
        versions = [m.version for m in migrations]
        if versions != list(range(1, len(versions) + 1)):
            raise SchemaError(f"migration versions must be 1..n in order, got {versions}")
        current = await self.scalar("PRAGMA user_version")
        if current > len(migrations):
            raise SchemaError(
                f"{self.path}: schema version {current} is newer than this program"
                f" ({len(migrations)})"
            )
        for migration in migrations[current:]:
            log.info("database %s: migration %d (%s)", self.path, migration.version, migration.name)
            async with self.write() as conn:
                for statement in _statements(migration.sql):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {migration.version}")

    @asynccontextmanager
    async def write(self, *, urgent: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises.

        ``urgent`` writes go ahead of the queued ones.
        """
        await self._lock.acquire(urgent=urgent)
        try:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")
        finally:
            self._lock.release()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: Iterable[Any] = (), *, urgent: bool = False) -> int:
        """A single write statement in its own transaction; returns the last row id."""
        async with self.write(urgent=urgent) as conn:
            cursor = await conn.execute(sql, tuple(params))
            return cursor.lastrowid or 0

    async def get_meta(self, key: str) -> str | None:
        return await self.scalar("SELECT value FROM meta WHERE key = ?", (key,))

    async def set_meta(self, key: str, value: str) -> None:
        await self.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (sqlite3's own completeness check)."""
    import sqlite3

    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
