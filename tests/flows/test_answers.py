"""Reading typed answers: options, dates and numbers."""

from __future__ import annotations

from datetime import date

import pytest

from actions.flows.answers import (
    cn_number,
    full_years,
    match_option,
    normalize,
    parse_date,
    parse_number,
)
from actions.flows.model import Option

RELATIONS = [
    Option("配偶", "spouse", ["老婆", "丈夫"]),
    Option("父母", "parent", ["爸妈"]),
    Option("配偶的父母", "spouse_parent", ["岳父", "婆婆"]),
]
YES_NO = [
    Option("是，职工医保", True, ["是", "职工医保"]),
    Option("不是，居民医保", False, ["不是", "居民医保"]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("配偶", "spouse"),
        ("  配偶。", "spouse"),
        ("我老婆", "spouse"),
        ("是我爸妈", "parent"),
        ("配偶的父母", "spouse_parent"),
        ("我配偶的父母", "spouse_parent"),
        ("岳父", "spouse_parent"),
        ("spouse", "spouse"),
        ("同事", None),
        ("", None),
    ],
)
def test_match_option_relations(text: str, expected: str | None) -> None:
    option = match_option(text, RELATIONS)

    assert (option.value if option else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("是", True),
        ("是，职工医保", True),
        ("不是", False),
        ("我是居民医保", False),
        # Both a yes word and a no word: ambiguous, so no answer.
        ("不是职工医保", None),
        # One-character words count only as the whole answer.
        ("是吗我也不清楚", None),
    ],
)
def test_match_option_yes_no(text: str, expected: bool | None) -> None:
    option = match_option(text, YES_NO)

    assert (option.value if option else None) == expected


def test_normalize_folds_width_case_and_punctuation() -> None:
    assert normalize(" Ａbc，是！ ") == "abc是"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1965年3月12日", date(1965, 3, 12)),
        ("1965年03月12号", date(1965, 3, 12)),
        ("1965-3-12", date(1965, 3, 12)),
        ("1965/03/12", date(1965, 3, 12)),
        ("1965.3.12", date(1965, 3, 12)),
        ("19650312", date(1965, 3, 12)),
        ("１９６５年３月１２日", date(1965, 3, 12)),
        ("一九六五年三月十二日", date(1965, 3, 12)),
        ("我是1970年12月31日出生的", date(1970, 12, 31)),
        ("身份证370902196507150012", date(1965, 7, 15)),
        ("37090219650715001X", date(1965, 7, 15)),
        ("1965年3月", date(1965, 3, 1)),
        ("1965-03", date(1965, 3, 1)),
        ("一九六五年三月份", date(1965, 3, 1)),
        ("65年3月12日", date(1965, 3, 12)),
        ("俺是66年8月生的", date(1966, 8, 1)),
        ("六六年八月十号", date(1966, 8, 10)),
        ("05年6月", date(2005, 6, 1)),
    ],
)
def test_parse_date_accepts_common_forms(text: str, expected: date) -> None:
    assert parse_date(text, today=date(2026, 12, 4)) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("26年1月", date(2026, 12, 4), date(2026, 1, 1)),
        ("27年1月", date(2026, 12, 4), date(1927, 1, 1)),
        ("99年12月", date(2001, 1, 1), date(1999, 12, 1)),
    ],
)
def test_parse_date_puts_two_digit_years_in_the_past(
    text: str, today: date, expected: date
) -> None:
    assert parse_date(text, today=today) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1965年2月30日",
        "1965-13-01",
        "1965年",
        "明年",
        "123456789",
        "65年",
        "65年13月",
        "165年3月",
    ],
)
def test_parse_date_rejects_invalid_or_partial_dates(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45", 45.0),
        ("今年52岁", 52.0),
        ("五十二", 52.0),
        ("四十岁", 40.0),
        ("3.5", 3.5),
    ],
)
def test_parse_number_reads_digits_and_numerals(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["45或者46", "不知道", ""])
def test_parse_number_needs_exactly_one_number(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十一", 31),
        ("一百零五", 105),
        ("一九六五", 1965),
    ],
)
def test_cn_number(text: str, expected: int) -> None:
    assert cn_number(text) == expected


@pytest.mark.parametrize(
    ("birth", "expected"),
    [(date(1965, 6, 1), 60), (date(1965, 6, 2), 59), (date(2025, 6, 2), -1)],
)
def test_full_years_counts_birthdays(birth: date, expected: int) -> None:
    assert full_years(birth, date(2025, 6, 1)) == expected
