"""The python-telegram-bot adapter: private chats, the staff group, handoff tickets, durable intake."""

from bot.telegram.app import build_application, run, serve

__all__ = ["build_application", "run", "serve"]
