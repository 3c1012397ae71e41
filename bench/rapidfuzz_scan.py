"""The plain baseline: nearest example by rapidfuzz `process.cdist` (token_sort_ratio, one worker).

Run as its own process (`python -m bench.rapidfuzz_scan TRAIN TEST`) so its time includes process
start, like `welcomebot match`. Prints one JSON object: in-scope accuracy of the nearest example.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

__all__ = ["scan"]


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def scan(train: Path, test: Path) -> dict[str, float]:
    examples = [row for row in _load(train) if row["intent"]]
    questions = _load(test)
    scores = process.cdist(
        [q["text"] for q in questions],
        [e["text"] for e in examples],
        scorer=fuzz.token_sort_ratio,
        processor=utils.default_process,
        workers=1,
        dtype=np.uint8,
    )
    nearest = scores.argmax(axis=1)
    in_scope = [(examples[n]["intent"] == q["intent"]) for n, q in zip(nearest, questions, strict=False) if q["intent"]]
    return {"in_scope_accuracy": sum(in_scope) / max(1, len(in_scope))}


if __name__ == "__main__":
    print(json.dumps(scan(Path(sys.argv[1]), Path(sys.argv[2]))))
