"""One-vs-rest linear SVM training, the only part of matching that needs scikit-learn.

scikit-learn is imported here, inside the function: a bot that loads a built matcher never pays
for it (import time and tens of megabytes of memory).
"""

from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

__all__ = ["train_one_vs_rest"]

#: SVM regularisation.
SVM_C = 1.0
#: Intents with few examples count as much as intents with many.
CLASS_WEIGHT = "balanced"
#: liblinear passes over the data on large example sets and on small ones, where passes are cheap
#: and convergence keeps symmetric questions symmetric. On large sets 6 passes instead of 3 gain
#: about 0.4-0.5 points top-1 on val (CLINC150 92.8 -> 93.0, ArBanking77 92.0 -> 92.3) for about
#: half a second of build on 15,000 examples; 10 passes gain little more and cost twice that.
#: A looser stopping tolerance was tried: liblinear still ran every pass.
SVM_MAX_ITER = 6
SVM_MAX_ITER_SMALL = 20
#: liblinear's stopping tolerance (its default).
SVM_TOL = 1e-4
#: Weights smaller than this are dropped: a dense feature x intent matrix would dominate the
#: process's memory, and tiny weights do not change a decision.
WEIGHT_EPSILON = 1e-3
#: Threads training groups of intents in parallel (one per core, at most this many).
TRAINING_THREADS = 2
#: Examples per intent group, and the size of the sample of other groups' examples it sees.
GROUP_EXAMPLES = 3000
REST_SAMPLE = 6000


def train_one_vs_rest(
    matrix: sp.csr_matrix, labels: np.ndarray, n_intents: int
) -> tuple[sp.csr_matrix | None, np.ndarray | None]:
    """Weights as a sparse (feature x intent) float32 matrix and a bias per intent; (None, None)
    for a single intent (nothing to tell apart)."""
    if n_intents < 2:
        return None, None
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    data = matrix.astype(np.float64)  # liblinear works in double precision
    iterations = SVM_MAX_ITER if len(labels) > GROUP_EXAMPLES else SVM_MAX_ITER_SMALL

    def train(ids: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
        """Weights and biases of the intents `ids`, each against its group's other examples and a
        sample of the other groups' examples."""
        own = np.isin(labels, ids)
        rest = np.flatnonzero(~own)
        if len(rest) > REST_SAMPLE:
            rest = _sample_rest(rest, labels, similarity[ids].max(axis=0), seed=int(ids[0]))
        rows = np.sort(np.concatenate([np.flatnonzero(own), rest]))
        group_labels = np.where(own[rows], labels[rows], -1)  # -1: "one of the other groups"
        svm = LinearSVC(C=SVM_C, class_weight=CLASS_WEIGHT, max_iter=iterations, tol=SVM_TOL, random_state=0)
        svm.fit(data[rows], group_labels)
        coef = svm.coef_.astype(np.float32)
        bias = svm.intercept_.astype(np.float32)
        del svm.coef_  # liblinear's dense double weights: the largest thing a build holds
        if len(svm.classes_) == 2:  # binary: one weight vector for classes_[1]; classes_[0] mirrors it
            coef = np.vstack([-coef, coef])
            bias = np.concatenate([-bias, bias])
        position = {label: i for i, label in enumerate(svm.classes_.tolist())}
        rows = [position[i] for i in ids.tolist()]
        coef = coef[rows]
        coef[np.abs(coef) < WEIGHT_EPSILON] = 0.0
        return sp.csr_matrix(coef), bias[rows]

    # One-vs-rest problems are independent: groups of intents train in threads (liblinear releases
    # the GIL); each group sees the other groups' examples as one "rest" label. On large example
    # sets the groups are many and the "rest" is a sample: liblinear's time grows with examples x
    # intents, and an intent's hardest negatives are mostly its own group's anyway.
    similarity = _intent_similarity(matrix, labels, n_intents)
    threads = max(1, min(TRAINING_THREADS, os.cpu_count() or 1))
    groups = max(1, min(max(threads, -(-len(labels) // GROUP_EXAMPLES)), n_intents // 2))
    members = [np.arange(g, n_intents, groups) for g in range(groups)]
    with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=threads) as pool:
        # a few iterations short of liblinear's tolerance changes nothing measurable
        warnings.simplefilter("ignore", ConvergenceWarning)
        parts = list(pool.map(train, members))
    order = np.argsort(np.concatenate(members), kind="stable")  # stacked group rows -> intent order
    coef = sp.vstack([part for part, _ in parts], format="csr")[order]
    bias = np.concatenate([group_bias for _, group_bias in parts])[order]
    del parts
    return coef.T.tocsr(), bias


def _intent_similarity(matrix: sp.csr_matrix, labels: np.ndarray, n_intents: int) -> np.ndarray:
    """Cosine similarity of the intents' mean example vectors (intents x intents)."""
    membership = sp.csr_matrix(
        (np.ones(len(labels), dtype=np.float32), (labels, np.arange(len(labels)))), shape=(n_intents, len(labels))
    )
    centroids = membership @ matrix
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    centroids = sp.diags(1.0 / norms) @ centroids
    return (centroids @ centroids.T).toarray()


def _sample_rest(rest: np.ndarray, labels: np.ndarray, closeness: np.ndarray, *, seed: int) -> np.ndarray:
    """REST_SAMPLE of the other groups' examples: half from the intents closest to the group (the
    negatives that decide), half at random (so that no region of the space is unseen)."""
    hard_budget = REST_SAMPLE // 2
    order = np.argsort(-closeness[labels[rest]], kind="stable")
    hard = rest[order[:hard_budget]]
    others = rest[order[hard_budget:]]
    easy = np.random.default_rng(seed).choice(others, REST_SAMPLE - len(hard), replace=False)
    return np.concatenate([hard, easy])
