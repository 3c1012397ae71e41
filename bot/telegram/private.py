"""Private chats: the conversation engine's replies, commands, buttons, media, deleting one's data."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.engine import PREFIX_INTENT, Person, Response
from bot.engine.render import rtl
from bot.i18n import translator
from bot.storage import Guess, PersonRecord
from bot.telegram.commands import STAFF_COMMANDS as staff_menu
from bot.telegram.handoff import RATE_PREFIX, contact_reply, forward_to_staff, open_ticket
from bot.telegram.send import send_replies, send_text
from bot.telegram.services import Services, app_language, person_of, services

__all__ = [
    "DELETE_NO",
    "DELETE_YES",
    "answer_query",
    "on_callback",
    "on_command",
    "on_media",
    "on_text",
]

log = logging.getLogger(__name__)

DELETE_YES = "del:yes"
DELETE_NO = "del:no"
#: A question matched with a score this close above the cut-off counts as weak: curators see it.
WEAK_MARGIN = 0.1


async def _load(s: Services, update: Update) -> tuple[PersonRecord | None, Person]:
    user = update.effective_user
    record = await s.storage.persons.get(user.id)
    return record, person_of(user, record)


async def respond(s: Services, context: ContextTypes.DEFAULT_TYPE, update: Update,
                  record: PersonRecord | None, response: Response) -> None:
    """Send the engine's replies, then remember what the next message needs, then hand over.

    Sending comes first: a crash in between replays the update, and the journal skips the sends.
    """
    user = update.effective_user
    chat_id = user.id
    handoff = response.handoff
    replies = response.replies
    if handoff is not None and s.staff_chat_id is None:
        replies = (contact_reply(s, response.lang),)
    await send_replies(context.bot, chat_id, replies)

    last_question = record.last_question if record else None
    if response.question:
        # kept until the next question, so "ask a person" under any answer carries it to staff
        last_question = response.question
    if handoff is not None:
        last_question = None
    await s.storage.persons.save(
        PersonRecord(
            user_id=user.id,
            chat_id=chat_id,
            chosen_lang=response.chosen_lang or (record.chosen_lang if record else None),
            app_lang=app_language(user),
            last_lang=response.lang,
            last_question=last_question,
        )
    )
    if response.question:
        await _record_question(s, user.id, response)
    if handoff is not None and s.staff_chat_id is not None:
        await open_ticket(s, context.bot, user_id=user.id, chat_id=chat_id, request=handoff)


async def _record_question(s: Services, user_id: int, response: Response) -> None:
    match = response.match
    threshold = getattr(s.engine.matcher, "threshold", 0.0) or 0.0
    weak = match is not None and (match.ambiguous or match.score < threshold + WEAK_MARGIN)
    guesses: tuple[Guess, ...] = ()
    if match is not None:
        best = [(match.intent, match.score)] if match.intent else []
        guesses = tuple(
            Guess(i, s_) for i, s_ in best + [(c.intent, c.score) for c in match.alternatives] if i
        )[:3]
    await s.storage.questions.record(
        user_id=user_id,
        lang=response.lang,
        answered=response.answered,
        gap=(not response.answered) or weak,
        intent=match.intent if match else None,
        score=match.score if match else None,
        text=response.question,
        guesses=guesses,
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    s = services(context)
    message = update.effective_message
    ticket = await s.storage.tickets.open_for(update.effective_user.id)
    if ticket is not None and ticket.staff_chat_id is not None:
        await forward_to_staff(s, context.bot, ticket, message)
        return
    record, person = await _load(s, update)
    await respond(s, context, update, record, s.engine.handle_text(person, message.text or ""))


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, files: staff get them inside a ticket; otherwise "I read text"."""
    s = services(context)
    ticket = await s.storage.tickets.open_for(update.effective_user.id)
    if ticket is not None and ticket.staff_chat_id is not None:
        await forward_to_staff(s, context.bot, ticket, update.effective_message)
        return
    record, person = await _load(s, update)
    await respond(s, context, update, record, s.engine.not_text(person))


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every ``/command`` in a private chat."""
    s = services(context)
    message = update.effective_message
    words = (message.text or "").split()
    command = words[0][1:].split("@")[0].lower() if words else ""
    args = words[1:]
    record, person = await _load(s, update)
    engine = s.engine
    if command in STAFF_COMMANDS:
        return  # staff commands do nothing outside the staff group
    if command == "start":
        response = engine.start(person, args[0] if args else None)
    elif command == "help":
        response = engine.help(person)
    elif command == "language":
        response = engine.language_picker(person)
    elif command == "privacy":
        response = engine.privacy(person)
    elif command == "human":
        ticket = await s.storage.tickets.open_for(update.effective_user.id)
        if ticket is not None and ticket.staff_chat_id is not None:
            _ = translator(ticket.lang).gettext
            await send_text(context.bot, update.effective_user.id, rtl(
                _("You are already in touch with the staff: just write here and they will read "
                  "it."), ticket.lang))
            return
        response = engine.request_person(person, question=" ".join(args) or None)
    elif command == "events":
        intent = engine.kb.intent_with_action("events")
        response = (
            engine.handle_action(person, PREFIX_INTENT + intent.id) if intent else engine.help(person)
        )
    elif command == "delete_my_data":
        await _ask_delete(context, update, engine.reply_language(person))
        return
    else:
        ticket = await s.storage.tickets.open_for(update.effective_user.id)
        if ticket is not None and ticket.staff_chat_id is not None:
            await forward_to_staff(s, context.bot, ticket, message)
            return
        response = engine.unknown_command(person)
    await respond(s, context, update, record, response)


#: Commands for the staff group; in a private chat they are ignored.
STAFF_COMMANDS = frozenset(name for name, _ in staff_menu)


async def _ask_delete(context: ContextTypes.DEFAULT_TYPE, update: Update, lang: str) -> None:
    _ = translator(lang).gettext
    markup = InlineKeyboardMarkup(
        [[
            InlineKeyboardButton(_("Yes, delete everything"), callback_data=DELETE_YES),
            InlineKeyboardButton(_("No, keep it"), callback_data=DELETE_NO),
        ]]
    )
    text = _("Delete everything I keep about you: your language choice, your questions and your "
             "conversations with the staff? This cannot be undone.")
    await context.bot.send_message(update.effective_user.id, rtl(text, lang), reply_markup=markup)


async def answer_query(update: Update, text: str | None = None) -> None:
    try:
        await update.callback_query.answer(text)
    except BadRequest as error:  # too old to answer: nothing the person would notice
        log.info("callback query not answered: %s", error)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press in a private chat. Forged or outdated data gets a polite note."""
    s = services(context)
    query = update.callback_query
    data = query.data or ""
    record, person = await _load(s, update)
    lang = s.engine.reply_language(person)
    _ = translator(lang).gettext
    user_id = update.effective_user.id
    if data == DELETE_YES:
        await answer_query(update)
        ticket = await s.storage.tickets.open_for(user_id)
        if ticket is not None and ticket.staff_chat_id is not None:
            staff_ = translator(s.staff_lang).gettext
            await context.bot.send_message(
                ticket.staff_chat_id,
                staff_("The person of ticket #{number} deleted their data; the ticket is "
                       "gone.").format(number=ticket.id),
                message_thread_id=ticket.thread_id,
            )
        await s.storage.persons.forget(user_id, user_id)
        await send_text(context.bot, user_id, rtl(_("Done: I deleted everything I kept about you."),
                                                  lang))
        return
    if data == DELETE_NO:
        await answer_query(update)
        await send_text(context.bot, user_id, rtl(_("All right, nothing was deleted."), lang))
        return
    if data.startswith(RATE_PREFIX):
        ok = False
        try:
            ticket_id, stars = (int(x) for x in data[len(RATE_PREFIX):].split(":"))
            ok = 1 <= stars <= 3 and await s.storage.tickets.rate(ticket_id, user_id, stars)
        except ValueError:
            pass
        await answer_query(update, _("Thank you for your feedback!") if ok
                            else _("Sorry, this button is no longer valid."))
        return
    await answer_query(update)
    await respond(s, context, update, record, s.engine.handle_action(person, data))


#: Older name, still imported by bot.telegram.events_handlers.
_answer_query = answer_query
