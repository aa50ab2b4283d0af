"""Statutory retirement age under the reform from 1 January 2025."""

from __future__ import annotations

from datetime import date

import pytest

from actions.flows.retirement import statutory_retirement


@pytest.mark.parametrize(
    ("birth", "category", "age", "month"),
    [
        # Men: one month more every four birth months from January 1965.
        (date(1964, 12, 31), "male", "60岁", "2024年12月"),
        (date(1965, 1, 1), "male", "60岁1个月", "2025年2月"),
        (date(1965, 4, 30), "male", "60岁1个月", "2025年5月"),
        (date(1965, 5, 1), "male", "60岁2个月", "2025年7月"),
        (date(1970, 1, 15), "male", "61岁4个月", "2031年5月"),
        (date(1976, 8, 1), "male", "62岁11个月", "2039年7月"),
        (date(1976, 9, 1), "male", "63岁", "2039年9月"),
        (date(1990, 1, 1), "male", "63岁", "2053年1月"),
        # Women whose original age was 55: the same pace from January 1970.
        (date(1969, 12, 1), "female_cadre", "55岁", "2024年12月"),
        (date(1970, 1, 1), "female_cadre", "55岁1个月", "2025年2月"),
        (date(1981, 9, 1), "female_cadre", "58岁", "2039年9月"),
        # Women whose original age was 50: one month every two birth months.
        (date(1974, 12, 1), "female_worker", "50岁", "2024年12月"),
        (date(1975, 1, 1), "female_worker", "50岁1个月", "2025年2月"),
        (date(1975, 3, 1), "female_worker", "50岁2个月", "2025年5月"),
        (date(1984, 10, 1), "female_worker", "54岁11个月", "2039年9月"),
        (date(1984, 11, 1), "female_worker", "55岁", "2039年11月"),
    ],
)
def test_statutory_retirement(birth: date, category: str, age: str, month: str) -> None:
    result = statutory_retirement(birth, category)

    assert result.age_text == age
    assert result.month_text == month


def test_retirement_delay_text() -> None:
    assert statutory_retirement(date(1964, 1, 1), "male").delay_text == "不延迟"
    assert statutory_retirement(date(1966, 1, 1), "male").delay_text == "4个月"
    assert statutory_retirement(date(1984, 11, 1), "female_worker").delay_text == "5年"


def test_retirement_reached_by_month() -> None:
    result = statutory_retirement(date(1965, 4, 10), "male")

    assert result.reached(date(2025, 5, 1))
    assert not result.reached(date(2025, 4, 30))


def test_retirement_rejects_unknown_category() -> None:
    with pytest.raises(ValueError, match="unknown retirement category 'female'"):
        statutory_retirement(date(1970, 1, 1), "female")
