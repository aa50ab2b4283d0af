"""Tests of text normalisation."""

import pytest

from desk.kb.normalize import TRADITIONAL_TO_SIMPLIFIED, normalize_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＰＰ１２３３３？", "app12333?"),
        ("社保　怎么　交", "社保怎么交"),
        ("醫保怎麼繳費", "医保怎么缴费"),
        ("養老金領取資格認證", "养老金领取资格认证"),
        ("社會保險關係轉移", "社会保险关系转移"),
        ("  掌上 12333  app ", "掌上 12333 app"),
        ("个人帐户", "个人账户"),
    ],
)
def test_normalize_text_folds_variants(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_traditional_table_is_one_way() -> None:
    simplified = set(TRADITIONAL_TO_SIMPLIFIED.values())

    assert not set(TRADITIONAL_TO_SIMPLIFIED) & simplified
    assert all(len(key) == 1 for key in TRADITIONAL_TO_SIMPLIFIED)
    assert all(len(value) == 1 for value in simplified)


def test_traditional_table_covers_common_terms() -> None:
    for traditional in "險養醫療繳轉續費領職務證辦齡歲帳賬濟關單遷審補貼傷額錢號碼機構":
        assert traditional in TRADITIONAL_TO_SIMPLIFIED
