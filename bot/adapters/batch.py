"""``welcomebot ask``, ``match`` and ``kb check|stats``: one-shot commands around the same engine.

Output shapes are fixed by INTERFACE.md; scripts and acceptance checks read them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from bot.engine import Engine, Person
from bot.kb import KnowledgeBase
from bot.kb.confusion import confusions
from bot.kb.stats import coverage, format_coverage
from bot.languages import LanguageDetector
from bot.matching import Example, Matcher
from bot.scope import scope_problems

__all__ = ["ask", "kb_check", "kb_stats", "match", "read_examples", "read_jsonl"]

#: Batch inputs are matched in chunks: fast like one big batch, yet output starts early.
_CHUNK = 512


def _round(score: float) -> float:
    return round(float(score), 4)


def ask(engine: Engine, text: str, *, lang: str | None, as_json: bool, out: TextIO) -> int:
    """One question, one answer."""
    person = Person(id="ask", chosen_lang=lang)
    response = engine.handle_text(person, text)
    answer = "\n\n".join(reply.text for reply in response.replies)
    if as_json:
        result = response.match
        obj = {
            # null only when the bot had no answer; a "did you mean" still names its best guess
            "intent": result.intent if result else None,
            "score": _round(result.score) if result else 0.0,
            "lang": response.lang,
            "answer": answer,
            "alternatives": [
                {"intent": c.intent, "score": _round(c.score)} for c in (result.alternatives if result else ())
            ],
        }
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        out.write(answer + "\n")
        for reply in response.replies:
            for row in reply.buttons:
                out.write("   " + "   ".join(f"[{b.label}]" for b in row) + "\n")
    return 0


def read_jsonl(stream: Iterable[str], *, what: str) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Yield (line number, object or None, error or None) for each non-empty line."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"{what} line {number}: not JSON ({exc.msg})"
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield number, None, f'{what} line {number}: expected an object with a "text" string'
            continue
        yield number, obj, None


def read_examples(path: Path) -> list[Example]:
    """Examples ``{"text", "intent", "lang"}`` from a file; out-of-scope lines (intent null) are skipped."""
    with path.open(encoding="utf-8") as handle:
        examples = []
        for _number, obj, error in read_jsonl(handle, what=str(path)):
            if error:
                raise ValueError(error)
            assert obj is not None
            if obj.get("intent") is not None:
                examples.append(Example(text=obj["text"], intent=str(obj["intent"]), lang=obj.get("lang")))
        return examples


def read_labelled(path: Path) -> list[tuple[str, str | None]]:
    """A labelled file for calibration: (text, intent or None)."""
    with path.open(encoding="utf-8") as handle:
        pairs = []
        for _number, obj, error in read_jsonl(handle, what=str(path)):
            if error:
                raise ValueError(error)
            assert obj is not None
            intent = obj.get("intent")
            pairs.append((obj["text"], None if intent is None else str(intent)))
        return pairs


def match(
    matcher: Matcher,
    *,
    detector: LanguageDetector | None,
    default_lang: str | None,
    default: str,
    stdin: TextIO,
    out: TextIO,
) -> int:
    """Batch matching: one JSON line out per JSON line in, same order."""
    pending: list[tuple[dict[str, Any] | None, str | None]] = []

    def flush() -> None:
        texts = [obj["text"] for obj, _ in pending if obj is not None]
        results = iter(matcher.match_many(texts)) if texts else iter(())
        for obj, error in pending:
            if obj is None:
                out.write(
                    json.dumps({"intent": None, "score": 0.0, "lang": default_lang or default, "error": error}) + "\n"
                )
                continue
            result = next(results)
            lang = obj.get("lang") or default_lang
            if not lang and detector is not None:
                lang = detector.detect(obj["text"])
            lang = lang or result.lang or default
            out.write(
                json.dumps({"intent": result.intent, "score": _round(result.score), "lang": lang}, ensure_ascii=False)
                + "\n"
            )
        pending.clear()
        out.flush()

    for _number, obj, error in read_jsonl(stdin, what="input"):
        pending.append((obj, error))
        if len(pending) >= _CHUNK:
            flush()
    flush()
    return 0


def kb_check(kb: KnowledgeBase, *, with_confusion: bool, out: TextIO) -> int:
    """Print the knowledge base's warnings (the loader already refused it if it had problems)."""
    problems = [*scope_problems(kb.root, kb.languages), *_events_problems(kb)]
    if problems:
        for problem in problems:
            out.write(f"{problem}\n")
        return 1
    warnings = list(kb.warnings)
    if with_confusion:
        warnings.extend(confusions(kb))
    for warning in warnings:
        out.write(f"{warning}\n")
    examples = sum(len(t) for i in kb.intents.values() for t in i.examples.values())
    sys.stderr.write(
        f"knowledge base OK: {len(kb.intents)} intents, {examples} example phrases, "
        f"{len(kb.languages)} languages, {len(warnings)} warnings\n"
    )
    return 0


def _events_problems(kb: KnowledgeBase) -> list:
    """Problems in the events and checklist files, when the events module is installed."""
    try:
        from bot.events import knowledge_problems
    except ImportError:
        return []
    return list(knowledge_problems(kb))


def kb_stats(kb: KnowledgeBase, *, as_json: bool, out: TextIO) -> int:
    """Coverage per language and what is left to review."""
    if as_json:
        out.write(json.dumps(coverage(kb), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(format_coverage(kb) + "\n")
    return 0
