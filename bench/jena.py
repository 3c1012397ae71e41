"""The bot's own knowledge base, as the bot runs it: `welcomebot match` without --examples (knowledge/
plus out_of_scope.yaml and places.yaml), on the dev set and the held-out sets (never tuned on), and
the resident memory of a `welcomebot ask` with the matcher cache warm. Questions go in as text alone,
with no language hint, as acceptance measures them. `python -m bench.jena` prints the per-language
table (add -v for the misses).
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.common import REPO_ROOT, Row, _cli_command, load, pct, run_cli

__all__ = ["evaluate", "question_sets", "run"]

DEV = REPO_ROOT.parent / "shared" / "eval" / "jena-dev.jsonl"
HELDOUT = REPO_ROOT / "bench" / "jena-heldout"
DEV_SET, HELDOUT_SET = "dev set", "held-out set"
#: A question every knowledge base in German answers; what it is matters little for memory.
ASK = "wo melde ich mich an"


def evaluate(questions: list[dict]) -> tuple[float, dict[str, float], list[tuple[dict, dict]], float]:
    """Overall accuracy, accuracy per language, the misses, and the process's peak memory."""
    cli = run_cli(None, [{"text": q["text"]} for q in questions])
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    misses = []
    for question, prediction in zip(questions, cli.predictions, strict=True):
        total[question["lang"]] += 1
        if prediction["intent"] == question.get("intent"):
            right[question["lang"]] += 1
        else:
            misses.append((question, prediction))
    per_lang = {lang: right[lang] / total[lang] for lang in sorted(total)}
    return sum(right.values()) / len(questions), per_lang, misses, cli.peak_mb


def _ask_rss_mb() -> float:
    """Peak resident memory of `welcomebot ask`, second run (the first fills the matcher cache)."""
    peak = 0.0
    for _ in range(2):
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *_cli_command(), "ask", ASK],
            cwd=REPO_ROOT, capture_output=True, text=True, check=True,
        )
        peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    return peak


def run() -> list[Row]:
    rows = []
    langs = len(list(HELDOUT.glob("*.jsonl")))
    labels = {DEV_SET: ("jena dev (knowledge/)", "target >= 97"),
              HELDOUT_SET: (f"jena held-out ({langs} languages)", "target >= 90")}
    for name, questions in question_sets():
        accuracy, _per_lang, _misses, peak = evaluate(questions)
        dataset, target = labels[name]
        rows.append(Row(dataset=dataset, metric="accuracy % (oos as class)", ours=pct(accuracy),
                        published=target, peak_mb=f"{peak:.0f}"))
    rows.append(Row(dataset="jena: welcomebot ask, cache warm", metric="max resident MB",
                    ours=f"{_ask_rss_mb():.0f}", published="target < 200"))
    return rows


def question_sets() -> list[tuple[str, list[dict]]]:
    """(name, questions) of the dev set (when ../shared is there) and the held-out set."""
    sets = [(DEV_SET, load(DEV))] if DEV.is_file() else []
    held = [q for path in sorted(HELDOUT.glob("*.jsonl")) for q in load(Path(path))]
    return [*sets, (HELDOUT_SET, held)] if held else sets


def main(argv: list[str]) -> int:
    """Per-language tables of the dev and held-out sets (the knowledge base's closing-note table)."""
    for name, questions in question_sets():
        overall, per_lang, misses, _peak = evaluate(questions)
        print(f"{name}: {len(questions)} questions, {100 * overall:.1f}% right (text alone)")
        print("| " + " | ".join(["lang", *per_lang]) + " |")
        print("|" + "---|" * (len(per_lang) + 1))
        print("| % | " + " | ".join(f"{100 * acc:.1f}" for acc in per_lang.values()) + " |")
        if "-v" in argv:
            for question, prediction in misses:
                guess, score = prediction["intent"], prediction["score"]
                print(f"  {question['lang']} {question.get('intent')} -> {guess} ({score}): {question['text']}")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
