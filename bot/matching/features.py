"""Text -> sparse vector: character n-grams (morphology, typos, scripts without spaces) stacked
with word n-grams (meaning), both TF-IDF with sublinear term frequency, L2-normalised together."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

__all__ = ["FeatureSpace"]

#: Character n-grams inside word boundaries: 2-5 characters carry stems and endings in every script.
CHAR_NGRAMS = (2, 5)
#: Word unigrams and bigrams: "tax id" and "id card" differ where their characters do not.
WORD_NGRAMS = (1, 2)
#: Share of the vector's squared length given to the character part (the word part gets the rest).
CHAR_WEIGHT = 0.75
#: Words of one character count too ("I", Chinese and Japanese words, digits).
WORD_TOKEN_PATTERN = r"(?u)\b\w+\b"


class FeatureSpace:
    """Fitted vectorisers; `transform` maps already normalised texts into one shared space."""

    def __init__(self, texts: Sequence[str], *, char_weight: float = CHAR_WEIGHT) -> None:
        self._char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, dtype=np.float32
        )
        self._word = TfidfVectorizer(
            analyzer="word",
            ngram_range=WORD_NGRAMS,
            sublinear_tf=True,
            token_pattern=WORD_TOKEN_PATTERN,
            dtype=np.float32,
        )
        self._char_scale = np.float32(char_weight**0.5)
        self._word_scale = np.float32((1.0 - char_weight) ** 0.5)
        self.matrix = self._stack(self._char.fit_transform(texts), self._word.fit_transform(texts))

    @property
    def size(self) -> int:
        return self.matrix.shape[1]

    def _stack(self, chars: sp.spmatrix, words: sp.spmatrix) -> sp.csr_matrix:
        stacked = sp.hstack([chars * self._char_scale, words * self._word_scale], format="csr")
        return normalize(stacked, copy=False).astype(np.float32)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._stack(self._char.transform(texts), self._word.transform(texts))
