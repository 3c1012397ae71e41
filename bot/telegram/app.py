"""`welcomebot run`: builds the python-telegram-bot Application and runs intake and worker.

Long polling by default; webhook mode when WELCOMEBOT_WEBHOOK_URL is set. SIGTERM and SIGINT stop
it cleanly: intake stops, the updates being handled finish, the database is closed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.settings import Settings
from bot.storage import Storage
from bot.telegram.commands import register_commands
from bot.telegram.inbox import POLL_TIMEOUT, UpdateWorker, poll, record_error, serve_webhook
from bot.telegram.journal import JournalingRequest
from bot.telegram.services import SERVICES_KEY

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.hours import StaffHours

# The handlers, the engine and the matcher (numpy, scipy) are imported only once the bot is
# already polling: start-up to first poll stays short, and nothing sent meanwhile is lost.

__all__ = ["build_application", "configure_logging", "equip", "new_application", "run", "serve"]

log = logging.getLogger(__name__)

EXIT_NO_TOKEN = 2
#: Telegram's limits are 30 messages a second overall and 20 a minute into one group. We stay a
#: little below: a refused send makes the rate limiter pause every send for a second or more.
OVERALL_PER_SECOND = 28
GROUP_PER_MINUTE = 19
#: A RetryAfter is waited out and the call repeated this often before the update is retried later.
MAX_RETRIES = 5
CONNECTIONS = 128
HOUSEKEEPING_EVERY = 6 * 3600


def configure_logging(level: int = logging.INFO) -> None:
    """Our logs at ``level``; HTTP clients at WARNING, because the token is in every URL."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "telegram.request", "tornado.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_application(settings: Settings, engine: Engine, storage: Storage,
                      *, hours: StaffHours | None = None) -> Application:
    """The Application with our handlers; no PTB updater (our intake stores updates first)."""
    application = new_application(settings)
    equip(application, settings, engine, storage, hours=hours)
    return application


def new_application(settings: Settings) -> Application:
    """The Application and its bot (rate limiter, journal), without handlers yet."""
    bot = ExtBot(
        token=settings.token,
        base_url=settings.bot_api_url,
        base_file_url=settings.bot_api_url.replace("/bot", "/file/bot"),
        request=JournalingRequest(connection_pool_size=CONNECTIONS, pool_timeout=30.0),
        get_updates_request=HTTPXRequest(read_timeout=POLL_TIMEOUT + 10),
        rate_limiter=AIORateLimiter(
            overall_max_rate=OVERALL_PER_SECOND,
            group_max_rate=GROUP_PER_MINUTE,
            max_retries=MAX_RETRIES,
        ),
    )
    return ApplicationBuilder().bot(bot).updater(None).build()


def equip(application: Application, settings: Settings, engine: Engine, storage: Storage,
          *, hours: StaffHours | None = None) -> None:
    """Give the Application what handlers need and register them."""
    from bot.hours import StaffHours
    from bot.telegram import events_handlers
    from bot.telegram.services import Services

    kb = engine.kb
    application.bot_data[SERVICES_KEY] = Services(
        engine=engine,
        storage=storage,
        hours=hours or StaffHours.from_kb_settings(kb.settings, timezone=settings.timezone),
        staff_chat_id=settings.staff_chat_id,
        staff_lang=kb.settings.source_language,
    )
    add_handlers(application, staff_chat_id=settings.staff_chat_id)
    events_handlers.install(application, settings)  # /checklist, event buttons, reminders, /announce


def add_handlers(application: Application, *, staff_chat_id: int | None) -> None:
    from bot.telegram import private, staff

    message = filters.UpdateType.MESSAGE
    in_private = filters.ChatType.PRIVATE & message
    application.add_handler(MessageHandler(in_private & filters.COMMAND, private.on_command))
    application.add_handler(MessageHandler(in_private & filters.TEXT, private.on_text))
    application.add_handler(
        MessageHandler(in_private & ~filters.StatusUpdate.ALL, private.on_media)
    )
    application.add_handler(CallbackQueryHandler(_on_callback))
    staff_chat = filters.Chat(chat_id=staff_chat_id) if staff_chat_id is not None else None
    if staff_chat is not None:
        application.add_handler(
            MessageHandler(staff_chat & message & filters.COMMAND, staff.on_staff_command)
        )
        application.add_handler(MessageHandler(staff_chat & message & ~filters.StatusUpdate.ALL,
                                               staff.on_staff_message))
    other_groups = filters.ChatType.GROUPS | filters.ChatType.CHANNEL
    if staff_chat is not None:
        other_groups = other_groups & ~staff_chat
    application.add_handler(MessageHandler(other_groups & message, staff.on_other_group))
    application.add_handler(
        ChatMemberHandler(_on_membership, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_error_handler(record_error)


async def _on_callback(update, context) -> None:
    from bot.telegram import private

    chat = update.effective_chat
    if chat is None or chat.type == "private":
        await private.on_callback(update, context)
    else:
        await private.answer_query(update, None)


async def _on_membership(update, context) -> None:
    from bot.telegram import staff

    services = context.application.bot_data[SERVICES_KEY]
    chat = update.effective_chat
    if chat is None or chat.type == "private" or chat.id == services.staff_chat_id:
        return
    await staff.on_other_group(update, context)


async def serve(settings: Settings, engine: Engine | Callable[[], Engine], *,
                stop: asyncio.Event, first_poll: asyncio.Event | None = None) -> None:
    """Run until ``stop`` is set.

    Intake starts first, so Telegram's updates are stored durably while the knowledge base and
    matcher are still loading (``engine`` may be a factory, run in a thread); the worker then
    handles them, unfinished ones from a previous run first.
    """
    storage = await Storage.open(settings.db_path)
    application = new_application(settings)
    worker = UpdateWorker(application, storage)
    tasks: list[asyncio.Task] = []
    results: list = []
    try:
        building = (
            asyncio.create_task(asyncio.to_thread(engine)) if not hasattr(engine, "kb") else None
        )
        await application.initialize()
        if settings.webhook_url:
            intake = serve_webhook(application, storage, worker, stop, url=settings.webhook_url,
                                   listen=settings.listen, secret=settings.webhook_secret)
        else:
            await _drop_webhook(application.bot)
            intake = poll(application, storage, worker, stop, first_poll=first_poll)
        tasks.append(asyncio.create_task(intake, name="intake"))
        if building is not None:
            tasks.append(building)
            await _until_stopped_or_failed(stop, tasks, until=building)
            if stop.is_set():
                return
            engine = building.result()
        equip(application, settings, engine, storage)
        await application.start()
        kb = engine.kb
        await storage.housekeeping(retention_days=settings.retention_days)
        tasks.append(asyncio.create_task(worker.run(stop), name="worker"))
        tasks.append(asyncio.create_task(
            register_commands(application.bot, storage, languages=kb.languages,
                              default_lang=kb.settings.source_language,
                              staff_chat_id=settings.staff_chat_id,
                              staff_lang=kb.settings.source_language),
            name="commands"))
        tasks.append(asyncio.create_task(_housekeeping(storage, settings, stop)))
        await _until_stopped_or_failed(stop, tasks)
    finally:
        stop.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        if application.running:
            await application.stop()
        await application.shutdown()
        await storage.close()
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            raise result


async def _drop_webhook(bot) -> None:  # noqa: ANN001 - the Application's ExtBot
    """Polling needs no webhook set; a server that does not know deleteWebhook is no reason to stop."""
    try:
        await bot.delete_webhook()
    except TelegramError as exc:
        log.warning("deleteWebhook failed (%s); polling anyway", exc.__class__.__name__)


async def _until_stopped_or_failed(stop: asyncio.Event, tasks: list[asyncio.Task], *,
                                   until: asyncio.Task | None = None) -> None:
    """Wait for ``stop`` (or ``until`` to finish); a task that fails sets ``stop``."""
    stopping = asyncio.ensure_future(stop.wait())
    pending = {stopping, *tasks}
    try:
        while not stop.is_set():
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is not stopping and not task.cancelled() and task.exception() is not None:
                    stop.set()
                    return
            if until is not None and until.done():
                return
    finally:
        stopping.cancel()


async def _housekeeping(storage: Storage, settings: Settings, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=HOUSEKEEPING_EVERY)
        except TimeoutError:
            await storage.housekeeping(retention_days=settings.retention_days)


def run(settings: Settings) -> int:
    """The body of `welcomebot run`; returns the exit status."""
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is not set: the bot cannot reach Telegram without it. "
              "`welcomebot chat` runs the same conversation in the terminal without a token.",
              file=sys.stderr)
        return EXIT_NO_TOKEN
    configure_logging()

    def engine() -> Engine:
        from bot.app_factory import build_engine

        return build_engine(settings, long_running=True)

    return asyncio.run(_main(settings, engine))


async def _main(settings: Settings, engine: Callable[[], Engine]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await serve(settings, engine, stop=stop)
    except Exception as error:  # one readable line, no token (PTB errors never contain it)
        log.error("stopped: %s", error)
        return 1
    return 0
