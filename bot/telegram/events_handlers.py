"""Telegram side of events and the checklist: /checklist, the events buttons (``ev:``, ``evc:``,
``evr:``, ``evs:``, ``ck:``), a typed moving-in date, staff /announce, and two background jobs:
delivering due reminders and refreshing calendar feeds.

Installed by :func:`install` (called from :func:`bot.telegram.app.build_application`). Handlers sit in
group -1, before the adapter's own, and stop further handling only for what they handled; the
welcome-day offer sits in group 1, after the engine has answered ``/start welcome_day``.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from telegram import InputFile, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.engine import Button, Reply
from bot.engine.render import rtl
from bot.events.actions import PREFIXES, ActionResult
from bot.events.checklist_flow import parse_moving_date
from bot.events.feeds import REFRESH_INTERVAL
from bot.events.model import AUDIENCES
from bot.events.reminders import Delivery
from bot.events.render import events_provider
from bot.events.setup import EventsKit, build_events
from bot.i18n import translator
from bot.settings import Settings
from bot.telegram.private import _answer_query as answer_query
from bot.telegram.send import send_replies, send_text
from bot.telegram.services import SERVICES_KEY, Services, person_of, services

__all__ = ["EVENTS_KEY", "deliver_due", "install", "now"]

log = logging.getLogger(__name__)

EVENTS_KEY = "events"
#: How often due reminders are looked for (they are due at 10:00 local time, so a minute is plenty).
DELIVERY_INTERVAL_SECONDS = 60.0
#: The deep link that also offers students the checklist.
WELCOME_DAY_PAYLOAD = "welcome_day"
#: Telegram shows at most 200 characters in a button's notice.
NOTICE_LIMIT = 200
_CALLBACK_PATTERN = "^(" + "|".join(re.escape(p) for p in PREFIXES) + ")"
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.S)


def now(kit: EventsKit) -> datetime:
    """The current moment in the knowledge base's time zone (tests replace this to run the clock)."""
    return datetime.now(kit.book.tz)


def install(application: Application, settings: Settings) -> EventsKit:
    """Build the events module on the adapter's database and register its handlers and jobs."""
    s: Services = application.bot_data[SERVICES_KEY]
    kit = build_events(s.kb, db=s.storage.db, timezone=settings.timezone, data_dir=Path(settings.db_path).parent)
    s.extra[EVENTS_KEY] = kit
    s.engine.events = events_provider(kit.book)  # the "events" topic lists feeds' events too
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(private & filters.COMMAND, _on_private_command), group=-1)
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, _on_private_text), group=-1)
    application.add_handler(CallbackQueryHandler(_on_callback, pattern=_CALLBACK_PATTERN), group=-1)
    if settings.staff_chat_id is not None:
        staff = filters.Chat(chat_id=settings.staff_chat_id) & filters.UpdateType.MESSAGE
        application.add_handler(MessageHandler(staff & filters.COMMAND, _on_staff_command), group=-1)
    application.add_handler(MessageHandler(private & filters.COMMAND, _after_start), group=1)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _deliver_job, interval=DELIVERY_INTERVAL_SECONDS, first=1.0, name="event reminders"
        )
        application.job_queue.run_repeating(
            _refresh_job, interval=REFRESH_INTERVAL.total_seconds(), first=0.5, name="event feeds"
        )
    return kit


def _kit(s: Services) -> EventsKit:
    return s.extra[EVENTS_KEY]


async def _who(s: Services, update: Update) -> tuple[int, str]:
    user = update.effective_user
    record = await s.storage.persons.get(user.id)
    return user.id, s.engine.reply_language(person_of(user, record))


async def _send(bot, chat_id: int, replies, lang: str) -> None:
    await send_replies(bot, chat_id, [Reply(rtl(r.text, lang), r.buttons) for r in replies])


def _command(update: Update) -> tuple[str, str]:
    match = _COMMAND.match(update.effective_message.text or "")
    return (match.group(1).lower(), (match.group(2) or "").strip()) if match else ("", "")


async def _on_private_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    command, args = _command(update)
    if command == "announce":
        raise ApplicationHandlerStop  # a staff command: does nothing outside the staff group
    if command not in ("events", "checklist"):
        return
    s = services(context)
    kit = _kit(s)
    user_id, lang = await _who(s, update)
    if command == "events":  # "/events students" lists one audience's events
        audience = args if args in AUDIENCES else None
        replies = kit.actions.listing(lang, audience=audience, now=now(kit))
    else:
        replies = await kit.checklist.show(user_id=user_id, chat_id=user_id, lang=lang, now=now(kit))
    await _send(context.bot, user_id, replies, lang)
    raise ApplicationHandlerStop


async def _after_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After the engine answered ``/start welcome_day``: offer students their checklist."""
    command, args = _command(update)
    if command != "start" or args != WELCOME_DAY_PAYLOAD:
        return
    s = services(context)
    user_id, lang = await _who(s, update)
    _ = translator(lang).gettext
    offer = Reply(
        _("New here as a student? I can keep a checklist of your first weeks, with deadlines."),
        ((Button(_("Open my checklist"), "ck:a:students"),),),
    )
    await _send(context.bot, user_id, [offer], lang)


async def _on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message that is only a date, from someone with a checklist, is their moving-in date."""
    s = services(context)
    kit = _kit(s)
    if parse_moving_date(update.effective_message.text or "", today=now(kit).date()) is None:
        return  # the usual case: a question for the engine, no database read here
    user_id = update.effective_user.id
    ticket = await s.storage.tickets.open_for(user_id)
    if ticket is not None and ticket.staff_chat_id is not None:
        return  # in a conversation with staff: everything goes to them
    _user, lang = await _who(s, update)
    result = await kit.actions.moving_date_text(
        update.effective_message.text or "", user_id=user_id, chat_id=user_id, lang=lang, now=now(kit)
    )
    if result is None:
        return
    await _send(context.bot, user_id, result.replies, lang)
    raise ApplicationHandlerStop


async def _on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    s = services(context)
    chat = update.effective_chat
    query = update.callback_query
    if chat is not None and chat.type != "private":
        await answer_query(update, None)
        raise ApplicationHandlerStop
    user_id, lang = await _who(s, update)
    kit = _kit(s)
    result: ActionResult = await kit.actions.handle(
        query.data or "", user_id=user_id, chat_id=user_id, lang=lang, now=now(kit)
    )
    await answer_query(update, result.notice[:NOTICE_LIMIT] if result.notice else None)
    if result.document is not None:
        document = result.document
        await context.bot.send_document(
            user_id,
            InputFile(document.content, filename=document.filename, attach=True),
            caption=rtl(document.caption, lang),
        )
    if result.replies:
        await _send(context.bot, user_id, result.replies, lang)
    raise ApplicationHandlerStop


async def _on_staff_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/announce EVENT_ID`` in the staff group: tell the people who asked for its audience."""
    command, args = _command(update)
    if command != "announce":
        return
    s = services(context)
    kit = _kit(s)
    message = update.effective_message
    text = await kit.actions.announce(args.split()[0] if args else "", lang=s.staff_lang, now=now(kit))
    thread = message.message_thread_id if message.is_topic_message else None
    await send_text(context.bot, message.chat_id, text, thread_id=thread, reply_to=message.message_id)
    raise ApplicationHandlerStop


async def deliver_due(application: Application) -> int:
    """Send the reminders and announcements that are due; returns how many were sent."""
    s: Services = application.bot_data[SERVICES_KEY]
    kit = _kit(s)
    bot = application.bot

    async def send(chat_id: int, reply: Reply, lang: str) -> Delivery:
        try:
            await _send(bot, chat_id, [reply], lang)
        except Forbidden:
            return Delivery.GONE  # the person blocked the bot
        except BadRequest as error:
            return Delivery.GONE if "chat not found" in str(error).lower() else Delivery.LATER
        except (RetryAfter, NetworkError):
            return Delivery.LATER
        return Delivery.SENT

    return await kit.reminders.deliver(send, now=now(kit))


async def _deliver_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        await deliver_due(context.application)
    except Exception:  # the job runs again in a minute; one bad run must not stop it
        log.exception("delivering reminders failed")


async def _refresh_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _kit(context.application.bot_data[SERVICES_KEY]).feeds.refresh()
