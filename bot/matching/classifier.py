"""One-vs-rest linear SVM training with LIBLINEAR (its authors' own Python binding).

The solver is LIBLINEAR's dual coordinate descent for the L2-regularised squared hinge loss, the
same one scikit-learn's LinearSVC wraps; calling it directly costs 5 ms and 1 MB of import instead
of scikit-learn's second and 65 MB, which a one-shot `welcomebot match --examples` paid on every
run. It is imported here, inside the functions: a bot that loads a built matcher never loads it.
"""

from __future__ import annotations

import ctypes
import os
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
#: LIBLINEAR solver 1: L2-regularised L2-loss (squared hinge) support vector classification, dual.
SVM_SOLVER = 1
#: Its stopping tolerance: LIBLINEAR's default for this solver. On val it matched or beat
#: scikit-learn's LinearSVC capped at 6 passes (CLINC150 93.4 both, ArBanking77 92.6 vs 92.4,
#: xSID en five-fold 94.0 vs 93.7); 1.0 built CLINC150 0.7 s faster, with the same top-1 there
#: but 0.4 lower on xSID five-fold and 0.2 on ArBanking77 val.
SVM_EPSILON = 0.1
#: Weights smaller than this are dropped: a dense feature x intent matrix would dominate the
#: process's memory, and tiny weights do not change a decision.
WEIGHT_EPSILON = 1e-3
#: Examples per intent group, and the size of the sample of other groups' examples it sees (half
#: of it the examples closest to the group's intents, see `_sample_rest`).
#: Chosen on val with groups of alike intents (`_alike_groups`), against the earlier 3000 and 6000
#: with groups of every n-th intent: CLINC150 top-1 93.4 -> 93.0, ArBanking77 92.6 -> 92.7, Jena
#: dev 99.4 -> 99.4; training CLINC150 3.2 -> 1.5-2.2 s. How the intents fall into groups moves
#: val by about 0.4 either way. A sample drawn all at random instead of half from the closest:
#: ArBanking77 92.8, but Jena dev 98.7 (its out-of-scope phrases, close to every group, were seen
#: less). Closest measured example by example instead of intent by intent (all of the closest
#: intents' examples): CLINC150 93.0 -> 93.5, ArBanking77 92.7 -> 93.0, Jena dev 99.4 both. Then
#: smaller groups and a larger sample (1000 and 4000, each intent's negatives more its own; about
#: as many examples to train in all): 93.7, 93.3, Jena dev 99.4. Every intent against every other
#: example: 93.6 and 93.4, but training takes three times as long.
GROUP_EXAMPLES = 1000
REST_SAMPLE = 4000
#: Intents whose mean vectors are compared with the examples at once (as dense rows).
_CLOSENESS_INTENTS = 16
#: Processes training groups of intents in parallel (one per core, at most this many), and the
#: smallest example set worth starting them for (smaller sets train in about a tenth of a second).
TRAINING_PROCESSES = 2
PARALLEL_MIN_EXAMPLES = 2 * GROUP_EXAMPLES
#: The C library's random seed before every fit: LIBLINEAR draws the order it visits examples in
#: from rand() (same seed, same weights).
SVM_SEED = 0


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
        centroids=_centroids(matrix, labels, n_intents),
    )
    # One-vs-rest problems are independent: each group of intents sees the other groups' examples
    # as one "rest" label. On large example sets the groups are many and the "rest" is a sample:
    # liblinear's time grows with examples x intents. Groups are made of alike intents, so an
    # intent's hardest negatives are its own group's, all of them.
    workers = max(1, min(TRAINING_PROCESSES, os.cpu_count() or 1))
    groups = -(-len(labels) // GROUP_EXAMPLES)
    groups = -(-groups // workers) * workers  # every worker gets as many groups: none waits for the last
    groups = max(1, min(groups, n_intents // 2))
    if groups > 1:
        members = _alike_groups((problem.centroids @ problem.centroids.T).toarray(), groups)
    else:
        members = [np.arange(n_intents)]
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
    """What every group's training reads: examples, labels, the intents' unit-length mean example
    vectors (which examples are close to a group)."""

    data: sp.csr_matrix
    labels: np.ndarray
    centroids: sp.csr_matrix


#: The problem forked children train on (they inherit it; nothing large is pickled to them).
_inherited: _Problem | None = None


def _train_in_children(
    problem: _Problem, members: list[np.ndarray], workers: int
) -> list[tuple[sp.csr_matrix, np.ndarray]]:
    """Groups trained in forked processes. Threads would be cheaper, but liblinear draws from one
    random generator per process, and two threads drawing from it interleave differently on every
    run; each child has its own copy, reseeded by every fit. Only the small weights come back."""
    global _inherited
    import liblinear.liblinearutil  # noqa: F401  (imported once here, not once per child)

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
    from liblinear.liblinearutil import parameter, train
    from liblinear.liblinearutil import problem as liblinear_problem

    labels = problem.labels
    own = np.isin(labels, ids)
    rest = np.flatnonzero(~own)
    if len(rest) > REST_SAMPLE:
        rest = _sample_rest(rest, _closeness(problem.data[rest], problem.centroids[ids]), seed=int(ids[0]))
    rows = np.sort(np.concatenate([np.flatnonzero(own), rest]))
    group_labels = np.where(own[rows], labels[rows], -1)  # -1: "one of the other groups"
    data = problem.data[rows].astype(np.float64)
    classes, counts = np.unique(group_labels, return_counts=True)
    # balanced class weights: each label weighs as much in total, however many examples it has
    weights = " ".join(
        f"-w{label} {len(group_labels) / (len(classes) * count):.8g}"
        for label, count in zip(classes.tolist(), counts.tolist(), strict=True)
    )
    _libc().srand(SVM_SEED)
    model = train(
        liblinear_problem(group_labels.astype(np.float64), data),
        parameter(f"-s {SVM_SOLVER} -c {SVM_C} -e {SVM_EPSILON} -B 1 -q {weights}"),
    )
    n_features, n_classes = data.shape[1], model.nr_class
    model_labels = [int(model.label[i]) for i in range(n_classes)]
    columns = 1 if n_classes == 2 else n_classes  # a binary model has one weight vector
    # LIBLINEAR keeps the weights feature by feature (w[feature * columns + class]), the bias last
    w = np.ctypeslib.as_array(model.w, shape=((n_features + 1) * columns,)).reshape(n_features + 1, columns).T
    coef, bias = w[:, :n_features].astype(np.float32), w[:, n_features].astype(np.float32)
    del model, w
    if n_classes == 2:  # the vector scores the model's first label; the second label is its mirror
        coef, bias = np.vstack([coef, -coef]), np.concatenate([bias, -bias])
    position = {label: i for i, label in enumerate(model_labels)}
    picked = [position[i] for i in ids.tolist()]
    coef = coef[picked]
    coef[np.abs(coef) < WEIGHT_EPSILON] = 0.0
    return sp.csr_matrix(coef), bias[picked]


def _libc() -> ctypes.CDLL:
    """The C library of this process, whose rand() LIBLINEAR draws from."""
    return ctypes.CDLL(None)


def _centroids(matrix: sp.csr_matrix, labels: np.ndarray, n_intents: int) -> sp.csr_matrix:
    """The intents' mean example vectors, scaled to unit length (intents x features)."""
    membership = sp.csr_matrix(
        (np.ones(len(labels), dtype=np.float32), (labels, np.arange(len(labels)))), shape=(n_intents, len(labels))
    )
    centroids = membership @ matrix
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sp.diags(1.0 / norms) @ centroids).tocsr()


def _closeness(examples: sp.csr_matrix, centroids: sp.csr_matrix) -> np.ndarray:
    """Each example's best cosine to any of `centroids`. Sparse x dense products, a few intents at
    a time: the sparse x sparse product took three times as long, and all of a large group's
    centroids as dense rows would cost megabytes per intent on a large vocabulary."""
    best = np.full(examples.shape[0], -np.inf, dtype=np.float32)
    for start in range(0, centroids.shape[0], _CLOSENESS_INTENTS):
        dense = centroids[start : start + _CLOSENESS_INTENTS].toarray().T
        np.maximum(best, (examples @ dense).max(axis=1), out=best)
    return best


def _alike_groups(similarity: np.ndarray, count: int) -> list[np.ndarray]:
    """The intents in `count` groups of (nearly) equal size, alike intents together. Greedy: the
    intent least like the others still left starts a group and takes those most like it, so the
    odd ones out do not end up as the leftovers of other groups."""
    left = np.ones(len(similarity), dtype=bool)
    groups = []
    for size in np.diff(np.linspace(0, len(similarity), count + 1).round().astype(int)).tolist():
        open_ = np.flatnonzero(left)
        seed = open_[int(np.argmin(similarity[np.ix_(open_, open_)].sum(axis=1)))]
        closest = open_[np.argsort(-similarity[seed, open_], kind="stable")[:size]]
        left[closest] = False
        groups.append(np.sort(closest))
    return groups


def _sample_rest(rest: np.ndarray, closeness: np.ndarray, *, seed: int) -> np.ndarray:
    """REST_SAMPLE of the other groups' examples `rest`: half the examples closest to the group's
    intents (`closeness`: each one's best cosine to their mean vectors; the negatives that decide
    where a boundary lies), half at random (so that no region of the space is unseen)."""
    hard_budget = REST_SAMPLE // 2
    order = np.argsort(-closeness, kind="stable")
    hard = rest[order[:hard_budget]]
    others = rest[order[hard_budget:]]
    easy = np.random.default_rng(seed).choice(others, REST_SAMPLE - len(hard), replace=False)
    return np.concatenate([hard, easy])
