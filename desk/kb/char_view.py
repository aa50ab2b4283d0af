"""Character n-gram similarity of a question to each entry's phrasings.

BM25 over words ranks an entry by the words it shares with the question.
Two neighbouring entries often share the main terms. Then small pieces of
wording tell them apart: a character of a dialect word, a split compound, a
typo. Character n-grams keep those pieces better than jieba's words. So each
entry also gets one vector: the mean of the TF-IDF vectors of character 1- to
3-grams of its question and phrasings. A question's similarity to an entry
is the cosine between its own vector and that centroid, in [0, 1].

Weights follow the usual TF-IDF form: term frequency ``1 + ln(count)`` per
text, inverse document frequency ``1 + ln((1 + texts) / (1 + texts with the
n-gram))`` over all questions and phrasings, and unit length per text and
per centroid.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from desk.kb.normalize import normalize_text

MIN_NGRAM = 1
MAX_NGRAM = 3


class CharNgramCentroids:
    """One unit-length character n-gram TF-IDF centroid per entry."""

    def __init__(self, texts_per_entry: Sequence[Sequence[str]]) -> None:
        """Build the centroids of entries given as lists of their texts."""
        counted = [[ngram_counts(text) for text in texts] for texts in texts_per_entry]
        document_frequency: Counter[str] = Counter()
        text_count = 0
        for entry_counts in counted:
            for counts in entry_counts:
                document_frequency.update(counts.keys())
                text_count += 1
        self._idf = {
            ngram: 1 + math.log((1 + text_count) / (1 + frequency))
            for ngram, frequency in document_frequency.items()
        }
        self._entry_count = len(counted)
        columns: list[int] = []
        numbers: list[int] = []
        weights: list[float] = []
        self._columns: dict[str, int] = {}
        for number, entry_counts in enumerate(counted):
            centroid: dict[str, float] = defaultdict(float)
            for counts in entry_counts:
                for ngram, weight in self._unit_vector(counts).items():
                    centroid[ngram] += weight
            for ngram, weight in _unit_length(centroid).items():
                columns.append(self._columns.setdefault(ngram, len(self._columns)))
                numbers.append(number)
                weights.append(weight)
        # The centroids as one sparse matrix in compressed-column form: the
        # entries that contain n-gram c are _numbers[_starts[c]:_starts[c + 1]].
        # Three arrays take far less memory than two small arrays per n-gram.
        order = np.argsort(np.array(columns, dtype=np.int64), kind="stable")
        counts_per_column = np.bincount(columns, minlength=len(self._columns))
        self._starts = np.concatenate(([0], np.cumsum(counts_per_column)))
        self._numbers = np.array(numbers, dtype=np.int32)[order]
        self._weights = np.array(weights, dtype=np.float32)[order]

    def similarities(self, query: str) -> npt.NDArray[np.float64]:
        """Return the cosine of ``query`` to every entry's centroid, by entry number."""
        scores = np.zeros(self._entry_count)
        vector = self._unit_vector(ngram_counts(query))
        for ngram, weight in vector.items():
            column = self._columns.get(ngram)
            if column is not None:
                start, end = self._starts[column], self._starts[column + 1]
                scores[self._numbers[start:end]] += weight * self._weights[start:end]
        return scores

    def _unit_vector(self, counts: Counter[str]) -> dict[str, float]:
        """Weight the n-gram counts of one text by TF-IDF, dropping unseen n-grams."""
        weighted = {
            ngram: (1 + math.log(count)) * self._idf[ngram]
            for ngram, count in counts.items()
            if ngram in self._idf
        }
        return _unit_length(weighted)


def ngram_counts(text: str) -> Counter[str]:
    """Count the character n-grams of the normalised ``text``."""
    folded = normalize_text(text)
    return Counter(
        folded[start : start + size]
        for size in range(MIN_NGRAM, MAX_NGRAM + 1)
        for start in range(len(folded) - size + 1)
    )


def _unit_length(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(weight * weight for weight in vector.values()))
    if norm == 0:
        return {}
    return {key: weight / norm for key, weight in vector.items()}
