"""One-vs-rest linear SVM training, the only part of matching that needs scikit-learn.

scikit-learn is imported here, inside the function: a bot that loads a built matcher never pays
for it (import time and tens of megabytes of memory).
"""

from __future__ import annotations

import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context

import numpy as np
import scipy.sparse as sp

__all__ = ["train_one_vs_rest"]

#: Start method of the training children: they inherit the examples instead of receiving a copy.
_FORK = "fork"

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
#: Examples per intent group, and the size of the sample of other groups' examples it sees.
GROUP_EXAMPLES = 3000
REST_SAMPLE = 6000
#: Processes training groups of intents in parallel (one per core, at most this many), and the
#: smallest example set worth starting them for (smaller sets train in about a tenth of a second).
TRAINING_PROCESSES = 2
PARALLEL_MIN_EXAMPLES = 2 * GROUP_EXAMPLES
#: liblinear's seed for every group: the order it visits examples in (same seed, same weights).
SVM_RANDOM_STATE = 0


def train_one_vs_rest(
    matrix: sp.csr_matrix, labels: np.ndarray, n_intents: int
) -> tuple[sp.csr_matrix | None, np.ndarray | None]:
    """Weights as a sparse (feature x intent) float32 matrix and a bias per intent; (None, None)
    for a single intent (nothing to tell apart). The same examples give the same weights on every
    run: every group's random state is fixed, and no two groups ever share liblinear's generator."""
    if n_intents < 2:
        return None, None
    problem = _Problem(
        data=matrix,  # float32; each group's rows become double precision (liblinear's) when it trains
        labels=labels,
        similarity=_intent_similarity(matrix, labels, n_intents),
        iterations=SVM_MAX_ITER if len(labels) > GROUP_EXAMPLES else SVM_MAX_ITER_SMALL,
    )
    # One-vs-rest problems are independent: each group of intents sees the other groups' examples
    # as one "rest" label. On large example sets the groups are many and the "rest" is a sample:
    # liblinear's time grows with examples x intents, and an intent's hardest negatives are mostly
    # its own group's anyway.
    workers = max(1, min(TRAINING_PROCESSES, os.cpu_count() or 1))
    groups = -(-len(labels) // GROUP_EXAMPLES)
    groups = -(-groups // workers) * workers  # every worker gets as many groups: none waits for the last
    groups = max(1, min(groups, n_intents // 2))
    members = [np.arange(g, n_intents, groups) for g in range(groups)]
    if len(labels) < PARALLEL_MIN_EXAMPLES or workers == 1 or _FORK not in get_all_start_methods():
        parts = [_train_group(problem, ids) for ids in members]
    else:
        parts = _train_in_children(problem, members, workers)
    order = np.argsort(np.concatenate(members), kind="stable")  # stacked group rows -> intent order
    coef = sp.vstack([part for part, _ in parts], format="csr")[order]
    bias = np.concatenate([group_bias for _, group_bias in parts])[order]
    del parts
    return coef.T.tocsr(), bias


@dataclass(frozen=True)
class _Problem:
    """What every group's training reads: examples, labels, how alike the intents are."""

    data: sp.csr_matrix
    labels: np.ndarray
    similarity: np.ndarray
    iterations: int


#: The problem forked children train on (they inherit it; nothing large is pickled to them).
_inherited: _Problem | None = None


def _train_in_children(
    problem: _Problem, members: list[np.ndarray], workers: int
) -> list[tuple[sp.csr_matrix, np.ndarray]]:
    """Groups trained in forked processes. Threads would be cheaper, but liblinear draws from one
    random generator per process, and two threads drawing from it interleave differently on every
    run; each child has its own copy, reseeded by every fit. Only the small weights come back."""
    global _inherited
    import sklearn.svm  # noqa: F401  (imported once here, not once per child)

    _inherited = problem
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context(_FORK)) as pool:
            return list(pool.map(_train_inherited_group, members))
    finally:
        _inherited = None


def _train_inherited_group(ids: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """`_train_group` in a child, on the problem it inherited (only `ids` crosses the pipe)."""
    assert _inherited is not None, "only called in a child forked by _train_in_children"
    return _train_group(_inherited, ids)


def _train_group(problem: _Problem, ids: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """Weights and biases of the intents `ids`, each against its group's other examples and a
    sample of the other groups' examples."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    labels = problem.labels
    own = np.isin(labels, ids)
    rest = np.flatnonzero(~own)
    if len(rest) > REST_SAMPLE:
        rest = _sample_rest(rest, labels, problem.similarity[ids].max(axis=0), seed=int(ids[0]))
    rows = np.sort(np.concatenate([np.flatnonzero(own), rest]))
    group_labels = np.where(own[rows], labels[rows], -1)  # -1: "one of the other groups"
    svm = LinearSVC(
        C=SVM_C, class_weight=CLASS_WEIGHT, max_iter=problem.iterations, tol=SVM_TOL, random_state=SVM_RANDOM_STATE
    )
    with warnings.catch_warnings():
        # a few iterations short of liblinear's tolerance changes nothing measurable
        warnings.simplefilter("ignore", ConvergenceWarning)
        svm.fit(problem.data[rows].astype(np.float64), group_labels)
    coef = svm.coef_.astype(np.float32)
    bias = svm.intercept_.astype(np.float32)
    del svm.coef_  # liblinear's dense double weights: the largest thing a build holds
    if len(svm.classes_) == 2:  # binary: one weight vector for classes_[1]; classes_[0] mirrors it
        coef = np.vstack([-coef, coef])
        bias = np.concatenate([-bias, bias])
    position = {label: i for i, label in enumerate(svm.classes_.tolist())}
    picked = [position[i] for i in ids.tolist()]
    coef = coef[picked]
    coef[np.abs(coef) < WEIGHT_EPSILON] = 0.0
    return sp.csr_matrix(coef), bias[picked]


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
