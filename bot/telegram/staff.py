"""The Welcome Center's staff group: replies reach the person; /answer, /close, /tickets, /stats."""

from __future__ import annotations

import logging
import time

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.i18n import format_number, language_name, translator
from bot.storage import Ticket
from bot.telegram.handoff import close_ticket, relay_to_person
from bot.telegram.send import send_replies, send_text
from bot.telegram.services import Services, services

__all__ = ["on_staff_command", "on_staff_message", "on_other_group"]

log = logging.getLogger(__name__)

#: How many days /stats looks back.
STATS_DAYS = 7
#: Open tickets listed by /tickets (one message).
TICKETS_LISTED = 50


async def _ticket_of(s: Services, message: Message) -> Ticket | None:
    """The ticket a staff message belongs to: its topic, or the mapped message it replies to."""
    chat_id = message.chat_id
    if message.is_topic_message and message.message_thread_id:
        ticket = await s.storage.tickets.by_thread(chat_id, message.message_thread_id)
        if ticket is not None:
            return ticket
    replied = message.reply_to_message
    if replied is not None:
        return await s.storage.tickets.by_staff_message(chat_id, replied.message_id)
    return None


def _where(message: Message) -> dict:
    """Answer in the same topic the command came from."""
    return {"thread_id": message.message_thread_id if message.is_topic_message else None}


async def on_staff_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything staff write in a ticket's topic (or as a reply to a ticket's message)."""
    s = services(context)
    message = update.effective_message
    if message.from_user is not None and message.from_user.is_bot:
        return
    if message.forum_topic_created or message.forum_topic_closed or message.forum_topic_reopened:
        return
    ticket = await _ticket_of(s, message)
    if ticket is None:
        return  # staff talking among themselves
    _ = translator(s.staff_lang).gettext
    if not ticket.is_open:
        await send_text(
            context.bot, message.chat_id,
            _("Ticket #{number} is closed: this message was not passed on.").format(
                number=ticket.id),
            reply_to=message.message_id, **_where(message),
        )
        return
    await relay_to_person(s, context.bot, ticket, message)


async def on_staff_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    s = services(context)
    message = update.effective_message
    words = (message.text or "").split()
    command = words[0][1:].split("@")[0].lower() if words else ""
    _ = translator(s.staff_lang).gettext
    bot = context.bot
    if command == "tickets":
        await send_text(bot, message.chat_id, await _tickets_text(s, message.chat_id),
                        **_where(message))
        return
    if command == "stats":
        await send_text(bot, message.chat_id, await _stats_text(s), **_where(message))
        return
    ticket = await _ticket_of(s, message)
    if ticket is None:
        await send_text(bot, message.chat_id,
                        _("Use /{command} inside a ticket's topic, or as a reply to one of its "
                          "messages.").format(command=command),
                        reply_to=message.message_id, **_where(message))
        return
    if command == "close":
        if not await close_ticket(s, bot, ticket):
            await send_text(bot, message.chat_id,
                            _("Ticket #{number} was already closed.").format(number=ticket.id),
                            **_where(message))
        return
    if command == "answer":
        intent_id = words[1] if len(words) > 1 else ""
        reply = s.engine.answer(intent_id, ticket.lang) if intent_id else None
        if reply is None:
            await send_text(bot, message.chat_id,
                            _("No topic {intent!r} in the knowledge base. Usage: /answer "
                              "INTENT_ID").format(intent=intent_id),
                            reply_to=message.message_id, **_where(message))
            return
        if not ticket.is_open:
            await send_text(bot, message.chat_id,
                            _("Ticket #{number} is closed: nothing was sent.").format(
                                number=ticket.id), **_where(message))
            return
        await send_replies(bot, ticket.chat_id, (reply,))
        await s.storage.tickets.map_message(
            ticket.id, staff_chat_id=message.chat_id, staff_message_id=message.message_id,
            person_message_id=None, direction="out",
        )
        await send_text(bot, message.chat_id,
                        _("Sent the answer {intent!r} in {language}.").format(
                            intent=intent_id, language=language_name(ticket.lang, s.staff_lang)),
                        **_where(message))


def topic_link(chat_id: int, thread_id: int | None) -> str | None:
    """t.me link to a topic of a supergroup (-100... ids)."""
    text = str(chat_id)
    if thread_id is None or not text.startswith("-100"):
        return None
    return f"https://t.me/c/{text[4:]}/{thread_id}"


def _age(seconds: float, lang: str) -> str:
    hours = seconds / 3600
    if hours < 1:
        return f"{int(seconds // 60)} min"
    if hours < 48:
        return f"{format_number(round(hours, 1), lang)} h"
    return f"{int(hours // 24)} d"


async def _tickets_text(s: Services, chat_id: int) -> str:
    _ = translator(s.staff_lang).gettext
    open_tickets = await s.storage.tickets.list_open()
    if not open_tickets:
        return _("No open tickets.")
    now = time.time()
    lines = [_("Open tickets: {count}").format(count=len(open_tickets))]
    for ticket in open_tickets[:TICKETS_LISTED]:
        line = f"#{ticket.id} · {ticket.lang} · {_age(now - ticket.created_at, s.staff_lang)}"
        if ticket.first_staff_reply_at is None:
            line += " · " + _("no reply yet")
        link = topic_link(ticket.staff_chat_id or chat_id, ticket.thread_id)
        if link:
            line += f" · {link}"
        lines.append(line)
    return "\n".join(lines)


async def _stats_text(s: Services) -> str:
    _ = translator(s.staff_lang).gettext
    stats = await s.storage.questions.stats(days=STATS_DAYS)
    lines = [_("Last {days} days").format(days=STATS_DAYS)]
    lines.append(_("Questions: {count}").format(count=stats.questions))
    for lang, count in stats.by_language.items():
        lines.append(f"  {language_name(lang, s.staff_lang)} ({lang}): {count}")
    lines.append(_("Answered by the bot: {share:.0%}").format(share=stats.answered_share))
    lines.append(_("Handed to staff: {count}").format(count=stats.handoffs))
    if stats.median_first_reply is None:
        lines.append(_("Median time to the first staff reply: no replies yet"))
    else:
        lines.append(_("Median time to the first staff reply: {age}").format(
            age=_age(stats.median_first_reply, s.staff_lang)))
    if stats.ratings:
        helpful = sum(1 for r in stats.ratings if r == 3) / len(stats.ratings)
        lines.append(_("Rated helpful: {share:.0%} of {count}").format(
            share=helpful, count=len(stats.ratings)))
    return "\n".join(lines)


async def on_other_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group that is not the staff group: one short note when added, then leave."""
    chat = update.effective_chat
    member = update.my_chat_member
    if member is not None and member.new_chat_member.status in ("left", "kicked"):
        return
    if member is not None:
        _ = translator("en").gettext
        await context.bot.send_message(
            chat.id, _("Hello! I only answer in private chats: please write to me directly.")
        )
    await context.bot.leave_chat(chat.id)
