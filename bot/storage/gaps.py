"""`welcomebot kb gaps`: the questions the bot could not answer well, most frequent first.

Curators read this to decide which intents or example phrases to add.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TextIO

from bot.storage import Storage
from bot.storage.questions import Gap

__all__ = ["DEFAULT_LIMIT", "format_gaps", "gaps_command", "load_gaps", "run"]

DEFAULT_LIMIT = 30


async def load_gaps(db_path, *, limit: int = DEFAULT_LIMIT, days: int | None = None) -> list[Gap]:
    storage = await Storage.open(db_path)
    try:
        return await storage.questions.gaps(limit=limit, days=days)
    finally:
        await storage.close()


def format_gaps(gaps: list[Gap], *, as_json: bool = False) -> str:
    """One line per gap: count, languages, the question, the bot's best guesses with scores."""
    if as_json:
        return "\n".join(
            json.dumps(
                {
                    "text": g.text,
                    "count": g.count,
                    "langs": list(g.langs),
                    "guesses": [{"intent": x.intent, "score": x.score} for x in g.guesses],
                },
                ensure_ascii=False,
            )
            for g in gaps
        )
    if not gaps:
        return "No unanswered questions recorded."
    lines = []
    for gap in gaps:
        guesses = ", ".join(f"{x.intent} {x.score:.2f}" for x in gap.guesses) or "-"
        lines.append(f"{gap.count:5d}  [{','.join(gap.langs)}]  {gap.text}  -> {guesses}")
    return "\n".join(lines)


def gaps_command(
    settings, *, limit: int = DEFAULT_LIMIT, days: int | None = None, as_json: bool = False,
    out: TextIO | None = None,
) -> int:
    """The body of `welcomebot kb gaps`; returns the exit status."""
    out = out or sys.stdout
    if not settings.db_path.exists():
        print(f"{settings.db_path}: no database yet (the bot records questions as it runs)",
              file=out)
        return 0
    gaps = asyncio.run(load_gaps(settings.db_path, limit=limit, days=days))
    text = format_gaps(gaps, as_json=as_json)
    if text:
        print(text, file=out)
    return 0


def run(args, settings) -> int:
    """Entry point used by ``bot.cli`` (`welcomebot kb gaps [--limit N] [--json] [--days N]`)."""
    return gaps_command(
        settings,
        limit=getattr(args, "limit", DEFAULT_LIMIT),
        days=getattr(args, "days", None),
        as_json=getattr(args, "json", False),
    )
