"""Choosing the out-of-scope cut-off from labelled questions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["choose_threshold"]


def choose_threshold(*, scores: Sequence[float], correct: Sequence[bool], in_scope: Sequence[bool]) -> float:
    """The cut-off maximising accuracy, counting out-of-scope as its own class.

    Among equally good cut-offs the middle one (by rank) wins: the lowest sits right under a question
    that happened to be out of scope, the highest right over one answered correctly; neither
    generalises as well. A cut-off lies halfway between two questions' scores, never on one.
    """
    score = np.asarray(scores, dtype=np.float64)
    if not len(score):
        return 0.0
    right_if_kept = np.asarray(correct, dtype=bool) & np.asarray(in_scope, dtype=bool)
    right_if_cut = ~np.asarray(in_scope, dtype=bool)
    order = np.argsort(score, kind="stable")
    score, right_if_kept, right_if_cut = score[order], right_if_kept[order], right_if_cut[order]
    # Cut-off between position k-1 and k: the first k are cut, the rest kept.
    cut_right = np.concatenate([[0], np.cumsum(right_if_cut)])
    kept_right = np.concatenate([np.cumsum(right_if_kept[::-1])[::-1], [0]])
    total = cut_right + kept_right
    best_positions = np.flatnonzero(total == total.max())
    k = int(best_positions[len(best_positions) // 2])
    if k == 0:
        return float(max(0.0, score[0] - 1e-6))
    if k == len(score):
        return float(min(1.0, score[-1] + 1e-6))
    return float((score[k - 1] + score[k]) / 2.0)
