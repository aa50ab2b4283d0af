"""Tests of the character n-gram centroids that complement BM25."""

from __future__ import annotations

import pytest

from desk.kb.char_view import CharNgramCentroids, ngram_counts

ENTRIES = [
    ["社保卡丢了怎么补办", "社保卡掉了咋补", "社保卡遗失补领"],
    ["社保卡密码忘了怎么办", "社保卡密码锁了", "忘记社保卡密码"],
    ["失业金怎么领", "失业保险金申领"],
]


@pytest.fixture(scope="module")
def centroids() -> CharNgramCentroids:
    return CharNgramCentroids(ENTRIES)


def test_ngram_counts_cover_one_to_three_characters() -> None:
    counts = ngram_counts("补办卡")

    assert counts == {
        "补": 1,
        "办": 1,
        "卡": 1,
        "补办": 1,
        "办卡": 1,
        "补办卡": 1,
    }


def test_ngram_counts_fold_traditional_and_full_width() -> None:
    assert ngram_counts("社保卡遺失") == ngram_counts("社保卡遗失")
    assert ngram_counts("ＡＰＰ") == ngram_counts("app")


def test_own_wording_is_most_similar(centroids: CharNgramCentroids) -> None:
    similarities = centroids.similarities("社保卡弄丢了要补办")

    assert similarities.argmax() == 0
    assert similarities[0] > similarities[1] > 0


def test_similarity_is_a_cosine(centroids: CharNgramCentroids) -> None:
    similarities = centroids.similarities("失业金怎么领")

    assert all(0 <= value <= 1 + 1e-9 for value in similarities)
    assert similarities[2] > 0.5
    assert similarities[2] == similarities.max()


def test_unseen_characters_give_zero(centroids: CharNgramCentroids) -> None:
    assert centroids.similarities("天气晴朗").tolist() == [0.0, 0.0, 0.0]


def test_empty_query_gives_zero(centroids: CharNgramCentroids) -> None:
    assert centroids.similarities("  ").tolist() == [0.0, 0.0, 0.0]
