"""Coverage of a knowledge base for curators: what is answered, in which languages, what is left."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.kb.model import KnowledgeBase

__all__ = ["coverage", "format_coverage"]


def coverage(kb: KnowledgeBase, *, today: date | None = None) -> dict[str, Any]:
    """The ``kb stats --json`` object (shape fixed by the core issue, extended with review data)."""
    today = today or date.today()
    overdue = {i.id for i in kb.past_review(today)}
    intents = {}
    for intent in sorted(kb.intents.values(), key=lambda i: i.id):
        intents[intent.id] = {
            "answers": [lang for lang in kb.languages if lang in intent.answers],
            "examples": {lang: len(intent.examples.get(lang, ())) for lang in kb.languages},
            "sources": len(intent.sources),
            "reviewed": [lang for lang in kb.languages if lang in intent.answers and intent.answers[lang].reviewed],
            "verified": intent.verified.isoformat() if intent.verified else None,
            "past_review": intent.id in overdue,
            "file": intent.file,
        }
    return {"languages": list(kb.languages), "intents": intents}


def format_coverage(kb: KnowledgeBase, *, today: date | None = None) -> str:
    """A plain-text table: one row per language, then what curators should look at."""
    data = coverage(kb, today=today)
    intents = data["intents"]
    lines = [f"{len(intents)} intents, {len(kb.offices)} offices, languages: {', '.join(kb.languages)}", ""]
    lines.append(f"{'lang':<6}{'answers':>9}{'examples':>10}{'min/intent':>12}{'reviewed':>10}")
    for lang in kb.languages:
        answers = sum(lang in i["answers"] for i in intents.values())
        examples = [i["examples"][lang] for i in intents.values()]
        reviewed = sum(lang in i["reviewed"] for i in intents.values())
        lines.append(f"{lang:<6}{answers:>9}{sum(examples):>10}{min(examples, default=0):>12}{reviewed:>10}")
    unreviewed = sum(len(i["answers"]) - len(i["reviewed"]) for i in intents.values())
    lines.append("")
    lines.append(f"translations not yet reviewed by a native speaker: {unreviewed}")
    overdue = [f"{k} ({v['file']})" for k, v in intents.items() if v["past_review"]]
    lines.append(f"entries past their review date: {len(overdue)}")
    lines.extend(f"  {item}" for item in overdue)
    no_sources = [
        k
        for k, v in intents.items()
        if not v["sources"] and not kb.intents[k].action and kb.intents[k].area != "conversation"
    ]
    if no_sources:
        lines.append(f"intents without a source: {', '.join(no_sources)}")
    return "\n".join(lines)
