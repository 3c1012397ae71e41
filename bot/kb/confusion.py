"""Curator warnings: example phrases that the matcher would send to another intent.

Each example is matched by a matcher built without it (k-fold, so the check stays fast), the way a
person's question is matched. A phrase that lands elsewhere is a collision users would meet.
"""

from __future__ import annotations

from collections import defaultdict

from bot.kb.model import KnowledgeBase
from bot.kb.yamlsrc import Problem
from bot.matching import Example, Matcher

__all__ = ["confusions"]

#: Folds: each example is judged by a matcher trained on the other (FOLDS - 1) / FOLDS of the base.
FOLDS = 5


def confusions(kb: KnowledgeBase, *, folds: int = FOLDS) -> list[Problem]:
    """Warnings ``file:line: example ... matches intent B better than its own intent A``."""
    examples = kb.examples()
    if len({e.intent for e in examples}) < 2:
        return []
    lines = _example_lines(kb)
    buckets: dict[int, list[Example]] = defaultdict(list)
    for index, example in enumerate(examples):
        buckets[index % folds].append(example)
    warnings: list[Problem] = []
    for fold in range(folds):
        held_out = buckets[fold]
        train = [e for f, items in buckets.items() if f != fold for e in items]
        matcher = Matcher.build(train)
        results = matcher.match_many([e.text for e in held_out])
        for example, result in zip(held_out, results, strict=True):
            if result.intent is not None and result.intent != example.intent:
                file, line = lines.get((example.intent, example.lang, example.text), ("?", 0))
                warnings.append(
                    Problem(
                        file,
                        line,
                        f"example {example.text!r} ({example.lang}) of {example.intent!r} matches "
                        f"{result.intent!r} better (score {result.score:.2f})",
                        warning=True,
                    )
                )
    return sorted(warnings, key=lambda p: (p.file, p.line))


def _example_lines(kb: KnowledgeBase) -> dict[tuple[str, str | None, str], tuple[str, int]]:
    """Where each example phrase stands, as the loader recorded it."""
    return {
        (intent.id, lang, text): (intent.file, line)
        for intent in kb.intents.values()
        for lang, texts in intent.examples.items()
        for text, line in zip(texts, intent.example_lines.get(lang, ()), strict=False)
    }
