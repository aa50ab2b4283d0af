"""Tests of the tokenizer: normalisation, synonyms, stop words and bigrams."""

import pytest

from desk.kb.tokenizer import BIGRAM_PREFIX, STOP_WORDS, Tokenizer


def words(tokenizer: Tokenizer, text: str) -> list[str]:
    return [
        term for term in tokenizer.tokenize(text) if not term.startswith(BIGRAM_PREFIX)
    ]


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("ＡＰＰ上怎么交社保？", "app上怎么交社保?"),
        ("醫保怎麼繳費", "医保怎么缴费"),
        ("養老金領取資格認證", "养老金领取资格认证"),
        ("社保　在哪　交钱", "社保在哪交钱"),
        ("个 账 共 济 怎 么 开", "个账共济怎么开"),
    ],
)
def test_variants_tokenize_like_plain_text(
    tokenizer: Tokenizer, variant: str, plain: str
) -> None:
    assert tokenizer.tokenize(variant) == tokenizer.tokenize(plain)


@pytest.mark.parametrize(
    ("typo", "canonical"),
    [
        ("社报怎么交", "社保"),
        ("社保教费", "缴费"),
        ("养劳金多少", "养老金"),
        ("我想办退修", "退休"),
        ("退修手续", "退休审批"),
        ("外地看病", "异地就医"),
        ("家庭共挤", "个账共济"),
        ("打零工的人", "灵活就业"),
    ],
)
def test_typos_and_colloquial_words_fold(
    tokenizer: Tokenizer, typo: str, canonical: str
) -> None:
    assert canonical in words(tokenizer, typo)


def test_single_character_synonym_needs_whole_token(tokenizer: Tokenizer) -> None:
    assert "缴费" in words(tokenizer, "社保怎么交")
    assert "缴费" not in words(tokenizer, "提交材料")


def test_stop_and_question_words_are_dropped(tokenizer: Tokenizer) -> None:
    terms = words(tokenizer, "请问我的养老金怎么领取呢？多少钱")

    assert "养老金" in terms
    assert not set(terms) & STOP_WORDS
    assert "怎么" not in terms
    assert "多少" not in terms


def test_dictionary_terms_stay_whole(tokenizer: Tokenizer) -> None:
    assert words(tokenizer, "个账共济怎么开通")[0] == "个账共济"
    assert "职工养老保险" in words(tokenizer, "灵活就业参加职工养老保险")


def test_bigrams_cover_chinese_runs(tokenizer: Tokenizer) -> None:
    terms = tokenizer.tokenize("养老保线")

    # The typo 保线 is no word, but the bigram 养老 still matches.
    assert BIGRAM_PREFIX + "养老" in terms


def test_bigrams_stop_at_stop_words(tokenizer: Tokenizer) -> None:
    terms = tokenizer.tokenize("社保怎么补缴")

    assert BIGRAM_PREFIX + "保怎" not in terms
    assert BIGRAM_PREFIX + "补缴" in terms


def test_text_of_only_stop_words_has_no_terms(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokenize("请问怎么办呢？") == []
