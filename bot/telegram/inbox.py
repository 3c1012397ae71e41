"""Durable intake: updates are stored before Telegram is told they arrived, then handled.

PTB's own polling confirms fetched updates on the next getUpdates even if they were never
handled, so a crash would lose them. Here the intake stores each raw update in the database and
only then moves the offset; the worker handles stored updates (oldest first, one at a time per
chat, many chats at once) and marks each done once its effects are stored. On start, whatever
was left unfinished is handled first. The webhook server stores before it answers 200.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.storage import STATE_FAILED, InboxItem, Storage
from bot.telegram.journal import UpdateScope, current_scope, update_scope

__all__ = ["UpdateWorker", "poll", "record_error", "serve_webhook"]

log = logging.getLogger(__name__)

#: Long-polling timeout (seconds) of one getUpdates call.
POLL_TIMEOUT = 25
#: Updates handled at once (different chats). Enough to keep 30 sends/s busy. Not more: after a
#: 429 the rate limiter holds every send, and the ones waiting then leave together; up to 16 at
#: once stays within Telegram's burst allowance (64 made one 429 cascade into dozens).
CONCURRENCY = 16
#: A failing update is tried this often, then given up (logged) so it cannot block the queue.
MAX_ATTEMPTS = 5
#: Seconds before a transient failure (network, Telegram down) is retried; doubles each time.
RETRY_DELAY = 2.0
#: On SIGTERM, handlers still running after this many seconds are left for the next start.
SHUTDOWN_GRACE = 10.0
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
_TRANSIENT = (NetworkError, TimedOut, RetryAfter)


async def record_error(update: object, context) -> None:
    """PTB error handler: remember the failure so the worker does not mark the update done."""
    scope = current_scope()
    error = context.error
    if scope is not None:
        scope.errors.append(error)
    if isinstance(error, _TRANSIENT):
        log.warning("update %s: %s (will retry)", getattr(update, "update_id", "?"), error)
    else:
        log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=error)


class UpdateWorker:
    """Handles stored updates: in order within a chat, concurrently across chats."""

    def __init__(self, application: Application, storage: Storage, *,
                 concurrency: int = CONCURRENCY,
                 on_done: Callable[[int], None] | None = None) -> None:
        self._app = application
        self._storage = storage
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task] = set()
        self._chat_locks: dict[object, tuple[asyncio.Lock, int]] = {}
        self._retry_at: dict[int, float] = {}
        self._on_done = on_done

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Handle stored updates until ``stop`` is set, then let the running ones finish."""
        while not stop.is_set():
            dispatched = await self._dispatch_once()
            if not dispatched:
                self._wake.clear()
                waits = [asyncio.ensure_future(self._wake.wait()),
                         asyncio.ensure_future(stop.wait())]
                _, pending = await asyncio.wait(waits, timeout=1.0,
                                                return_when=asyncio.FIRST_COMPLETED)
                for task in pending:
                    task.cancel()
        await self.drain()

    async def drain(self, *, grace: float = SHUTDOWN_GRACE) -> None:
        """Let running handlers finish; after ``grace`` seconds cancel the rest (they are not
        marked done, so the next start handles them again, the journal skipping what was sent)."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            log.info("stopping: %d updates left for the next start", len(pending))
            await asyncio.wait(pending)

    async def _dispatch_once(self) -> int:
        items = await self._storage.inbox.todo(limit=CONCURRENCY * 4)
        now = time.monotonic()
        count = 0
        for item in items:
            if item.update_id in self._in_flight or self._retry_at.get(item.update_id, 0) > now:
                continue
            await self._slots.acquire()
            self._in_flight.add(item.update_id)
            key = item.chat_id if item.chat_id is not None else f"u{item.update_id}"
            lock, users = self._chat_locks.get(key, (None, 0))
            if lock is None:
                lock = asyncio.Lock()
            self._chat_locks[key] = (lock, users + 1)
            task = asyncio.create_task(self._handle(item, key, lock))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            count += 1
        return count

    async def _handle(self, item: InboxItem, key: object, lock: asyncio.Lock) -> None:
        try:
            async with lock:
                await self._process(item)
        except Exception:  # never let one update stop the worker
            log.exception("update %d: unexpected failure", item.update_id)
        finally:
            lock_, users = self._chat_locks[key]
            if users <= 1:
                del self._chat_locks[key]
            else:
                self._chat_locks[key] = (lock_, users - 1)
            self._in_flight.discard(item.update_id)
            self._slots.release()
            self._wake.set()

    async def _process(self, item: InboxItem) -> None:
        inbox = self._storage.inbox
        scope = UpdateScope(item.update_id, self._storage.journal)
        update = Update.de_json(item.payload, self._app.bot)
        with update_scope(scope):
            await self._app.process_update(update)
        if not scope.errors:
            await inbox.finish(item.update_id)
            self._retry_at.pop(item.update_id, None)
            if self._on_done:
                self._on_done(item.update_id)
            return
        if all(isinstance(e, Forbidden) for e in scope.errors):
            # The person blocked the bot or left: nothing more can be done for this update.
            log.info("update %d: %s", item.update_id, scope.errors[0])
            await inbox.finish(item.update_id, state=STATE_FAILED)
            return
        await inbox.attempt(item.update_id)
        attempts = item.attempts + 1
        transient = all(isinstance(e, _TRANSIENT) for e in scope.errors)
        if not transient and attempts >= MAX_ATTEMPTS:
            log.error("update %d given up after %d attempts", item.update_id, attempts)
            await inbox.finish(item.update_id, state=STATE_FAILED)
            return
        self._retry_at[item.update_id] = time.monotonic() + min(
            RETRY_DELAY * 2 ** min(attempts, 6), 300)


async def poll(application: Application, storage: Storage, worker: UpdateWorker,
               stop: asyncio.Event, *, timeout: int = POLL_TIMEOUT,
               first_poll: asyncio.Event | None = None) -> None:
    """Long polling: fetch, store, and only then confirm (by asking with the next offset)."""
    bot = application.bot
    offset = await storage.inbox.offset()
    failures = 0
    while not stop.is_set():
        if first_poll is not None:
            first_poll.set()
        fetch = asyncio.ensure_future(
            bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES,
                            read_timeout=timeout + 10)
        )
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()  # unconfirmed updates are simply fetched again next time
            break
        try:
            updates = fetch.result()
        except (InvalidToken, Conflict):
            raise
        except (NetworkError, TimedOut) as error:
            failures += 1
            delay = min(RETRY_DELAY * 2 ** min(failures, 5), 60)
            log.warning("getUpdates failed (%s); retrying in %.0f s", error, delay)
            await _sleep_or_stop(stop, delay)
            continue
        failures = 0
        if not updates:
            continue
        await storage.inbox.store(u.to_dict() for u in updates)
        offset = max(u.update_id for u in updates) + 1
        worker.wake()


async def _sleep_or_stop(stop: asyncio.Event, delay: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=delay)
    except TimeoutError:
        pass


async def serve_webhook(application: Application, storage: Storage, worker: UpdateWorker,
                        stop: asyncio.Event, *, url: str, listen: str, secret: str | None) -> None:
    """Webhook mode: Telegram POSTs updates; each is stored before the 200 that confirms it."""
    import tornado.httpserver
    import tornado.web

    class Hook(tornado.web.RequestHandler):
        async def post(self) -> None:
            if secret and self.request.headers.get("X-Telegram-Bot-Api-Secret-Token") != secret:
                self.set_status(403)
                return
            try:
                data = json.loads(self.request.body)
                int(data["update_id"])
            except (ValueError, KeyError, TypeError):
                self.set_status(400)
                return
            await storage.inbox.store([data])
            worker.wake()
            self.set_status(200)

    path = urlsplit(url).path or "/"
    host, _, port = listen.rpartition(":")
    server = tornado.httpserver.HTTPServer(tornado.web.Application([(path, Hook)]))
    server.listen(int(port), address=host or "0.0.0.0")
    await application.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    log.info("webhook listening on %s%s", listen, path)
    try:
        await stop.wait()
    finally:
        server.stop()
