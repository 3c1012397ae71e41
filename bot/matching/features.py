"""Text -> sparse vector: character n-grams (morphology, typos, scripts without spaces) stacked
with word n-grams (meaning), both TF-IDF with sublinear term frequency, L2-normalised together.

scikit-learn fits the vocabularies and weights the example matrix; single questions are vectorised
by `vector` in plain Python with the same analysers and weights, because scikit-learn's per-call
input validation costs milliseconds, far more than the arithmetic of one short question.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

__all__ = ["FeatureSpace"]

#: Character n-grams inside word boundaries: 1-4 characters carry stems and endings in every script
#: (single characters matter for Chinese and Japanese, where one character is often a word).
CHAR_NGRAMS = (1, 4)
#: Word unigrams and bigrams: "tax id" and "id card" differ where their characters do not.
WORD_NGRAMS = (1, 2)
#: Share of the vector's squared length given to the character part (the word part gets the rest).
CHAR_WEIGHT = 0.6
#: Words of one character count too ("I", Chinese and Japanese words, digits).
WORD_TOKEN_PATTERN = r"(?u)\b\w+\b"


class _Part:
    """One fitted vectoriser, reduced to what a single question needs: analyser, vocabulary, idf."""

    def __init__(self, vectorizer: TfidfVectorizer, offset: int, scale: float) -> None:
        self.analyse: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = vectorizer.idf_.astype(np.float64)
        self.offset = offset
        self.scale = scale

    def weights(self, text: str) -> tuple[list[int], list[float]]:
        counts = Counter(self.analyse(text))
        indices, values = [], []
        vocabulary, idf = self.vocabulary, self.idf
        for gram, count in counts.items():
            index = vocabulary.get(gram)
            if index is not None:
                indices.append(index)
                values.append((1.0 + math.log(count)) * idf[index])
        if values:
            norm = math.sqrt(sum(v * v for v in values))
            values = [v / norm * self.scale for v in values]
            indices = [i + self.offset for i in indices]
        return indices, values


class FeatureSpace:
    """Fitted vectorisers; `matrix` holds the example phrases, `vector` maps one more text."""

    def __init__(self, texts: Sequence[str], *, char_weight: float = CHAR_WEIGHT) -> None:
        chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=CHAR_NGRAMS,
            sublinear_tf=True,
            lowercase=False,  # the texts are normalised already
            dtype=np.float32,
        )
        words = TfidfVectorizer(
            analyzer="word",
            ngram_range=WORD_NGRAMS,
            sublinear_tf=True,
            lowercase=False,
            token_pattern=WORD_TOKEN_PATTERN,
            dtype=np.float32,
        )
        char_scale, word_scale = char_weight**0.5, (1.0 - char_weight) ** 0.5
        char_matrix = chars.fit_transform(texts)
        word_matrix = words.fit_transform(texts)
        stacked = sp.hstack([char_matrix * char_scale, word_matrix * word_scale], format="csr")
        self.matrix: sp.csr_matrix = normalize(stacked, copy=False).astype(np.float32)
        self._parts = (
            _Part(chars, 0, char_scale),
            _Part(words, char_matrix.shape[1], word_scale),
        )

    @property
    def size(self) -> int:
        return self.matrix.shape[1]

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The (feature indices, weights) of one normalised text, L2-normalised; empty if unknown."""
        indices: list[int] = []
        values: list[float] = []
        for part in self._parts:
            part_indices, part_values = part.weights(text)
            indices.extend(part_indices)
            values.extend(part_values)
        if not values:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        weights = np.asarray(values, dtype=np.float64)
        weights /= np.linalg.norm(weights)
        return np.asarray(indices, dtype=np.int64), weights
