"""Questions people asked: counts for /stats, and gaps (unanswered or weakly matched) for curators.

Only gaps keep their text and the bot's best guesses, and only for the retention period.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from bot.storage.db import Database

__all__ = ["Gap", "Guess", "QuestionLog", "Stats", "normalise_question"]

#: Seconds in a day.
DAY = 86400.0


@dataclass(frozen=True)
class Guess:
    intent: str
    score: float


@dataclass(frozen=True)
class Gap:
    """A question the knowledge base did not answer well, with how often it was asked."""

    text: str
    count: int
    langs: tuple[str, ...]
    guesses: tuple[Guess, ...]
    last_asked: float


@dataclass(frozen=True)
class Stats:
    """Numbers for the staff's /stats over a period."""

    since: float
    questions: int
    by_language: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    handoffs: int = 0
    median_first_reply: float | None = None
    ratings: tuple[int, ...] = ()

    @property
    def answered_share(self) -> float:
        return self.answered / self.questions if self.questions else 0.0


def normalise_question(text: str) -> str:
    """How gaps are grouped: case and spacing do not make a different question."""
    return " ".join(text.casefold().split()).strip(" ?!.,;:¿؟。？！")


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        *,
        user_id: int | None,
        lang: str,
        answered: bool,
        gap: bool,
        intent: str | None,
        score: float | None,
        text: str | None,
        guesses: tuple[Guess, ...] = (),
        at: float | None = None,
    ) -> None:
        await self._db.execute(
            "INSERT INTO questions(user_id, asked_at, lang, answered, gap, intent, score, text,"
            " guesses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_id,
                time.time() if at is None else at,
                lang,
                int(answered),
                int(gap),
                intent,
                score,
                text if gap else None,
                json.dumps([[g.intent, round(g.score, 3)] for g in guesses]) if gap else None,
            ),
        )

    async def stats(self, *, days: int = 7, now: float | None = None) -> Stats:
        now = time.time() if now is None else now
        since = now - days * DAY
        rows = await self._db.fetchall(
            "SELECT lang, COUNT(*), SUM(answered) FROM questions WHERE asked_at >= ? GROUP BY lang",
            (since,),
        )
        by_language = {row[0]: row[1] for row in rows}
        answered = sum(row[2] or 0 for row in rows)
        tickets = await self._db.fetchall(
            "SELECT created_at, first_staff_reply_at, rating FROM tickets WHERE created_at >= ?",
            (since,),
        )
        waits = [t[1] - t[0] for t in tickets if t[1] is not None]
        return Stats(
            since=since,
            questions=sum(by_language.values()),
            by_language=dict(sorted(by_language.items(), key=lambda kv: -kv[1])),
            answered=answered,
            handoffs=len(tickets),
            median_first_reply=statistics.median(waits) if waits else None,
            ratings=tuple(t[2] for t in tickets if t[2] is not None),
        )

    async def gaps(self, *, limit: int = 20, days: int | None = None) -> list[Gap]:
        """The most frequent gap questions, most asked first, with the bot's best guesses."""
        params: tuple = ()
        where = "gap = 1 AND text IS NOT NULL"
        if days is not None:
            where += " AND asked_at >= ?"
            params = (time.time() - days * DAY,)
        rows = await self._db.fetchall(
            f"SELECT text, lang, guesses, asked_at FROM questions WHERE {where}", params
        )
        groups: dict[str, list] = {}
        for row in rows:
            groups.setdefault(normalise_question(row["text"]), []).append(row)
        gaps = []
        for group in groups.values():
            langs = Counter(row["lang"] for row in group)
            best: dict[str, float] = {}
            for row in group:
                for intent, score in json.loads(row["guesses"] or "[]"):
                    best[intent] = max(best.get(intent, 0.0), score)
            latest = max(group, key=lambda row: row["asked_at"])
            gaps.append(
                Gap(
                    text=latest["text"],
                    count=len(group),
                    langs=tuple(lang for lang, _ in langs.most_common()),
                    guesses=tuple(
                        Guess(i, s) for i, s in sorted(best.items(), key=lambda kv: -kv[1])[:3]
                    ),
                    last_asked=latest["asked_at"],
                )
            )
        gaps.sort(key=lambda g: (-g.count, -g.last_asked))
        return gaps[:limit]

    async def forget_texts(self, *, older_than: float) -> int:
        """Drop question texts (and ticket questions) past the retention period."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE questions SET text = NULL, guesses = NULL"
                " WHERE asked_at < ? AND text IS NOT NULL",
                (older_than,),
            )
            await conn.execute(
                "UPDATE tickets SET question = NULL WHERE created_at < ? AND question IS NOT NULL",
                (older_than,),
            )
            await conn.execute(
                "UPDATE persons SET last_question = NULL WHERE updated_at < ?", (older_than,)
            )
            return cursor.rowcount
