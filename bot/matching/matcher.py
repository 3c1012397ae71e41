"""Intent matcher: a linear classifier and nearest-example similarity over shared n-gram features.

Three signals, each in [0, 1], per intent:
- a linear SVM (one-vs-rest, class-balanced) on the stacked character and word TF-IDF features: it
  learns which n-grams tell intents apart, and its margin is squashed into [0, 1] with a logistic;
- the cosine similarity to the nearest example phrase of each of the classifier's best few intents:
  it keeps a single, oddly worded example useful and says how close the text is to anything the
  curators wrote;
- rapidfuzz's token-sort ratio against those intents' few nearest examples: an edit distance over
  the words in sorted order, for typos and shuffled words that split n-grams apart.
Two blends of them do two jobs:
- which intent: a blend led by the classifier (`RANK_WEIGHTS`), which tells intents apart best;
- how sure: classifier and nearest example (`CLASSIFIER_WEIGHT`), because how close a text is to
  anything the curators wrote is what separates questions the base cannot answer.
The second is what `MatchResult.score` reports; below `threshold` the text is out of scope.

Matching a batch is a handful of sparse matrix products (questions x weights, then each candidate
intent's examples x the questions that consider it); a single question is a batch of one. Only
numpy, scipy and rapidfuzz are needed to match: LIBLINEAR is imported while building, never by a
bot that loads a built matcher from its cache.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from rapidfuzz.fuzz import token_sort_ratio

from bot.matching.classifier import train_one_vs_rest
from bot.matching.features import FeatureSpace
from bot.matching.spelling import Speller
from bot.matching.threshold import choose_threshold
from bot.matching.types import Candidate, Example, MatchResult
from bot.textnorm import normalise

__all__ = ["DEFAULT_THRESHOLD", "Matcher", "choose_threshold"]

#: Out-of-scope cut-off used when none is given or calibrated. On the held-out questions of a real
#: knowledge base (ten languages, a fifth out of scope) 0.45-0.50 answered more correctly than 0.55;
#: 0.45 also suits small example sets, whose held-out questions score lower (HINT3).
#: A cut-off learnt from the examples alone (intents held out as pseudo out-of-scope) was tried and
#: transferred worse than this constant.
DEFAULT_THRESHOLD = 0.45
#: Weight of the classifier in the blended score; the nearest-example similarity gets the rest.
CLASSIFIER_WEIGHT = 0.7
#: Weights of (classifier, nearest example, fuzzy ratio) in the blend that ranks the intents.
#: Chosen on train/val data only (top-1 accuracy; xSID and HINT3 five-fold on their train files):
#: against ranking by the score blend, xSID en/de/ar/tr/zh mean 92.8 -> 93.0, CLINC150 val
#: 92.9 -> 93.3, ArBanking77 val 92.2 -> 92.4, HINT3 mean 86.2 -> 87.3. The classifier without
#: the fuzzy ratio (0.9, 0.1, 0) did as well on xSID and CLINC150, worse on the other two.
RANK_WEIGHTS = (0.75, 0.10, 0.15)
#: How many nearest examples (by cosine) of each compared intent the fuzzy ratio looks at:
#: edit distances cost microseconds each, so they only refine what the n-grams found.
FUZZY_EXAMPLES = 3
#: Slope of the logistic that maps the SVM margin (about -1 .. +1) into [0, 1].
MARGIN_SLOPE = 2.0
#: How many runners-up a result carries.
MAX_ALTERNATIVES = 3
#: How many intents, ranked by the classifier, are compared example by example. 3 and 4 gave the
#: same answers on every train/val set (xSID five-fold, CLINC150 and ArBanking77 val, HINT3
#: five-fold, Jena with and without typos); 2 lost a few; 8 changed nothing and cost twice the time.
NEAREST_CANDIDATES = 3
#: Questions scored together: bounds the dense (questions x intents) arrays of a batch.
BATCH = 1024
#: A text answered with at least this score as typed is not read again with its typos corrected:
#: on CLINC150 val and the Jena questions with typos, no answer changed when the second reading
#: was skipped above 0.55 to 0.8, and a second reading doubles a question's time.
SURE_ENOUGH = 0.6
#: A labelled text this close to one of the matcher's own examples is that example: its score says
#: nothing about unseen questions, so calibration leaves it out.
OWN_EXAMPLE_COSINE = 0.999


def _build(examples: list[Example], threshold: float | None) -> Matcher:
    return Matcher.build(examples, threshold=threshold)


def _blends(classifier: np.ndarray, nearest_sim: np.ndarray, fuzzy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rank, score): the blend that orders the intents and the blend reported as the score."""
    nearest = np.clip(nearest_sim, 0.0, 1.0)
    by_classifier, by_nearest, by_fuzzy = RANK_WEIGHTS
    rank = by_classifier * classifier + by_nearest * nearest + by_fuzzy * fuzzy
    score = CLASSIFIER_WEIGHT * classifier + (1.0 - CLASSIFIER_WEIGHT) * nearest
    return rank, score


def _fuzzy(text: str, examples: Sequence[str]) -> float:
    """Best token-sort ratio of `text` against `examples`, in [0, 1] (both already normalised)."""
    return max(token_sort_ratio(text, example) for example in examples) / 100.0


def _best(rank: np.ndarray, top: int) -> np.ndarray:
    """Per row of `rank` (questions x intents), the columns of the `top` highest, highest first."""
    if len(rank) == 1:  # one question: a plain sort of a short row beats the partition's overhead
        return np.argsort(-rank[0], kind="stable")[:top][None, :]
    if top < rank.shape[1]:
        best = np.argpartition(-rank, top - 1, axis=1)[:, :top]
    else:
        best = np.broadcast_to(np.arange(top), (len(rank), top))
    return np.take_along_axis(best, np.argsort(-np.take_along_axis(rank, best, 1), 1, kind="stable"), 1)


def _gather(matrix: sp.csr_matrix, rows: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """sum_k weights[k] * matrix[rows[k]], dense, without scipy's per-call overhead."""
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(size, dtype=np.float32)
    positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    values = matrix.data[positions] * np.repeat(weights, lengths)
    return np.bincount(matrix.indices[positions], weights=values, minlength=size).astype(np.float32)


class Matcher:
    """Matches a question to the intent of the example phrases it resembles most."""

    def __init__(
        self,
        *,
        features: FeatureSpace,
        intents: Sequence[str],
        examples: sp.csr_matrix,
        example_texts: Sequence[str],
        speller: Speller,
        intent_rows: np.ndarray,
        example_lang: Sequence[str | None],
        weights: sp.csr_matrix | None,
        bias: np.ndarray | None,
        threshold: float,
    ) -> None:
        self._features = features
        self._intents = tuple(intents)
        # one matrix per intent, its example phrases' rows: slicing a scipy matrix per question and
        # intent cost a third of a single match's time
        self._blocks = tuple(examples[intent_rows[i] : intent_rows[i + 1]] for i in range(len(self._intents)))
        self._example_texts = tuple(example_texts)  # the rows' normalised texts, for the fuzzy ratio
        self._speller = speller  # the examples' vocabulary: typos in questions are corrected to it
        self._intent_rows = intent_rows  # examples of intent i are rows intent_rows[i]:intent_rows[i+1]
        languages = sorted({lang for lang in example_lang if lang}, key=str)
        self._languages: tuple[str | None, ...] = (None, *languages)
        code = {lang: i for i, lang in enumerate(self._languages)}
        self._example_lang = np.fromiter((code[lang or None] for lang in example_lang), dtype=np.int16)
        self._weights = weights
        self._bias = None if bias is None else bias.astype(np.float32)
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
        langs = [seen[key] for key in keys]
        del seen, keys
        threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
        matcher = cls._fit(texts, labels, intents, langs, threshold=threshold)
        gc.collect()  # the training copies are large next to what matching keeps
        return matcher

    @classmethod
    def build_isolated(cls, examples: Iterable[Example], *, threshold: float | None = None) -> Matcher:
        """`build` in a child process: the training copies (about 100 MB on a knowledge base of
        9,000 phrases) never enter this process, which only receives the built
        matcher. For long-running processes such as the bot; costs about a second of start-up."""
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            return pool.submit(_build, list(examples), threshold).result()

    @classmethod
    def _fit(cls, texts: Sequence[str], labels: np.ndarray, intents: Sequence[str],
             langs: Sequence[str | None], *, threshold: float) -> Matcher:
        features, matrix = FeatureSpace.fit(texts)
        order = np.argsort(labels, kind="stable")
        matrix, labels = matrix[order], labels[order]
        langs = [langs[i] for i in order.tolist()]
        texts = [texts[i] for i in order.tolist()]
        intent_rows = np.searchsorted(labels, np.arange(len(intents) + 1)).astype(np.int64)
        weights, bias = train_one_vs_rest(matrix, labels, len(intents))
        return cls(
            features=features,
            intents=intents,
            examples=matrix,
            example_texts=texts,
            speller=Speller.fit(texts),
            intent_rows=intent_rows,
            example_lang=langs,
            weights=weights,
            bias=bias,
            threshold=threshold,
        )

    # -- matching -------------------------------------------------------------------------------

    @property
    def intents(self) -> tuple[str, ...]:
        return self._intents

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every word of the example phrases, normalised: words people use for the topics."""
        return self._speller.vocabulary

    def _score(
        self, queries: sp.csr_matrix, folded: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per-intent ranks and scores (questions x intents, see `_blends`), and for each question
        the nearest example's cosine and row per intent (-1 where the intent was not compared).
        `queries` are the vectors of the normalised texts `folded`."""
        n_queries, n_intents = queries.shape[0], len(self._intents)
        if self._weights is not None:
            margins = (queries @ self._weights).toarray() + self._bias
            classifier = 1.0 / (1.0 + np.exp(-MARGIN_SLOPE * margins))
        else:
            classifier = np.ones((n_queries, n_intents), dtype=np.float32)
        count = min(NEAREST_CANDIDATES, n_intents)
        if count < n_intents:
            candidates = np.argpartition(-classifier, count - 1, axis=1)[:, :count]
        else:
            candidates = np.broadcast_to(np.arange(n_intents), (n_queries, n_intents))
        nearest_sim = np.zeros((n_queries, n_intents), dtype=np.float32)
        nearest_row = np.full((n_queries, n_intents), -1, dtype=np.int64)
        fuzzy = np.zeros((n_queries, n_intents), dtype=np.float32)
        texts = self._example_texts
        flat_intent = candidates.ravel()
        flat_query = np.repeat(np.arange(n_queries), count)
        order = np.argsort(flat_intent, kind="stable")
        flat_intent, flat_query = flat_intent[order], flat_query[order]
        bounds = np.searchsorted(flat_intent, np.arange(n_intents + 1))
        for intent in np.flatnonzero(np.diff(bounds)).tolist():
            start, end = self._intent_rows[intent], self._intent_rows[intent + 1]
            if start == end:
                continue
            asking = flat_query[bounds[intent] : bounds[intent + 1]]
            cosines = (self._blocks[intent] @ queries[asking].T).toarray()
            best = cosines.argmax(axis=0)
            nearest_sim[asking, intent] = cosines[best, np.arange(len(asking))]
            nearest_row[asking, intent] = best + start
            if end - start > FUZZY_EXAMPLES:
                closest = np.argpartition(-cosines, FUZZY_EXAMPLES - 1, axis=0)[:FUZZY_EXAMPLES].T + start
            else:
                closest = np.broadcast_to(np.arange(start, end), (len(asking), end - start))
            for query, rows in zip(asking.tolist(), closest.tolist(), strict=True):
                fuzzy[query, intent] = _fuzzy(folded[query], [texts[row] for row in rows])
        return *_blends(classifier, nearest_sim, fuzzy), nearest_sim, nearest_row

    def _score_one(
        self, folded: str, indices: np.ndarray, values: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """`_score` of a single normalised text (vector: `indices`, `values`) by gathering rows
        with numpy: a batch of one through scipy costs milliseconds of per-call overhead, this
        costs a fraction of one."""
        n_intents = len(self._intents)
        if self._weights is not None:
            margins = _gather(self._weights, indices, values, n_intents) + self._bias
            classifier = 1.0 / (1.0 + np.exp(-MARGIN_SLOPE * margins))
        else:
            classifier = np.ones(n_intents, dtype=np.float32)
        count = min(NEAREST_CANDIDATES, n_intents)
        candidates = np.argpartition(-classifier, count - 1)[:count] if count < n_intents else np.arange(n_intents)
        query = np.zeros(self._features.size, dtype=np.float32)
        query[indices] = values
        nearest_sim = np.zeros(n_intents, dtype=np.float32)
        nearest_row = np.full(n_intents, -1, dtype=np.int64)
        fuzzy = np.zeros(n_intents, dtype=np.float32)
        for intent in candidates.tolist():
            start, end = int(self._intent_rows[intent]), int(self._intent_rows[intent + 1])
            if start < end:
                cosines = self._blocks[intent] @ query  # a matrix-vector product in C
                best = int(np.argmax(cosines))
                nearest_sim[intent] = cosines[best]
                nearest_row[intent] = start + best
                closest = np.argsort(-cosines)[:FUZZY_EXAMPLES] + start
                fuzzy[intent] = _fuzzy(folded, [self._example_texts[row] for row in closest.tolist()])
        rank, score = _blends(classifier[None, :], nearest_sim[None, :], fuzzy[None, :])
        return rank, score, nearest_sim[None, :], nearest_row[None, :]

    def _results(self, texts: Sequence[str]) -> list[tuple[MatchResult, float]]:
        """Results for `texts`, each with the cosine of the nearest example of its best intent.

        A text with words the examples never use is read a second time with them corrected (see
        `Speller`), and the reading that scores higher wins: a slip can pull a question to the
        wrong topic as well as under the cut-off. Measured when it was added (`bench/typos.py`, the
        Jena questions with one slip per twelve characters): 85.5% -> 93.0% right with typos, 97.7%
        unchanged without; CLINC150 val out-of-scope recall 61 -> 60. Taking every corrected
        reading, higher or not, and correcting without the slip rules of `Speller`: 94.2%, but
        recall 56. A text already answered with a score of `SURE_ENOUGH` is not read again."""
        folded = [normalise(text) for text in texts]
        out = self._scored(folded)
        sure = max(self.threshold, SURE_ENOUGH)
        corrected = {
            i: fixed
            for i, text in enumerate(folded)
            if out[i][0].score < sure and (fixed := self._speller.correct(text)) != text
        }
        if corrected:
            for i, (result, nearest) in zip(corrected, self._scored(list(corrected.values())), strict=True):
                if result.score > out[i][0].score:
                    out[i] = (result, nearest)
        return out

    def _scored(self, folded: Sequence[str]) -> list[tuple[MatchResult, float]]:
        """`_results` of normalised texts, as they are."""
        out: list[tuple[MatchResult, float]] = []
        for begin in range(0, len(folded), BATCH):
            batch = folded[begin : begin + BATCH]
            if len(batch) == 1:
                rank, scores, nearest_sim, nearest_row = self._score_one(batch[0], *self._features.vector(batch[0]))
            else:
                rank, scores, nearest_sim, nearest_row = self._score(self._features.transform(batch), batch)
            best = _best(rank, min(MAX_ALTERNATIVES + 1, len(self._intents)))
            ranked = np.clip(scores[np.arange(len(batch))[:, None], best], 0.0, 1.0).tolist()
            for q, text in enumerate(batch):
                if not text:
                    out.append((MatchResult(intent=None, score=0.0), 0.0))
                    continue
                first = int(best[q, 0])
                score = ranked[q][0]
                row = int(nearest_row[q, first])
                lang = self._languages[self._example_lang[row]] if row >= 0 else None
                alternatives = tuple(
                    Candidate(self._intents[int(i)], s) for i, s in zip(best[q, 1:], ranked[q][1:], strict=True)
                )
                intent = self._intents[first] if score >= self.threshold else None
                if intent is None:  # the best guess leads the runners-up: worth offering, not answering
                    alternatives = (Candidate(self._intents[first], score), *alternatives)[:MAX_ALTERNATIVES]
                result = MatchResult(intent=intent, score=score, alternatives=alternatives, lang=lang)
                out.append((result, float(nearest_sim[q, first])))
        return out

    def match(self, text: str, *, lang: str | None = None) -> MatchResult:
        """The best intent for `text`, or None when nothing is close enough.

        `lang` is accepted for the interface; the matcher compares across languages on purpose
        (people mix German words into their own language), so it does not filter by it.
        """
        return self._results([text])[0][0]

    def match_many(self, texts: Sequence[str]) -> list[MatchResult]:
        """`match` for each text, scored in batches (for batch commands and benchmarks)."""
        return [result for result, _ in self._results(list(texts))]

    # -- out of scope ---------------------------------------------------------------------------

    def calibrate(self, labelled: Iterable[tuple[str, str | None]]) -> float:
        """Choose the cut-off that gets the most labelled questions right, set and return it.

        A question counts as right when it is matched to its intent above the cut-off, or, when its
        label is None (out of scope), when its score is below the cut-off.
        - No out-of-scope label at all: rejecting anything can only lose, so everything is answered
          (the cut-off goes to 0).
        - In-scope texts that are the matcher's own example phrases score high on themselves and
          would push the cut-off up; they are left out.
        - Among equally good cut-offs the middle one wins (see `choose_threshold`).
        """
        pairs = list(labelled)
        if not pairs:
            return self.threshold
        if all(label is not None for _, label in pairs):
            self.threshold = 0.0
            return self.threshold
        saved, self.threshold = self.threshold, 0.0
        results = self._results([text for text, _ in pairs])
        self.threshold = saved
        scores, correct, in_scope = [], [], []
        for (result, nearest), (_, label) in zip(results, pairs, strict=True):
            if label is not None and result.intent == label and nearest >= OWN_EXAMPLE_COSINE:
                continue  # one of the matcher's own examples
            scores.append(result.score)
            correct.append(result.intent == label)
            in_scope.append(label is not None)
        if any(in_scope):
            self.threshold = choose_threshold(scores=scores, correct=correct, in_scope=in_scope)
        return self.threshold
