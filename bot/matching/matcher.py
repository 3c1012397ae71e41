"""Intent matcher: a linear classifier and nearest-example similarity over shared n-gram features.

Two signals, each in [0, 1], are blended per intent:
- a linear SVM (one-vs-rest, class-balanced) on the stacked character and word TF-IDF features: it
  learns which n-grams tell intents apart, and its margin is squashed into [0, 1] with a logistic;
- the cosine similarity to the nearest example phrase of each intent: it keeps a single, oddly
  worded example useful and says how close the text is to anything the curators wrote.
The blend is what `MatchResult.score` reports; below `threshold` the text is out of scope.
Because both parts are bounded and do not depend on the number of intents, one default threshold
works for knowledge bases of different sizes; `calibrate` picks a better one from labelled data.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC

from bot.matching.features import FeatureSpace
from bot.matching.types import Candidate, Example, MatchResult
from bot.textnorm import normalise

__all__ = ["DEFAULT_THRESHOLD", "Matcher"]

#: Out-of-scope cut-off used when none is given or calibrated: chosen on HINT3 *train* data with a
#: third of the intents held out as out of scope (calibrated cut-offs there were 0.45-0.66).
DEFAULT_THRESHOLD = 0.55
#: Weight of the classifier in the blended score; the nearest-example similarity gets the rest.
CLASSIFIER_WEIGHT = 0.7
#: Slope of the logistic that maps the SVM margin (about -1 .. +1) into [0, 1].
MARGIN_SLOPE = 2.0
#: SVM regularisation (tuned on CLINC150 val: 0.3 and 0.5 lose about one point of accuracy).
SVM_C = 1.0
#: liblinear passes over the data per intent; more change nothing measurable on validation data.
SVM_MAX_ITER = 20
#: Threads training groups of intents in parallel (one per core, at most this many).
TRAINING_THREADS = 2
#: Classifier weights smaller than this are dropped: the dense weight matrix of a large knowledge
#: base would dominate the process's memory, and tiny weights do not change a decision.
WEIGHT_EPSILON = 1e-3
#: How many runners-up a result carries.
MAX_ALTERNATIVES = 3


#: How many intents, ranked by the classifier, are compared example by example.
NEAREST_CANDIDATES = 8


@dataclass(frozen=True)
class _Scored:
    """Per-intent scores of one text, and the example that came closest for the top intents."""

    scores: np.ndarray  # blended score per intent
    nearest: dict[int, int]  # intent index -> nearest example index (for the compared intents)


def _gather(matrix: sp.csr_matrix, rows: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """sum_k weights[k] * matrix[rows[k]], dense, without scipy's per-call overhead."""
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(size, dtype=np.float64)
    positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    values = matrix.data[positions] * np.repeat(weights, lengths)
    return np.bincount(matrix.indices[positions], weights=values, minlength=size)


class Matcher:
    """Matches a question to the intent of the example phrases it resembles most."""

    def __init__(
        self,
        *,
        features: FeatureSpace,
        intents: Sequence[str],
        intent_rows: np.ndarray,
        example_lang: Sequence[str | None],
        weights: sp.csr_matrix | None,
        bias: np.ndarray | None,
        threshold: float,
    ) -> None:
        self._features = features
        self._intents = tuple(intents)
        self._intent_rows = intent_rows  # examples of intent i are rows intent_rows[i]:intent_rows[i+1]
        self._example_lang = tuple(example_lang)
        self._weights = weights
        self._bias = bias
        self.threshold = float(threshold)

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def build(cls, examples: Iterable[Example], *, threshold: float | None = None) -> Matcher:
        """Learn from example phrases. Duplicates (same text and intent after folding) count once."""
        seen: dict[tuple[str, str], str | None] = {}
        for example in examples:
            key = (example.intent, normalise(example.text))
            if key[1] and key not in seen:
                seen[key] = example.lang
        if not seen:
            raise ValueError("a matcher needs at least one example phrase")
        keys = sorted(seen)  # grouped by intent: each intent's examples are consecutive rows
        texts = [text for _, text in keys]
        intents = sorted({intent for intent, _ in keys})
        index = {intent: i for i, intent in enumerate(intents)}
        labels = np.fromiter((index[intent] for intent, _ in keys), dtype=np.int32, count=len(keys))
        intent_rows = np.searchsorted(labels, np.arange(len(intents) + 1)).astype(np.int64)
        features = FeatureSpace(texts)
        weights, bias = _train_classifier(features.matrix, labels, len(intents))
        return cls(
            features=features,
            intents=intents,
            intent_rows=intent_rows,
            example_lang=[seen[key] for key in keys],
            weights=weights,
            bias=bias,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        )

    # -- matching -------------------------------------------------------------------------------

    @property
    def intents(self) -> tuple[str, ...]:
        return self._intents

    def _score(self, folded: str) -> _Scored:
        """Blended per-intent scores of one normalised text."""
        n_intents = len(self._intents)
        indices, values = self._features.vector(folded)
        if self._weights is not None:
            margins = _gather(self._weights, indices, values, n_intents) + self._bias
            classifier = 1.0 / (1.0 + np.exp(-MARGIN_SLOPE * margins))
        else:
            classifier = np.ones(n_intents)
        count = min(NEAREST_CANDIDATES, n_intents)
        if count < n_intents:
            candidates = np.argpartition(-classifier, count - 1)[:count]
        else:
            candidates = np.arange(n_intents)
        query = np.zeros(self._features.size, dtype=np.float64)
        query[indices] = values
        matrix = self._features.matrix
        starts, ends = self._intent_rows[candidates], self._intent_rows[candidates + 1]
        rows = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=False)])
        row_starts = matrix.indptr[rows]
        lengths = matrix.indptr[rows + 1] - row_starts
        total = int(lengths.sum())
        positions = np.repeat(row_starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        products = matrix.data[positions] * query[matrix.indices[positions]]
        cosines = np.bincount(np.repeat(np.arange(len(rows)), lengths), weights=products,
                              minlength=len(rows))
        nearest_sim = np.zeros(n_intents, dtype=np.float64)
        nearest: dict[int, int] = {}
        offset = 0
        for intent, size in zip(candidates.tolist(), (ends - starts).tolist(), strict=False):
            if size:
                best = int(np.argmax(cosines[offset : offset + size]))
                nearest_sim[intent] = cosines[offset + best]
                nearest[intent] = int(rows[offset + best])
            offset += size
        blended = CLASSIFIER_WEIGHT * classifier + (1.0 - CLASSIFIER_WEIGHT) * np.clip(
            nearest_sim, 0.0, 1.0
        )
        return _Scored(scores=blended, nearest=nearest)

    def _result(self, scored: _Scored) -> MatchResult:
        scores = scored.scores
        top = min(MAX_ALTERNATIVES + 1, len(scores))
        best = np.argpartition(-scores, top - 1)[:top] if top < len(scores) else np.arange(top)
        best = best[np.argsort(-scores[best], kind="stable")]
        first = int(best[0])
        score = float(np.clip(scores[first], 0.0, 1.0))
        nearest = scored.nearest.get(first)
        lang = self._example_lang[nearest] if nearest is not None else None
        alternatives = tuple(
            Candidate(self._intents[i], float(np.clip(scores[i], 0.0, 1.0))) for i in best[1:]
        )
        intent = self._intents[first] if score >= self.threshold else None
        return MatchResult(intent=intent, score=score, alternatives=alternatives, lang=lang)

    def match(self, text: str, *, lang: str | None = None) -> MatchResult:
        """The best intent for `text`, or None when nothing is close enough.

        `lang` is accepted for the interface; the matcher compares across languages on purpose
        (people mix German words into their own language), so it does not filter by it.
        """
        folded = normalise(text)
        if not folded:
            return MatchResult(intent=None, score=0.0)
        return self._result(self._score(folded))

    def match_many(self, texts: Sequence[str]) -> list[MatchResult]:
        """`match` for each text (for batch commands and benchmarks)."""
        return [self.match(text) for text in texts]

    # -- out of scope ---------------------------------------------------------------------------

    def calibrate(self, labelled: Iterable[tuple[str, str | None]]) -> float:
        """Choose the cut-off that gets the most labelled questions right, set and return it.

        A question counts as right when it is matched to its intent above the cut-off, or, when its
        label is None (out of scope), when its score is below the cut-off. Among equally good
        cut-offs the lowest wins; it sits halfway between two questions' scores, not on one.
        """
        pairs = list(labelled)
        if not pairs:
            return self.threshold
        folded = [normalise(text) for text, _ in pairs]
        scored = [self._score(f) for f in folded]
        best = [self._intents[int(np.argmax(s.scores))] for s in scored]
        self.threshold = choose_threshold(
            scores=[float(np.max(s.scores)) if f else 0.0 for s, f in zip(scored, folded, strict=True)],
            correct=[b == label for b, (_, label) in zip(best, pairs, strict=True)],
            in_scope=[label is not None for _, label in pairs],
        )
        return self.threshold


def choose_threshold(
    *, scores: Sequence[float], correct: Sequence[bool], in_scope: Sequence[bool]
) -> float:
    """The cut-off maximising accuracy, counting out-of-scope as its own class."""
    score = np.asarray(scores, dtype=np.float64)
    right_if_kept = np.asarray(correct, dtype=bool) & np.asarray(in_scope, dtype=bool)
    right_if_cut = ~np.asarray(in_scope, dtype=bool)
    order = np.argsort(score)
    score, right_if_kept, right_if_cut = score[order], right_if_kept[order], right_if_cut[order]
    # Cut-off between position k-1 and k: the first k are cut, the rest kept.
    cut_right = np.concatenate([[0], np.cumsum(right_if_cut)])
    kept_right = np.concatenate([np.cumsum(right_if_kept[::-1])[::-1], [0]])
    total = cut_right + kept_right
    best_positions = np.flatnonzero(total == total.max())
    k = int(best_positions[0])  # equal accuracy: the lower cut-off answers more people
    edges = np.concatenate([[0.0], score, [1.0]])
    low, high = edges[k], edges[k + 1]
    if k == 0:
        return float(max(0.0, score[0] - 1e-6)) if len(score) else 0.0
    return float((low + high) / 2.0)


def _train_classifier(
    matrix: sp.csr_matrix, labels: np.ndarray, n_intents: int
) -> tuple[sp.csr_matrix | None, np.ndarray | None]:
    """A one-vs-rest linear SVM, as a sparse feature x intent weight matrix and a bias per intent.

    One-vs-rest problems are independent, so the intents are split into groups trained in threads
    (liblinear releases the GIL): each group's SVM sees the other groups' examples as one "rest"
    label, which leaves every intent's own binary problem exactly as in a single SVM.
    """
    if n_intents < 2:
        return None, None
    groups = max(1, min(TRAINING_THREADS, os.cpu_count() or 1, n_intents // 2))
    members = [np.arange(g, n_intents, groups) for g in range(groups)]
    with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=groups) as pool:
        # a few iterations short of liblinear's tolerance changes nothing measurable
        warnings.simplefilter("ignore", ConvergenceWarning)
        parts = list(pool.map(lambda ids: _train_group(matrix, labels, ids), members))
    coef = np.zeros((n_intents, matrix.shape[1]), dtype=np.float32)
    bias = np.zeros(n_intents, dtype=np.float64)
    for ids, (group_coef, group_bias) in zip(members, parts, strict=True):
        coef[ids], bias[ids] = group_coef, group_bias
    coef[np.abs(coef) < WEIGHT_EPSILON] = 0.0
    return sp.csr_matrix(coef.T), bias


def _train_group(
    matrix: sp.csr_matrix, labels: np.ndarray, ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weights and biases of the intents `ids`, each against every other example."""
    rest = -1
    group_labels = np.where(np.isin(labels, ids), labels, rest)
    svm = LinearSVC(C=SVM_C, class_weight="balanced", max_iter=SVM_MAX_ITER)
    svm.fit(matrix, group_labels)
    coef = svm.coef_.astype(np.float32)
    bias = svm.intercept_.astype(np.float64)
    if len(svm.classes_) == 2:  # binary: one weight vector for classes_[1]; classes_[0] mirrors it
        coef = np.vstack([-coef, coef])
        bias = np.concatenate([-bias, bias])
    position = {label: i for i, label in enumerate(svm.classes_.tolist())}
    rows = [position[i] for i in ids.tolist()]
    return coef[rows], bias[rows]
