"""HINT3 (Arora et al. 2020): real user queries of three live bots, large out-of-scope share.

No validation split and no calibration: it measures the matcher's DEFAULT cut-off, the way a curator
who never calibrates runs the bot. Accuracy counts out-of-scope as its own class.
"""

from __future__ import annotations

from bench.common import Row, data_dir, latency, load, run_cli

__all__ = ["run"]

SETS = ("sofmattress", "curekart", "powerplay11")
#: Authors' results on v1 data (accuracy, out-of-scope as a class).
PUBLISHED = {
    "sofmattress": "BERT 0.690, Dialogflow 0.713",
    "curekart": "BERT 0.651",
    "powerplay11": "BERT 0.665",
}


def run() -> list[Row]:
    folder = data_dir() / "hint3"
    rows = []
    for name in SETS:
        train = folder / f"{name}.train.jsonl"
        test = load(folder / f"{name}.test.jsonl")
        cli = run_cli(train, test)
        right = sum(p["intent"] == q["intent"] for p, q in zip(cli.predictions, test, strict=False))
        in_scope = [(p["intent"] == q["intent"]) for p, q in zip(cli.predictions, test, strict=False) if q["intent"]]
        oos = [(p["intent"] is None) for p, q in zip(cli.predictions, test, strict=False) if not q["intent"]]
        speed = latency(train, [q["text"] for q in test])
        rows.append(
            Row(
                dataset=f"hint3 {name} (default cut-off)",
                metric="accuracy (oos as class)",
                ours=f"{right / len(test):.3f}",
                published=PUBLISHED[name],
                build_s=f"{speed.build_s:.2f}",
                median_ms=f"{speed.median_ms:.2f}",
                p99_ms=f"{speed.p99_ms:.2f}",
                peak_mb=f"{cli.peak_mb:.0f}",
                notes=[
                    f"{name}: in-scope {sum(in_scope) / len(in_scope):.3f}, "
                    f"oos recall {sum(oos) / len(oos):.3f}"
                ],
            )
        )
    return rows
