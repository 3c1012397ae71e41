"""Tickets: a person handed to the Welcome Center staff, and messages relayed both ways.

In a forum staff group each ticket gets its own topic; in a plain group the bot posts a header and
the person's messages as replies to it, and staff answer by replying to them. Every staff-group
message that belongs to a ticket is recorded, so replies still find the person after a restart.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest

from bot.engine import HandoffRequest, Reply
from bot.engine.render import office_card, rtl
from bot.i18n import format_date, format_time, language_name, translator
from bot.storage import DIRECTION_IN, DIRECTION_OUT, Ticket
from bot.telegram.keyboards import split_text
from bot.telegram.send import send_text
from bot.telegram.services import Services

__all__ = [
    "RATE_PREFIX",
    "close_ticket",
    "contact_reply",
    "expectation",
    "forward_to_staff",
    "open_ticket",
    "relay_to_person",
]

log = logging.getLogger(__name__)

#: Callback data of the rating buttons: ``rate:<ticket>:<stars>``.
RATE_PREFIX = "rate:"
RATINGS = ((3, "👍"), (2, "😐"), (1, "👎"))
#: Topic names may have at most 128 characters.
TOPIC_NAME_LIMIT = 128


def expectation(services: Services, lang: str, *, now: datetime | None = None) -> str:
    """When the person can expect an answer, from the staff desk's hours and public holidays."""
    _ = translator(lang).gettext
    hours = services.hours
    now = (now or datetime.now(hours.timezone)).astimezone(hours.timezone)
    opening = hours.next_opening(now) if hours.known else None
    if opening is None:
        return _("The staff will answer here as soon as they can.")
    if hours.is_open(now):
        return _("The staff are at work now and will answer here as soon as they can.")
    at = format_time(opening, lang)
    if opening.date() == now.date():
        return _("The staff are back today at {time} and will answer here.").format(time=at)
    if opening.date() == now.date() + timedelta(days=1):
        return _("The staff are back tomorrow at {time} and will answer here.").format(time=at)
    # Within a week the weekday says it ("Monday"); further away the full date does.
    within_week = opening.date() - now.date() < timedelta(days=7)
    day = format_date(opening.date(), lang, fmt="EEEE" if within_week else "full")
    return _("The staff are back on {day} at {time} and will answer here.").format(day=day, time=at)


def contact_reply(services: Services, lang: str) -> Reply:
    """Without a staff group: how to reach the Welcome Center directly."""
    _ = translator(lang).gettext
    office_id = services.kb.settings.handoff.office
    office = services.kb.offices.get(office_id) if office_id else None
    if office is None:
        return Reply(rtl(_("I'm sorry, I cannot pass questions to a person yet."), lang))
    text = _("Please contact {office} directly:").format(office=office.name(lang))
    return Reply(rtl(text + "\n\n" + office_card(office, lang), lang))


def _topic_name(ticket: Ticket) -> str:
    return f"#{ticket.id} · {language_name(ticket.lang)} ({ticket.lang})"[:TOPIC_NAME_LIMIT]


def _header(services: Services, ticket: Ticket, *, forum: bool) -> str:
    _ = translator(services.staff_lang).gettext
    lines = [f"🎫 #{ticket.id} · {language_name(ticket.lang, services.staff_lang)} ({ticket.lang})"]
    if ticket.intent:
        lines.append(
            _("The bot matched: {intent} (score {score:.2f})").format(
                intent=ticket.intent, score=ticket.score or 0.0
            )
        )
    elif ticket.score is not None:
        lines.append(_("The bot found no answer (best score {score:.2f})").format(score=ticket.score))
    else:
        lines.append(_("The person asked for a person directly."))
    if ticket.question:
        lines += ["", _("Question:"), ticket.question]
    lines.append("")
    if forum:
        lines.append(_("Write in this topic to answer. /answer INTENT_ID sends a knowledge-base "
                       "answer in their language, /close ends the ticket."))
    else:
        lines.append(_("Reply to this message to answer. /answer INTENT_ID (as a reply) sends a "
                       "knowledge-base answer in their language, /close ends the ticket."))
    return "\n".join(lines)


async def _staff_is_forum(services: Services, bot: Bot) -> bool:
    if services.staff_is_forum is None:
        chat = await bot.get_chat(services.staff_chat_id)
        services.staff_is_forum = bool(getattr(chat, "is_forum", False))
    return services.staff_is_forum


async def open_ticket(
    services: Services,
    bot: Bot,
    *,
    user_id: int,
    chat_id: int,
    request: HandoffRequest,
    message: Message | None = None,
) -> Ticket:
    """Open (or finish opening) a ticket, post its header to staff, tell the person what next.

    Safe to repeat after a crash: a ticket created but not yet posted is completed, not doubled.
    """
    staff = services.staff_chat_id
    assert staff is not None
    tickets = services.storage.tickets
    ticket = await tickets.open_for(user_id)
    lang = request.lang
    if ticket is not None and ticket.staff_chat_id is not None:
        _ = translator(ticket.lang).gettext
        await send_text(bot, chat_id, rtl(_("You are already in touch with the staff: just write "
                                             "here and they will read it."), ticket.lang))
        if message is not None:
            await forward_to_staff(services, bot, ticket, message)
        return ticket
    if ticket is None:
        ticket = await tickets.create(
            user_id=user_id,
            chat_id=chat_id,
            lang=lang,
            question=request.question,
            intent=request.intent,
            score=request.score,
        )
    thread_id = None
    forum = await _staff_is_forum(services, bot)
    if forum:
        try:
            topic = await bot.create_forum_topic(staff, _topic_name(ticket))
            thread_id = topic.message_thread_id
        except BadRequest as error:  # no topics after all, or no right to create them
            log.warning("cannot create a topic in the staff group (%s): posting plainly", error)
            services.staff_is_forum = forum = False
    header = await send_text(bot, staff, _header(services, ticket, forum=forum), thread_id=thread_id)
    await tickets.attach(ticket.id, staff_chat_id=staff, thread_id=thread_id)
    for posted in header:
        await tickets.map_message(
            ticket.id, staff_chat_id=staff, staff_message_id=posted.message_id,
            person_message_id=None, direction=DIRECTION_IN,
        )
    ticket = await tickets.get(ticket.id)
    assert ticket is not None
    if message is not None:
        await forward_to_staff(services, bot, ticket, message)
    await send_text(bot, chat_id, rtl(expectation(services, lang), lang))
    return ticket


async def forward_to_staff(services: Services, bot: Bot, ticket: Ticket, message: Message) -> None:
    """Copy one of the person's messages (text or media) into the ticket's topic or under its header."""
    staff = ticket.staff_chat_id
    assert staff is not None
    reply_to = None
    if ticket.thread_id is None:
        reply_to = await services.storage.tickets.first_staff_message(ticket.id)
    try:
        copied = await bot.copy_message(
            staff, message.chat_id, message.message_id,
            message_thread_id=ticket.thread_id,
            reply_parameters=(
                ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
            ),
        )
    except BadRequest as error:  # the topic was deleted: post in the group instead of losing it
        log.warning("ticket #%d: topic unusable (%s), posting in the group", ticket.id, error)
        copied = await bot.copy_message(staff, message.chat_id, message.message_id)
    await services.storage.tickets.map_message(
        ticket.id, staff_chat_id=staff, staff_message_id=copied.message_id,
        person_message_id=message.message_id, direction=DIRECTION_IN,
    )


async def relay_to_person(services: Services, bot: Bot, ticket: Ticket, message: Message) -> None:
    """A staff message reaches the person: text as a message from the office, media as a copy."""
    office_id = services.kb.settings.handoff.office
    office = services.kb.offices.get(office_id) if office_id else None
    label = f"💬 {office.name(ticket.lang)}" if office else "💬"
    if message.text:
        for part in split_text(f"{label}:\n{message.text}"):
            await bot.send_message(ticket.chat_id, part)
    else:
        await bot.copy_message(ticket.chat_id, message.chat_id, message.message_id)
    await services.storage.tickets.map_message(
        ticket.id, staff_chat_id=message.chat_id, staff_message_id=message.message_id,
        person_message_id=None, direction=DIRECTION_OUT,
    )


async def close_ticket(services: Services, bot: Bot, ticket: Ticket) -> bool:
    """End a ticket: tell the person (with one-tap rating) and close the topic."""
    if not await services.storage.tickets.close(ticket.id):
        return False
    _ = translator(ticket.lang).gettext
    text = _("The staff have closed this conversation. Was it helpful? You can ask me anything "
             "any time, or send /human to reach a person again.")
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(face, callback_data=f"{RATE_PREFIX}{ticket.id}:{stars}")
          for stars, face in RATINGS]]
    )
    await bot.send_message(ticket.chat_id, rtl(text, ticket.lang), reply_markup=markup)
    staff_ = translator(services.staff_lang).gettext
    if ticket.staff_chat_id is not None:
        await bot.send_message(
            ticket.staff_chat_id,
            staff_("Ticket #{number} is closed; the person was told.").format(number=ticket.id),
            message_thread_id=ticket.thread_id,
        )
        if ticket.thread_id is not None:
            try:
                await bot.close_forum_topic(ticket.staff_chat_id, ticket.thread_id)
            except BadRequest as error:
                log.info("ticket #%d: topic not closed (%s)", ticket.id, error)
    return True
