"""Everything the bot reads from its environment, in one place (see INTERFACE.md, "Environment")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_BOT_API_URL", "DEFAULT_RETENTION_DAYS", "Settings"]

DEFAULT_BOT_API_URL = "https://api.telegram.org/bot"
DEFAULT_DB_PATH = "data/welcomebot.sqlite3"
DEFAULT_KNOWLEDGE_DIR = "knowledge"
DEFAULT_TIMEZONE = "Europe/Berlin"
#: Days that question texts are kept for curators before they are dropped.
DEFAULT_RETENTION_DAYS = 90


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The deployment's configuration. Built once at start-up with :meth:`from_env`."""

    token: str | None = None
    bot_api_url: str = DEFAULT_BOT_API_URL
    staff_chat_id: int | None = None
    db_path: Path = Path(DEFAULT_DB_PATH)
    knowledge_dir: Path = Path(DEFAULT_KNOWLEDGE_DIR)
    timezone: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    listen: str = "0.0.0.0:8080"
    retention_days: int = DEFAULT_RETENTION_DAYS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the ``TELEGRAM_*`` and ``WELCOMEBOT_*`` variables; unset or empty means the default.

        ``timezone`` stays None when unset so the knowledge base's own time zone applies.
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        staff = get("WELCOMEBOT_STAFF_CHAT_ID")
        retention = get("WELCOMEBOT_RETENTION_DAYS")
        return cls(
            token=get("TELEGRAM_BOT_TOKEN"),
            bot_api_url=get("WELCOMEBOT_BOT_API_URL") or DEFAULT_BOT_API_URL,
            staff_chat_id=int(staff) if staff else None,
            db_path=Path(get("WELCOMEBOT_DB") or DEFAULT_DB_PATH),
            knowledge_dir=Path(get("WELCOMEBOT_KNOWLEDGE") or DEFAULT_KNOWLEDGE_DIR),
            timezone=get("WELCOMEBOT_TIMEZONE"),
            webhook_url=get("WELCOMEBOT_WEBHOOK_URL"),
            webhook_secret=get("WELCOMEBOT_WEBHOOK_SECRET"),
            listen=get("WELCOMEBOT_LISTEN") or "0.0.0.0:8080",
            retention_days=int(retention) if retention else DEFAULT_RETENTION_DAYS,
        )
