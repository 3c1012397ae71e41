"""Speed: `welcomebot match --examples` on CLINC150 against a plain rapidfuzz scan, same run.

Both are whole processes started from here (interpreter start, loading, building included):
CLINC150's 15,000 training examples, its 5,500 test questions. Ours runs exactly as the target
states it, `welcomebot match --examples train.jsonl` with the test questions on stdin: no
calibration file (the CLINC150 row's run, which also calibrates on val, reports its own time).
A busy machine slows one run by a second or more, so the two take turns `ROUNDS` times and each
side's median counts.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import REPO_ROOT, CliRun, Row, data_dir, load, pct, run_cli

__all__ = ["run"]

#: Turns each side takes, alternating: ours, scan, ours, scan, ...
ROUNDS = 3


def _scan(train: Path, test: Path) -> tuple[float, float, dict]:
    """(seconds, peak MB, result) of one `bench.rapidfuzz_scan` process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.rapidfuzz_scan", str(train), str(test)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
    )
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("rapidfuzz scan failed")
    return seconds, usage.ru_maxrss / 1024, json.loads(out)


def run() -> list[Row]:
    folder = data_dir() / "clinc150"
    train, test_path = folder / "train.jsonl", folder / "test.jsonl"
    test = load(test_path)
    ours: list[CliRun] = []
    scans: list[tuple[float, float, dict]] = []
    for _ in range(ROUNDS):
        ours.append(run_cli(train, test, tree=False))  # timed: no /proc walks beside it
        scans.append(_scan(train, test_path))
    ours_s = statistics.median(run.seconds for run in ours)
    scan_s = statistics.median(seconds for seconds, _, _ in scans)
    pairs = list(zip(ours[0].predictions, test, strict=True))
    in_scope = [p["intent"] == q["intent"] for p, q in pairs if q["intent"]]
    oos = [p["intent"] is None for p, q in pairs if not q["intent"]]
    rounds = ", ".join(f"{a.seconds:.1f}/{b[0]:.1f}" for a, b in zip(ours, scans, strict=True))
    return [
        Row(
            dataset="speed: welcomebot match, clinc150",
            metric="whole process s, median of 3 (in-scope acc / oos recall %)",
            ours=f"{ours_s:.1f} s ({pct(sum(in_scope) / len(in_scope))} / {pct(sum(oos) / len(oos))})",
            published="must beat the rapidfuzz scan below",
            peak_mb=f"{max(run.peak_mb for run in ours):.0f}",
            notes=[
                f"speed: welcomebot match {ours_s:.1f} s vs rapidfuzz scan {scan_s:.1f} s "
                f"({'faster' if ours_s < scan_s else 'SLOWER'}; medians of {ROUNDS} turns each, "
                f"ours/scan per turn: {rounds}; both whole processes, ours builds from the examples "
                "and uses the default cut-off)"
            ],
        ),
        Row(
            dataset="speed: rapidfuzz cdist scan, clinc150",
            metric="whole process s, median of 3 (in-scope acc %)",
            ours=f"{scan_s:.1f} s ({pct(scans[0][2]['in_scope_accuracy'])})",
            published="token_sort_ratio, workers=1",
            peak_mb=f"{max(mb for _, mb, _ in scans):.0f}",
        ),
    ]
