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
#: liblinear passes over the data; more change nothing measurable on validation data.
SVM_MAX_ITER = 5
#: Weights smaller than this are dropped: a dense feature x intent matrix would dominate the
#: process's memory, and tiny weights do not change a decision.
WEIGHT_EPSILON = 1e-3
#: Threads training groups of intents in parallel (one per core, at most this many).
TRAINING_THREADS = 2


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

    def train(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weights and biases of the intents `ids`, each against every other example."""
        group_labels = np.where(np.isin(labels, ids), labels, -1)  # -1: "one of the other groups"
        svm = LinearSVC(C=SVM_C, class_weight="balanced", max_iter=SVM_MAX_ITER)
        svm.fit(data, group_labels)
        coef = svm.coef_.astype(np.float32)
        bias = svm.intercept_.astype(np.float32)
        if len(svm.classes_) == 2:  # binary: one weight vector for classes_[1]; classes_[0] mirrors it
            coef = np.vstack([-coef, coef])
            bias = np.concatenate([-bias, bias])
        position = {label: i for i, label in enumerate(svm.classes_.tolist())}
        rows = [position[i] for i in ids.tolist()]
        return coef[rows], bias[rows]

    # One-vs-rest problems are independent: groups of intents train in threads (liblinear releases
    # the GIL); each group sees the other groups' examples as one "rest" label, which leaves every
    # intent's own binary problem exactly as in one SVM.
    groups = max(1, min(TRAINING_THREADS, os.cpu_count() or 1, n_intents // 2))
    members = [np.arange(g, n_intents, groups) for g in range(groups)]
    with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=groups) as pool:
        # a few iterations short of liblinear's tolerance changes nothing measurable
        warnings.simplefilter("ignore", ConvergenceWarning)
        parts = list(pool.map(train, members))
    coef = np.zeros((n_intents, matrix.shape[1]), dtype=np.float32)
    bias = np.zeros(n_intents, dtype=np.float32)
    for ids, (group_coef, group_bias) in zip(members, parts, strict=True):
        coef[ids], bias[ids] = group_coef, group_bias
    del parts
    coef[np.abs(coef) < WEIGHT_EPSILON] = 0.0
    weights = sp.csr_matrix(coef.T)
    del coef
    return weights, bias
