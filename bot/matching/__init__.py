"""Intent matching: example phrases in, the best intent (or out of scope) for a question out.

Knows nothing of the knowledge base format: the caller turns intents into `Example`s.
"""

from typing import Any

from bot.matching.types import AMBIGUITY_MARGIN, Candidate, Example, MatchResult


def __getattr__(name: str) -> Any:
    """The matcher (numpy, scipy, rapidfuzz) is imported on first use: modules that only need the
    data types (storage, knowledge base, the Telegram intake) start fast."""
    if name in ("DEFAULT_THRESHOLD", "Matcher"):
        from bot.matching import matcher

        return getattr(matcher, name)
    raise AttributeError(name)

__all__ = ["AMBIGUITY_MARGIN", "DEFAULT_THRESHOLD", "Candidate", "Example", "MatchResult", "Matcher"]
