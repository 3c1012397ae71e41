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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from bot.matching.features import FeatureSpace
from bot.matching.types import Candidate, Example, MatchResult
from bot.textnorm import normalise

__all__ = ["DEFAULT_THRESHOLD", "Matcher"]

#: Out-of-scope cut-off used when none is given or calibrated (chosen on benchmark train/val data).
DEFAULT_THRESHOLD = 0.45
#: Weight of the classifier in the blended score; the nearest-example similarity gets the rest.
CLASSIFIER_WEIGHT = 0.6
#: Slope of the logistic that maps the SVM margin (about -1 .. +1) into [0, 1].
MARGIN_SLOPE = 4.0
#: SVM regularisation (tuned on CLINC150 and xSID validation data).
SVM_C = 0.5
#: Classifier weights smaller than this are dropped: the dense weight matrix of a large knowledge
#: base would dominate the process's memory, and tiny weights do not change a decision.
WEIGHT_EPSILON = 1e-3
#: How many runners-up a result carries.
MAX_ALTERNATIVES = 3


@dataclass(frozen=True)
class _Scored:
    """Per-intent scores of one text, and the example that came closest for each intent."""

    scores: np.ndarray  # blended score per intent
    nearest: np.ndarray  # index of the nearest example per intent, -1 when none shares a feature


class Matcher:
    """Matches a question to the intent of the example phrases it resembles most."""

    def __init__(
        self,
        *,
        features: FeatureSpace,
        intents: Sequence[str],
        example_intent: np.ndarray,
        example_lang: Sequence[str | None],
        weights: sp.csr_matrix | None,
        bias: np.ndarray | None,
        threshold: float,
    ) -> None:
        self._features = features
        self._intents = tuple(intents)
        self._example_intent = example_intent
        self._example_lang = tuple(example_lang)
        self._examples_t = features.matrix.T.tocsr()  # feature -> examples (an inverted index)
        self._weights = weights
        self._bias = bias
        self.threshold = float(threshold)

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def build(cls, examples: Iterable[Example], *, threshold: float | None = None) -> Matcher:
        """Learn from example phrases. Duplicates (same text and intent after folding) count once."""
        seen: dict[tuple[str, str], str | None] = {}
        for example in examples:
            key = (normalise(example.text), example.intent)
            if key[0] and key not in seen:
                seen[key] = example.lang
        if not seen:
            raise ValueError("a matcher needs at least one example phrase")
        texts = [text for text, _ in seen]
        labels = [intent for _, intent in seen]
        intents = sorted(set(labels))
        index = {intent: i for i, intent in enumerate(intents)}
        example_intent = np.fromiter((index[x] for x in labels), dtype=np.int32, count=len(labels))
        features = FeatureSpace(texts)
        weights, bias = _train_classifier(features.matrix, example_intent, len(intents))
        return cls(
            features=features,
            intents=intents,
            example_intent=example_intent,
            example_lang=list(seen.values()),
            weights=weights,
            bias=bias,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        )

    # -- matching -------------------------------------------------------------------------------

    @property
    def intents(self) -> tuple[str, ...]:
        return self._intents

    def _score(self, vectors: sp.csr_matrix) -> list[_Scored]:
        """Blended per-intent scores of already vectorised texts (one row each)."""
        n_intents = len(self._intents)
        similarities = (vectors @ self._examples_t).tocsr()
        if self._weights is not None:
            margins = np.asarray((vectors @ self._weights).todense()) + self._bias
            classifier = 1.0 / (1.0 + np.exp(-MARGIN_SLOPE * margins))
        else:
            classifier = np.ones((vectors.shape[0], n_intents))
        results = []
        for row in range(vectors.shape[0]):
            start, end = similarities.indptr[row], similarities.indptr[row + 1]
            columns = similarities.indices[start:end]
            values = similarities.data[start:end]
            nearest_sim = np.zeros(n_intents, dtype=np.float64)
            nearest = np.full(n_intents, -1, dtype=np.int64)
            order = np.argsort(values, kind="stable")  # ascending: the last write per intent wins
            owners = self._example_intent[columns[order]]
            nearest[owners] = columns[order]
            nearest_sim[owners] = values[order]
            blended = CLASSIFIER_WEIGHT * classifier[row] + (1.0 - CLASSIFIER_WEIGHT) * np.clip(
                nearest_sim, 0.0, 1.0
            )
            results.append(_Scored(scores=blended, nearest=nearest))
        return results

    def _result(self, scored: _Scored) -> MatchResult:
        scores = scored.scores
        top = min(MAX_ALTERNATIVES + 1, len(scores))
        best = np.argpartition(-scores, top - 1)[:top] if top < len(scores) else np.arange(top)
        best = best[np.argsort(-scores[best], kind="stable")]
        first = int(best[0])
        score = float(np.clip(scores[first], 0.0, 1.0))
        nearest = scored.nearest[first]
        lang = self._example_lang[nearest] if nearest >= 0 else None
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
        return self._result(self._score(self._features.transform([folded]))[0])

    def match_many(self, texts: Sequence[str]) -> list[MatchResult]:
        """`match` for many texts at once (vectorised: for batch commands and benchmarks)."""
        folded = [normalise(text) for text in texts]
        scored = self._score(self._features.transform(folded))
        return [
            self._result(s) if f else MatchResult(intent=None, score=0.0)
            for s, f in zip(scored, folded, strict=True)
        ]

    # -- out of scope ---------------------------------------------------------------------------

    def calibrate(self, labelled: Iterable[tuple[str, str | None]]) -> float:
        """Choose the cut-off that gets the most labelled questions right, set and return it.

        A question counts as right when it is matched to its intent above the cut-off, or, when its
        label is None (out of scope), when its score is below the cut-off. Ties go to the middle of
        the best range of cut-offs, so the choice does not sit on the edge of one question's score.
        """
        pairs = list(labelled)
        if not pairs:
            return self.threshold
        folded = [normalise(text) for text, _ in pairs]
        scored = self._score(self._features.transform(folded))
        best = [self._intents[int(np.argmax(s.scores))] for s in scored]
        self.threshold = choose_threshold(
            scores=[float(np.max(s.scores)) if f else 0.0 for s, f in zip(scored, folded)],
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
    k = int(best_positions[len(best_positions) // 2])
    edges = np.concatenate([[0.0], score, [1.0]])
    low, high = edges[k], edges[k + 1]
    if k == 0:
        return float(max(0.0, score[0] - 1e-6)) if len(score) else 0.0
    return float((low + high) / 2.0)


def _train_classifier(
    matrix: sp.csr_matrix, labels: np.ndarray, n_intents: int
) -> tuple[sp.csr_matrix | None, np.ndarray | None]:
    """A one-vs-rest linear SVM, as a sparse feature x intent weight matrix and a bias per intent."""
    if n_intents < 2:
        return None, None
    svm = LinearSVC(C=SVM_C, class_weight="balanced")
    svm.fit(matrix, labels)
    coef = svm.coef_.astype(np.float32)
    bias = svm.intercept_.astype(np.float64)
    if n_intents == 2:  # binary SVM: one weight vector for class 1; class 0 is its mirror image
        coef = np.vstack([-coef, coef])
        bias = np.concatenate([-bias, bias])
    coef[np.abs(coef) < WEIGHT_EPSILON] = 0.0
    return sp.csr_matrix(coef.T), bias
