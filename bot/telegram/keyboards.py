"""Engine replies -> Telegram: inline keyboards, and texts cut to fit Telegram's message limit."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine import CALLBACK_LIMIT, Button

__all__ = ["MESSAGE_LIMIT", "inline_markup", "split_text", "utf16_len"]

log = logging.getLogger(__name__)

#: Telegram counts a message's length in UTF-16 code units; at most this many per message.
MESSAGE_LIMIT = 4096
#: Telegram refuses a button label longer than this (in characters); we cut it.
LABEL_LIMIT = 64


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (emoji and other astral characters count twice)."""
    return len(text.encode("utf-16-le")) // 2


def inline_markup(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Rows of engine buttons as an inline keyboard: URL buttons for links, callbacks for actions.

    A button whose callback data would not fit Telegram's 64 bytes is left out rather than
    failing the whole message.
    """
    keyboard = []
    for row in rows:
        buttons = []
        for button in row:
            label = button.label[:LABEL_LIMIT] or "…"
            if button.url:
                buttons.append(InlineKeyboardButton(label, url=button.url))
            elif button.action and len(button.action.encode()) <= CALLBACK_LIMIT:
                buttons.append(InlineKeyboardButton(label, callback_data=button.action))
            else:
                log.warning("button %r left out: no url and no callback data that fits", label)
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def split_text(text: str, *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut ``text`` into parts of at most ``limit`` UTF-16 units, at a paragraph, line or word
    break where there is one, never inside a character."""
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        # The longest prefix that fits (by code points, checked in UTF-16 units).
        end = min(len(rest), limit)
        while utf16_len(rest[:end]) > limit:
            end -= 1
        window = rest[:end]
        cut = -1
        for separator in ("\n\n", "\n", " "):
            position = window.rfind(separator)
            if position > end // 2:
                cut = position
                break
        if cut <= 0:
            cut = end
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest.strip() or not parts:
        parts.append(rest)
    return [part for part in parts if part] or [text[:1] or "…"]
