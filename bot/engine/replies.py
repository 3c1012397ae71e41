"""What the conversation engine produces: replies with buttons, and requests for the adapters.

Plain frozen data, so every adapter (Telegram, terminal, tests) can render it its own way.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.matching.types import MatchResult

__all__ = [
    "ACTION_HANDOFF_NO",
    "ACTION_HANDOFF_YES",
    "ACTION_MENU",
    "CALLBACK_LIMIT",
    "PREFIX_INTENT",
    "PREFIX_LANGUAGE",
    "Button",
    "HandoffRequest",
    "Person",
    "Reply",
    "Response",
]

#: Telegram allows at most 64 bytes of callback data per button.
CALLBACK_LIMIT = 64
PREFIX_INTENT = "i:"
PREFIX_LANGUAGE = "l:"
ACTION_HANDOFF_YES = "h:yes"
ACTION_HANDOFF_NO = "h:no"
ACTION_MENU = "m"


@dataclass(frozen=True)
class Person:
    """Who is writing, as far as the engine needs to know."""

    id: str
    chosen_lang: str | None = None
    app_lang: str | None = None
    last_lang: str | None = None
    last_question: str | None = None


@dataclass(frozen=True)
class Button:
    """A button under a reply: either an action for the engine or a link."""

    label: str
    action: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Reply:
    """One message to the person: text and rows of buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()


@dataclass(frozen=True)
class HandoffRequest:
    """The person wants a human: the adapter opens a ticket with this header."""

    lang: str
    question: str | None = None
    intent: str | None = None
    score: float | None = None


@dataclass(frozen=True)
class Response:
    """Everything the engine says and asks for in answer to one input."""

    replies: tuple[Reply, ...]
    lang: str
    chosen_lang: str | None = None
    handoff: HandoffRequest | None = None
    match: MatchResult | None = None
    answered: bool = False
    question: str | None = None
