"""Sending engine replies: text cut to Telegram's limit, keyboard under the last part, no previews."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Bot, LinkPreviewOptions, Message, ReplyParameters

from bot.engine import Reply
from bot.telegram.keyboards import inline_markup, split_text

__all__ = ["send_replies", "send_text"]

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def send_text(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    reply: Reply | None = None,
    thread_id: int | None = None,
    reply_to: int | None = None,
) -> list[Message]:
    """Send ``text`` (split if too long); the buttons of ``reply`` go under the last part."""
    markup = inline_markup(reply.buttons) if reply else None
    parts = split_text(text)
    sent = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent.append(
            await bot.send_message(
                chat_id,
                part,
                reply_markup=markup if last else None,
                message_thread_id=thread_id,
                link_preview_options=_NO_PREVIEW,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to and index == 0
                    else None
                ),
            )
        )
    return sent


async def send_replies(
    bot: Bot, chat_id: int, replies: Iterable[Reply], *, thread_id: int | None = None
) -> list[Message]:
    sent: list[Message] = []
    for reply in replies:
        sent.extend(await send_text(bot, chat_id, reply.text, reply=reply, thread_id=thread_id))
    return sent
