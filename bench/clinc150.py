"""CLINC150 (Larson et al. 2019): 150 intents, English; cut-off chosen on val, reported on test."""

from __future__ import annotations

from bench.common import Row, data_dir, latency, load, pct, run_cli

__all__ = ["run"]

#: Larson et al., EMNLP 2019, Table 2 (full data): in-scope accuracy / out-of-scope recall, %.
PUBLISHED = "BERT 96.2/52.3, USE-MLP 93.4/49.1, Rasa 90.9/31.2, Dialogflow 90.8/26.7, TF-IDF+LR 92.4/43.4"


def run() -> list[Row]:
    folder = data_dir() / "clinc150"
    test = load(folder / "test.jsonl")
    cli = run_cli(folder / "train.jsonl", test, calibrate=folder / "val.jsonl")
    in_scope = [(p["intent"] == q["intent"]) for p, q in zip(cli.predictions, test, strict=False) if q["intent"]]
    oos = [(p["intent"] is None) for p, q in zip(cli.predictions, test, strict=False) if not q["intent"]]
    speed = latency(folder / "train.jsonl", [q["text"] for q in test])
    return [
        Row(
            dataset="clinc150 test (cut-off on val)",
            metric="in-scope acc / oos recall %",
            ours=f"{pct(sum(in_scope) / len(in_scope))} / {pct(sum(oos) / len(oos))}",
            published=PUBLISHED,
            build_s=f"{speed.build_s:.1f}",
            median_ms=f"{speed.median_ms:.2f}",
            p99_ms=f"{speed.p99_ms:.2f}",
            peak_mb=f"{cli.peak_mb:.0f}",
            notes=[
                f"CLI run {cli.seconds:.1f} s (15,000 examples, 3,100 to calibrate, 5,500 questions); "
                f"peak {cli.peak_mb:.0f} MB the command, {cli.tree_mb:.0f} MB with its training processes (PSS)"
            ],
        )
    ]
