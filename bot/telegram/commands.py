"""The command menus (setMyCommands): private chats in every language, staff commands for staff."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from bot.i18n import N_, translator
from bot.storage import Storage

__all__ = ["PRIVATE_COMMANDS", "STAFF_COMMANDS", "register_commands"]

log = logging.getLogger(__name__)

PRIVATE_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start and choose your language")),
    ("help", N_("What I can help with")),
    ("language", N_("Change the language")),
    ("human", N_("Ask a person at the Welcome Center")),
    ("events", N_("Upcoming events")),
    ("checklist", N_("Your checklist for the first weeks")),
    ("privacy", N_("What I keep about you")),
    ("delete_my_data", N_("Delete everything I keep about you")),
)
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("tickets", N_("Open tickets")),
    ("stats", N_("Numbers of the last 7 days")),
    ("answer", N_("Send a knowledge-base answer: /answer INTENT_ID")),
    ("close", N_("Close this ticket")),
    ("announce", N_("Announce an event to those who asked: /announce EVENT_ID")),
)
_META_KEY = "telegram.commands"


def _menu(commands: Sequence[tuple[str, str]], lang: str) -> list[BotCommand]:
    _ = translator(lang).gettext
    return [BotCommand(name, _(description)) for name, description in commands]


async def register_commands(
    bot: Bot, storage: Storage, *, languages: Sequence[str], default_lang: str,
    staff_chat_id: int | None, staff_lang: str,
) -> bool:
    """Set the menus unless exactly these were set before (saves a dozen calls per restart)."""
    plan: list[tuple[list[BotCommand], object, str | None]] = [
        (_menu(PRIVATE_COMMANDS, default_lang), BotCommandScopeAllPrivateChats(), None)
    ]
    for lang in languages:
        plan.append((_menu(PRIVATE_COMMANDS, lang), BotCommandScopeAllPrivateChats(), lang))
    if staff_chat_id is not None:
        plan.append((_menu(STAFF_COMMANDS, staff_lang), BotCommandScopeChat(staff_chat_id), None))
    signature = hashlib.sha256(
        json.dumps(
            [
                [[[c.command, c.description] for c in cmds], scope.to_dict(), lang]
                for cmds, scope, lang in plan
            ]
        ).encode()
    ).hexdigest()
    if await storage.db.get_meta(_META_KEY) == signature:
        return False
    try:
        for commands, scope, lang in plan:
            await bot.set_my_commands(commands, scope=scope, language_code=lang)
    except TelegramError as exc:
        # The menus are a convenience: commands work without them, so the bot keeps running.
        log.warning("setMyCommands failed (%s); command menus not updated", exc.__class__.__name__)
        return False
    await storage.db.set_meta(_META_KEY, signature)
    log.info("command menus set for %d languages", len(languages))
    return True
