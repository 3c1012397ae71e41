"""xSID (van der Goot et al. 2021): the same sentences in many languages, 16 intents.

Each language's train file (300) is the example set; its test file (500) is scored. No out of scope,
so the cut-off is calibrated on the train file (`--calibrate`): with no out-of-scope label it goes to
the bottom and every question is answered. The test files are only scored.
"""

from __future__ import annotations

import statistics

from bench.common import Row, data_dir, latency, load, pct, run_cli

__all__ = ["run"]

#: The languages the targets name, then a few more scripts and dialects.
LANGUAGES = ("en", "de", "ar", "tr", "zh", "it", "ja", "de-st", "kk")
TARGETED = ("en", "de", "ar", "tr", "zh")
#: Measured by the project on this kind of machine (see the data README), accuracy %.
REFERENCE = {
    "en": "rapidfuzz 84.4, TF-IDF+LR 91.0",
    "de": "rapidfuzz 85.0, TF-IDF+LR 92.0",
    "ar": "rapidfuzz 78.0, TF-IDF+LR 86.6",
    "tr": "rapidfuzz 86.0, TF-IDF+LR 92.6",
    "zh": "rapidfuzz 83.8, TF-IDF+LR 89.2",
    "it": "rapidfuzz 86.6",
    "ja": "rapidfuzz 90.4",
}


def run() -> list[Row]:
    folder = data_dir() / "xsid"
    rows = []
    scores = {}
    for lang in LANGUAGES:
        train = folder / f"{lang}.train.jsonl"
        test = load(folder / f"{lang}.test.jsonl")
        cli = run_cli(train, test, calibrate=train)
        accuracy = sum(p["intent"] == q["intent"] for p, q in zip(cli.predictions, test, strict=False)) / len(test)
        scores[lang] = accuracy
        speed = latency(train, [q["text"] for q in test])
        rows.append(
            Row(
                dataset=f"xsid {lang} test",
                metric="accuracy %",
                ours=pct(accuracy),
                published=REFERENCE.get(lang, ""),
                build_s=f"{speed.build_s:.2f}",
                median_ms=f"{speed.median_ms:.2f}",
                p99_ms=f"{speed.p99_ms:.2f}",
                peak_mb=f"{cli.peak_mb:.0f}",
            )
        )
    targeted = [scores[lang] for lang in TARGETED]
    rows.append(
        Row(
            dataset="xsid " + " ".join(TARGETED),
            metric="mean / lowest %",
            ours=f"{pct(statistics.mean(targeted))} / {pct(min(targeted))}",
            published="TF-IDF+LR 90.3 / 86.6",
        )
    )
    return rows
