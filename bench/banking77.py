"""BANKING77 (Casanueva et al. 2020): 77 fine-grained banking intents, English, no out of scope."""

from __future__ import annotations

from bench.common import Row, data_dir, latency, load, pct, run_cli

__all__ = ["run"]


def run() -> list[Row]:
    folder = data_dir() / "banking77"
    train = folder / "train.jsonl"
    test = load(folder / "test.jsonl")
    cli = run_cli(train, test, calibrate=train)  # no out of scope: calibrated to answer everything
    accuracy = sum(p["intent"] == q["intent"] for p, q in zip(cli.predictions, test, strict=False)) / len(test)
    speed = latency(train, [q["text"] for q in test])
    return [
        Row(
            dataset="banking77 test",
            metric="accuracy %",
            ours=pct(accuracy),
            published="",
            build_s=f"{speed.build_s:.1f}",
            median_ms=f"{speed.median_ms:.2f}",
            p99_ms=f"{speed.p99_ms:.2f}",
            peak_mb=f"{cli.peak_mb:.0f}",
        )
    ]
