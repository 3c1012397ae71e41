"""What every handler needs, built once at start-up and kept in ``application.bot_data``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import User
from telegram.ext import ContextTypes

from bot.storage import PersonRecord, Storage

if TYPE_CHECKING:  # heavy (the matcher): imported by the handlers once the engine is built
    from bot.engine import Engine, Person
    from bot.hours import StaffHours

__all__ = ["SERVICES_KEY", "Services", "person_of", "services"]

SERVICES_KEY = "welcomebot.services"


@dataclass
class Services:
    engine: Engine
    storage: Storage
    hours: StaffHours
    staff_chat_id: int | None = None
    #: Language of the texts staff read (headers, /stats); the knowledge base's source language.
    staff_lang: str = "en"
    #: Whether the staff group has topics; None until asked (getChat).
    staff_is_forum: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def kb(self):
        return self.engine.kb


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]


def app_language(user: User | None) -> str | None:
    """Telegram's language_code ("pt-br") as a plain language code ("pt")."""
    code = (user.language_code if user else None) or ""
    return code.split("-")[0].lower() or None


def person_of(user: User, record: PersonRecord | None) -> Person:
    """The engine's view of a Telegram user, with what we stored about them."""
    from bot.engine import Person

    return Person(
        id=f"tg:{user.id}",
        chosen_lang=record.chosen_lang if record else None,
        app_lang=app_language(user),
        last_lang=record.last_lang if record else None,
        last_question=record.last_question if record else None,
    )
