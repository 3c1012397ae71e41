"""ArBanking77 (SinaLab): 77 banking intents in Arabic, MSA test and dialect tests.

No out of scope: the cut-off is calibrated on the val file (never on a test file)."""

from __future__ import annotations

from sklearn.metrics import f1_score

from bench.common import Row, data_dir, latency, load, pct, run_cli

__all__ = ["run"]

TESTS = (("test", "MSA", "AraBERT F1 92"), ("test-palestinian", "Palestinian", "AraBERT F1 90"))


def run() -> list[Row]:
    folder = data_dir() / "arbanking77"
    train = folder / "train.jsonl"
    rows = []
    for stem, label, published in TESTS:
        test = load(folder / f"{stem}.jsonl")
        cli = run_cli(train, test, calibrate=folder / "val.jsonl")
        gold = [q["intent"] for q in test]
        predicted = [p["intent"] or "" for p in cli.predictions]
        accuracy = sum(g == p for g, p in zip(gold, predicted, strict=False)) / len(test)
        macro_f1 = f1_score(gold, predicted, average="macro", labels=sorted(set(gold)))
        speed = latency(train, [q["text"] for q in test]) if stem == "test" else None
        rows.append(
            Row(
                dataset=f"arbanking77 {label} test",
                metric="accuracy % (macro F1 %)",
                ours=f"{pct(accuracy)} ({pct(macro_f1)})",
                published=published,
                build_s=f"{speed.build_s:.1f}" if speed else "",
                median_ms=f"{speed.median_ms:.2f}" if speed else "",
                p99_ms=f"{speed.p99_ms:.2f}" if speed else "",
                peak_mb=f"{cli.peak_mb:.0f}",
            )
        )
    return rows
