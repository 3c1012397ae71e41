"""The conversation engine: transport-free, text and person in, replies with buttons out."""

from bot.engine.conversation import Engine, EventsProvider
from bot.engine.render import MESSAGE_LIMIT, fit_message, render_answer
from bot.engine.replies import (
    ACTION_HANDOFF_NO,
    ACTION_HANDOFF_YES,
    ACTION_MENU,
    CALLBACK_LIMIT,
    PREFIX_INTENT,
    PREFIX_LANGUAGE,
    Button,
    HandoffRequest,
    Person,
    Reply,
    Response,
)

__all__ = [
    "ACTION_HANDOFF_NO",
    "ACTION_HANDOFF_YES",
    "ACTION_MENU",
    "CALLBACK_LIMIT",
    "MESSAGE_LIMIT",
    "PREFIX_INTENT",
    "PREFIX_LANGUAGE",
    "Button",
    "Engine",
    "EventsProvider",
    "HandoffRequest",
    "Person",
    "Reply",
    "Response",
    "fit_message",
    "render_answer",
]
