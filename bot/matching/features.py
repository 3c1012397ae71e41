"""Text -> sparse vector: character n-grams (morphology, typos) stacked with word n-grams (meaning),
both TF-IDF with sublinear term frequency, L2-normalised together.

Written with numpy and scipy only, no text-mining library (scikit-learn alone costs a second and
65 MB to import), and a whole batch of questions is vectorised in one pass into one sparse matrix,
so matching is a few sparse matrix products.

Per script:
- Latin, Cyrillic, Arabic, ...: character 2-4-grams inside each word padded with spaces (stems,
  endings, typos), word unigrams and bigrams ("tax id" is not "id card").
- Chinese and Japanese (no spaces between words): every character is also a character feature
  (one character is often a word), and the words are the overlapping character bigrams.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

__all__ = ["FeatureSpace", "analyse"]

#: Character n-gram lengths inside words padded with spaces.
CHAR_NGRAMS = (2, 4)
#: Share of the vector's squared length given to the character part (the word part gets the rest).
CHAR_WEIGHT = 0.6
#: Unicode ranges of scripts written without spaces between words: CJK ideographs, kana, Hangul
#: syllables are treated the same (a character bigram is a "word").
_UNSPACED_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xAC00, 0xD7AF))
_WORD_MARK = "\x02"  # keeps word grams apart from character grams in one dictionary
#: Words whose grams are remembered between calls (cleared when full): people reuse words.
_CACHE_WORDS = 200_000
#: Texts whose grams are counted together (bounds the temporary arrays of a large batch).
_COUNT_CHUNK = 2048


def _unspaced(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _UNSPACED_RANGES)


def _split_runs(word: str) -> list[tuple[str, bool]]:
    """A word as runs of spaced-script and unspaced-script characters (Chinese mixed with "WiFi")."""
    runs: list[tuple[str, bool]] = []
    start = 0
    kind = _unspaced(word[0])
    for i in range(1, len(word)):
        k = _unspaced(word[i])
        if k != kind:
            runs.append((word[start:i], kind))
            start, kind = i, k
    runs.append((word[start:], kind))
    return runs


def _word_parts(word: str) -> tuple[list[str], list[str]]:
    """(tokens, character grams) of one whitespace-separated word."""
    runs = [(word, False)] if word.isascii() else _split_runs(word)
    tokens: list[str] = []
    chars: list[str] = []
    low, high = CHAR_NGRAMS
    for run, unspaced in runs:
        if unspaced:
            chars.extend(run)
            tokens.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
            continue
        tokens.append(run)
        padded = f" {run} "
        size = len(padded)
        for n in range(low, min(high, size) + 1):
            chars.extend(padded[i : i + n] for i in range(size - n + 1))
    return tokens, chars


def analyse(text: str) -> tuple[list[str], list[str]]:
    """(character grams, word grams) of one normalised text."""
    chars: list[str] = []
    tokens: list[str] = []
    for word in text.split():
        word_tokens, word_chars = _word_parts(word)
        tokens.extend(word_tokens)
        chars.extend(word_chars)
    return chars, _word_grams(tokens)


def _word_grams(tokens: list[str]) -> list[str]:
    words = [_WORD_MARK + t for t in tokens]
    words.extend(f"{_WORD_MARK}{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))
    return words


class FeatureSpace:
    """Vocabulary and idf weights fitted on the example phrases; `transform` maps any texts."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, n_char: int, char_weight: float) -> None:
        self._vocabulary = vocabulary
        self._idf = idf.astype(np.float32)
        # per feature: the part's scale (character part or word part)
        self._char_scale, self._word_scale = char_weight**0.5, (1.0 - char_weight) ** 0.5
        scale = np.full(len(idf), self._word_scale, dtype=np.float32)
        scale[:n_char] = self._char_scale
        self._part_scale = scale
        self._n_char = n_char
        self._cache: dict[str, tuple[list[str], list[int]]] = {}

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_cache"] = {}  # rebuilt as words are seen; not worth storing
        return state

    @classmethod
    def fit(cls, texts: Sequence[str], *, char_weight: float = CHAR_WEIGHT) -> tuple[FeatureSpace, sp.csr_matrix]:
        """The feature space of `texts` and their matrix (one L2-normalised row per text)."""
        # each distinct word once: words repeat across examples, their grams need not be recomputed
        parts = {word: _word_parts(word) for word in {word for text in texts for word in text.split()}}
        char_grams: set[str] = set()
        for _, chars in parts.values():
            char_grams.update(chars)
        word_grams: set[str] = set()
        for text in texts:
            word_grams.update(_word_grams([token for word in text.split() for token in parts[word][0]]))
        chars_sorted = sorted(char_grams)
        vocabulary = {gram: i for i, gram in enumerate(chars_sorted)}
        vocabulary.update({gram: len(chars_sorted) + i for i, gram in enumerate(sorted(word_grams))})
        space = cls(vocabulary, np.ones(len(vocabulary)), len(chars_sorted), char_weight)
        for word, (tokens, chars) in parts.items():
            space._cache[word] = (tokens, [vocabulary[gram] for gram in chars])
        del parts
        rows, cols, counts = space._counts(texts)
        df = np.bincount(cols, minlength=len(vocabulary)).astype(np.float64)
        idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0  # smoothed, as scikit-learn's TfidfVectorizer
        space._idf = idf.astype(np.float32)
        space._cache.clear()
        return space, space._weigh(rows, cols, counts, len(texts))

    @property
    def size(self) -> int:
        return len(self._idf)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One L2-normalised row per normalised text (all zero when no gram is known)."""
        return self._weigh(*self._counts(texts), len(texts))

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, weights) of one normalised text, as `transform` would give its row, without
        scipy's per-call overhead (the bot matches one question at a time)."""
        flat = self._indices(text)
        if not flat:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        idx, counts = np.unique(np.asarray(flat, dtype=np.int64), return_counts=True)
        values = (1.0 + np.log(counts.astype(np.float32))) * self._idf[idx]
        # the same weighing as `_weigh`, for one row: the indices are sorted, character grams first
        split = int(np.searchsorted(idx, self._n_char))
        chars, words = values[:split], values[split:]
        if split:
            chars *= np.float32(self._char_scale / (float(np.sqrt(np.dot(chars, chars))) or 1.0))
        if split < len(values):
            words *= np.float32(self._word_scale / (float(np.sqrt(np.dot(words, words))) or 1.0))
        values /= np.float32(np.sqrt(np.dot(values, values)) or 1.0)
        return idx, values

    def _indices(self, text: str) -> list[int]:
        """The known feature indices of one normalised text, a gram as often as it occurs."""
        flat: list[int] = []
        tokens: list[str] = []
        for word in text.split():
            word_tokens, indices = self._word(word)
            tokens.extend(word_tokens)
            flat.extend(indices)
        flat.extend(i for i in map(self._vocabulary.get, _word_grams(tokens)) if i is not None)
        return flat

    def _word(self, word: str) -> tuple[list[str], list[int]]:
        """A word's tokens and its known character grams' indices, cached per word."""
        known = self._cache.get(word)
        if known is None:
            tokens, chars = _word_parts(word)
            get = self._vocabulary.get
            known = (tokens, [i for i in map(get, chars) if i is not None])
            if len(self._cache) > _CACHE_WORDS:
                self._cache.clear()
            self._cache[word] = known
        return known

    def _counts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, feature, count) triples, sorted by row then feature. Counted a chunk of texts at a
        time: the grams of 15,000 texts at once took a hundred megabytes of temporary arrays."""
        parts = [self._count_chunk(texts[start : start + _COUNT_CHUNK]) for start in range(0, len(texts), _COUNT_CHUNK)]
        if len(parts) <= 1:
            return parts[0] if parts else self._count_chunk(texts)
        offsets = np.arange(0, len(texts), _COUNT_CHUNK)
        rows = np.concatenate([chunk_rows + offset for (chunk_rows, _, _), offset in zip(parts, offsets, strict=True)])
        return rows, np.concatenate([cols for _, cols, _ in parts]), np.concatenate([counts for _, _, counts in parts])

    def _count_chunk(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        flat: list[int] = []
        lengths: list[int] = []
        for text in texts:
            indices = self._indices(text)
            flat.extend(indices)
            lengths.append(len(indices))
        size = max(1, len(self._vocabulary))
        keys = np.repeat(np.arange(len(texts), dtype=np.int64), lengths) * size + np.asarray(flat, dtype=np.int64)
        keys, counts = np.unique(keys, return_counts=True)
        return keys // size, keys % size, counts

    def _weigh(self, rows: np.ndarray, idx: np.ndarray, counts: np.ndarray, n_rows: int) -> sp.csr_matrix:
        """Sublinear tf-idf, each part L2-normalised and scaled, then each row normalised again."""
        values = (1.0 + np.log(counts.astype(np.float32))) * self._idf[idx]
        is_word = (idx >= self._n_char).astype(np.int64)
        slot = rows * 2 + is_word  # (row, part) pairs
        part_norm = np.sqrt(np.bincount(slot, weights=values.astype(np.float64) ** 2, minlength=2 * n_rows))
        part_norm[part_norm == 0] = 1.0
        values = values / part_norm[slot].astype(np.float32) * self._part_scale[idx]
        row_norm = np.sqrt(np.bincount(rows, weights=values.astype(np.float64) ** 2, minlength=n_rows))
        row_norm[row_norm == 0] = 1.0
        values = (values / row_norm[rows]).astype(np.float32)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_rows))])
        return sp.csr_matrix((values, idx.astype(np.int32), indptr), shape=(n_rows, self.size))
