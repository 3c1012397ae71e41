"""The Jena knowledge base itself: the dev set and the project's held-out questions, per language.

Measured as acceptance measures it: `welcomebot match` on the bundled knowledge base, given the text
alone (no language hint). The dev set lives in ../shared/eval (tuned on while the base was written);
bench/jena-heldout holds questions written afterwards and never tuned on.
Run alone: `.venv/bin/python -m bench.jena` prints the per-language table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.common import REPO_ROOT, Row, load

__all__ = ["evaluate", "run"]

DEV_SET = REPO_ROOT.parent / "shared" / "eval" / "jena-dev.jsonl"
HELDOUT_DIR = REPO_ROOT / "bench" / "jena-heldout"
TARGETS = "dev >= 90% overall, >= 85% per language; hidden set >= 85% / 75%"


def _match(questions: list[dict]) -> list[dict]:
    script = Path(sys.executable).with_name("welcomebot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    stdin = "".join(json.dumps({"text": q["text"]}, ensure_ascii=False) + "\n" for q in questions)
    done = subprocess.run([*command, "match"], input=stdin, capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def evaluate(questions: list[dict]) -> tuple[float, dict[str, float], list[tuple[dict, dict]]]:
    """Overall accuracy, accuracy per language, and the misses."""
    predictions = _match(questions)
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    misses = []
    for question, prediction in zip(questions, predictions, strict=True):
        total[question["lang"]] += 1
        if prediction["intent"] == question["intent"]:
            right[question["lang"]] += 1
        else:
            misses.append((question, prediction))
    overall = sum(right.values()) / max(1, sum(total.values()))
    return overall, {lang: right[lang] / total[lang] for lang in total}, misses


def _sets() -> list[tuple[str, list[dict]]]:
    sets = []
    if DEV_SET.is_file():
        sets.append(("jena dev set", load(DEV_SET)))
    heldout = [q for path in sorted(HELDOUT_DIR.glob("*.jsonl")) for q in load(path)]
    if heldout:
        sets.append(("jena held-out", heldout))
    return sets


def run() -> list[Row]:
    rows = []
    for name, questions in _sets():
        overall, per_lang, _misses = evaluate(questions)
        languages = ", ".join(f"{lang} {100 * acc:.1f}" for lang, acc in sorted(per_lang.items()))
        rows.append(
            Row(
                dataset=f"{name} ({len(questions)} q., text only)",
                metric="accuracy (null = out of scope)",
                ours=f"{100 * overall:.1f}",
                published=TARGETS,
                notes=[f"{name} per language: {languages}"],
            )
        )
    return rows


def main() -> int:
    for name, questions in _sets():
        overall, per_lang, misses = evaluate(questions)
        print(f"{name}: {len(questions)} questions, {100 * overall:.1f}% right")
        print("| lang | " + " | ".join(sorted(per_lang)) + " |")
        print("|---|" + "---|" * len(per_lang))
        print("| % | " + " | ".join(f"{100 * per_lang[lang]:.1f}" for lang in sorted(per_lang)) + " |")
        if "-v" in sys.argv:
            for question, prediction in misses:
                guess, score = prediction["intent"], prediction["score"]
                print(f"  {question['lang']} {question['intent']} -> {guess} ({score}): {question['text']}")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
