"""Tests of synonym groups and the synonyms file."""

from pathlib import Path

import pytest

from desk.kb.errors import SeedError
from desk.kb.synonyms import Synonyms, load_synonyms

from .conftest import REAL_SEEDS


@pytest.fixture
def synonyms() -> Synonyms:
    return Synonyms.from_groups(
        [
            ["缴费", "交费", "交钱", "交", "pay", "payment"],
            ["个账共济", "家庭共济", "共济"],
            ["异地就医", "外地看病"],
        ]
    )


def test_phrases_fold_to_canonical(synonyms: Synonyms) -> None:
    assert synonyms.replace_phrases("外地看病怎么交费") == "异地就医怎么缴费"


def test_longest_phrase_wins(synonyms: Synonyms) -> None:
    # 家庭共济 contains 共济. It must fold as a whole, not as 家庭 + 个账共济.
    assert synonyms.replace_phrases("家庭共济") == "个账共济"
    assert synonyms.replace_phrases("个账共济") == "个账共济"


def test_single_character_folds_only_as_token(synonyms: Synonyms) -> None:
    assert synonyms.replace_phrases("提交材料") == "提交材料"
    assert synonyms.canonical("交") == "缴费"
    assert synonyms.canonical("提交") == "提交"


def test_latin_terms_match_whole_words(synonyms: Synonyms) -> None:
    assert synonyms.replace_phrases("how to pay") == "how to 缴费"
    assert synonyms.replace_phrases("repayment") == "repayment"


def test_groups_are_normalised() -> None:
    synonyms = Synonyms.from_groups([["医保", "醫療保險"]])

    assert synonyms.replace_phrases("医疗保险") == "医保"


def test_real_file_has_forty_groups_without_conflicts() -> None:
    # load_synonyms raises SeedError when a term sits in two groups.
    synonyms = load_synonyms(REAL_SEEDS / "synonyms.yml")

    assert len(set(synonyms.canonical_of.values())) >= 40
    assert synonyms.canonical("社报") == "社保"
    assert synonyms.canonical("养劳金") == "养老金"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("groups: []", "expected a top-level 'synonyms:' list"),
        ("synonyms: [[社保]]", "group 1 must be a list of at least 2 terms"),
        ("synonyms: [社保]", "group 1 must be a list of at least 2 terms"),
        ("synonyms: [[社保, '']]", "group 1 has ''"),
        ("synonyms: [[社保, 12333]]", "group 1 has 12333"),
        (
            "synonyms: [[社保, 社报], [医保, 社报]]",
            "term '社报' is in group 1 and group 2",
        ),
    ],
)
def test_invalid_synonyms_file_is_rejected(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "synonyms.yml"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(SeedError, match=message):
        load_synonyms(path)


def test_missing_synonyms_file_gives_no_synonyms(tmp_path: Path) -> None:
    synonyms = load_synonyms(tmp_path / "synonyms.yml")

    assert synonyms.replace_phrases("社报") == "社报"
