"""Speed: `welcomebot match --examples` on CLINC150 against a plain rapidfuzz scan, same run.

Both are whole processes started from here (interpreter start, loading, building included):
CLINC150's 15,000 training examples, its 5,500 test questions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench.common import REPO_ROOT, Row, data_dir, load, pct, run_cli

__all__ = ["run"]


def run() -> list[Row]:
    folder = data_dir() / "clinc150"
    train, test_path = folder / "train.jsonl", folder / "test.jsonl"
    test = load(test_path)
    ours = run_cli(train, test, calibrate=folder / "val.jsonl")
    in_scope = [(p["intent"] == q["intent"]) for p, q in zip(ours.predictions, test, strict=False) if q["intent"]]

    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.rapidfuzz_scan", str(train), str(test_path)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
    )
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    baseline_s = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("rapidfuzz scan failed")
    baseline = json.loads(out)
    return [
        Row(
            dataset="speed: welcomebot match, clinc150",
            metric="whole process s (in-scope acc %)",
            ours=f"{ours.seconds:.1f} s ({pct(sum(in_scope) / len(in_scope))})",
            published="must beat the rapidfuzz scan below",
            peak_mb=f"{ours.peak_mb:.0f}",
            notes=[
                f"speed: welcomebot match {ours.seconds:.1f} s vs rapidfuzz scan {baseline_s:.1f} s "
                f"({'faster' if ours.seconds < baseline_s else 'SLOWER'}; both whole processes, same run, "
                "build + calibration on val included in ours)"
            ],
        ),
        Row(
            dataset="speed: rapidfuzz cdist scan, clinc150",
            metric="whole process s (in-scope acc %)",
            ours=f"{baseline_s:.1f} s ({pct(baseline['in_scope_accuracy'])})",
            published="token_sort_ratio, workers=1",
            peak_mb=f"{usage.ru_maxrss / 1024:.0f}",
        ),
    ]
