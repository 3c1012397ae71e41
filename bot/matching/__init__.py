"""Intent matching: example phrases in, the best intent (or out of scope) for a question out.

Knows nothing of the knowledge base format: the caller turns intents into `Example`s.
"""

from bot.matching.matcher import DEFAULT_THRESHOLD, Matcher
from bot.matching.types import AMBIGUITY_MARGIN, Candidate, Example, MatchResult

__all__ = ["AMBIGUITY_MARGIN", "DEFAULT_THRESHOLD", "Candidate", "Example", "MatchResult", "Matcher"]
