"""The bot's own knowledge base, as the bot runs it: `welcomebot match` without --examples (knowledge/
plus out_of_scope.yaml and places.yaml), on the dev set and the held-out sets (never tuned on), and
the resident memory of a `welcomebot ask` with the matcher cache warm.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.common import REPO_ROOT, Row, _cli_command, load, pct, run_cli

__all__ = ["run"]

DEV = REPO_ROOT.parent / "shared" / "eval" / "jena-dev.jsonl"
HELDOUT = REPO_ROOT / "bench" / "jena-heldout"
#: A question every knowledge base in German answers; what it is matters little for memory.
ASK = "wo melde ich mich an"


def _accuracy(questions: list[dict]) -> tuple[float, float]:
    cli = run_cli(None, questions)
    right = sum(p["intent"] == q.get("intent") for p, q in zip(cli.predictions, questions, strict=True))
    return right / len(questions), cli.peak_mb


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
    if DEV.is_file():
        accuracy, peak = _accuracy(load(DEV))
        rows.append(Row(dataset="jena dev (knowledge/)", metric="accuracy % (oos as class)", ours=pct(accuracy),
                        published="target >= 97", peak_mb=f"{peak:.0f}"))
    held = [q for path in sorted(HELDOUT.glob("*.jsonl")) for q in load(Path(path))]
    if held:
        accuracy, peak = _accuracy(held)
        langs = len(list(HELDOUT.glob("*.jsonl")))
        rows.append(Row(dataset=f"jena held-out ({langs} languages)", metric="accuracy % (oos as class)",
                        ours=pct(accuracy), published="target >= 90", peak_mb=f"{peak:.0f}"))
    rows.append(Row(dataset="jena: welcomebot ask, cache warm", metric="max resident MB",
                    ours=f"{_ask_rss_mb():.0f}", published="target < 200"))
    return rows
