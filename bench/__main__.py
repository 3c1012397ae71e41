"""`python -m bench [NAME ...]`: run the benchmarks and print one table.

Every accuracy figure comes from `welcomebot match` processes (see bench/common.py); test files are
only scored, never used to choose anything.
"""

from __future__ import annotations

import importlib
import sys
import time

from bench.common import Row

BENCHMARKS = ("clinc150", "hint3", "xsid", "arbanking77", "banking77", "jena", "typos", "speed", "telegram_burst")
COLUMNS = (
    ("data set", "dataset"),
    ("metric", "metric"),
    ("ours", "ours"),
    ("published / reference", "published"),
    ("build s", "build_s"),
    ("median ms", "median_ms"),
    ("p99 ms", "p99_ms"),
    ("peak MB", "peak_mb"),
)


def table(rows: list[Row]) -> str:
    header = "| " + " | ".join(title for title, _ in COLUMNS) + " |"
    rule = "|" + "|".join("---" for _ in COLUMNS) + "|"
    lines = [header, rule]
    for row in rows:
        lines.append("| " + " | ".join(str(getattr(row, attr)) for _, attr in COLUMNS) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    rows: list[Row] = []
    started = time.perf_counter()
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        began = time.perf_counter()
        rows.extend(module.run())
        print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    print(table(rows))
    notes = [note for row in rows for note in row.notes]
    if notes:
        print()
        for note in notes:
            print(f"- {note}")
    print(
        "\nbuild s, median/p99 ms: in-process Matcher.build and one Matcher.match call at a time; "
        "peak MB: the welcomebot match process's maximum resident memory. "
        f"Total {time.perf_counter() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
