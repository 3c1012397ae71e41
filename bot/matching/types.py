"""The matcher's inputs and outputs: plain data shared by the engine, the CLI and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AMBIGUITY_MARGIN", "Candidate", "Example", "MatchResult"]

#: Two intents whose scores are closer than this are too close to choose between: ask the person.
#: On CLINC150 val (in scope) a gap below 0.05 occurs for 5% of questions, and there the top intent
#: is right only 39% of the time (the top two hold the answer 72%); above it, 96%.
AMBIGUITY_MARGIN = 0.05


@dataclass(frozen=True)
class Example:
    """An example phrase that stands for an intent."""

    text: str
    intent: str
    lang: str | None = None


@dataclass(frozen=True)
class Candidate:
    """An intent and how well the text matches it, in [0, 1]."""

    intent: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The best intent (None when out of scope), its score, and the runners-up. Out of scope, the
    best guess is the first of `alternatives`: a topic to offer, not an answer."""

    intent: str | None
    score: float
    alternatives: tuple[Candidate, ...] = ()
    lang: str | None = None

    @property
    def ambiguous(self) -> bool:
        """True when the best two intents are too close to pick one without asking."""
        if self.intent is None or not self.alternatives:
            return False
        return self.score - self.alternatives[0].score < AMBIGUITY_MARGIN
