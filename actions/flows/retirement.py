"""Statutory retirement age under the reform that started on 1 January 2025.

The Standing Committee of the National People's Congress decided in
September 2024 how the statutory retirement age rises from 1 January 2025.
For men (60 to 63) and for women whose original age was 55 (55 to 58) it
rises by one month every four months. For women whose original age was 50
(50 to 55) it rises by one month every two months. The first people affected
are those who would have reached the original age in January 2025: men born
in January 1965, women with original age 55 born in January 1970 and women
with original age 50 born in January 1975. Each later group of birth months
waits one month more, up to the new age. A person retires in the month the
new age is reached, counted from the birth month.

NOTE: checked against the decision's wording and against a published
table for women whose original age was 50 (born from November 1984: 55).
The tables for men and for women with original age 55 were not compared
month by month. Early retirement for special types of work or for illness
follows separate national rules and is not computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

REFORM_START_YEAR = 2025


@dataclass(frozen=True)
class RetirementRule:
    """Original and target age in years, and birth months per added month."""

    original_years: int
    target_years: int
    months_per_step: int


# Keys are the values of the retirement_category slot.
RULES = {
    "male": RetirementRule(original_years=60, target_years=63, months_per_step=4),
    "female_cadre": RetirementRule(
        original_years=55, target_years=58, months_per_step=4
    ),
    "female_worker": RetirementRule(
        original_years=50, target_years=55, months_per_step=2
    ),
}


@dataclass(frozen=True)
class RetirementAge:
    """Statutory retirement age and month for one person."""

    original_years: int
    age_months: int
    delay_months: int
    year: int
    month: int

    @property
    def age_text(self) -> str:
        """Return the age in Chinese, such as 60岁3个月."""
        years, months = divmod(self.age_months, 12)
        return f"{years}岁{months}个月" if months else f"{years}岁"

    @property
    def month_text(self) -> str:
        """Return the retirement month in Chinese, such as 2025年10月."""
        return f"{self.year}年{self.month}月"

    @property
    def delay_text(self) -> str:
        """Return the delay against the original age in Chinese."""
        years, months = divmod(self.delay_months, 12)
        if not self.delay_months:
            return "不延迟"
        if years and months:
            return f"{years}年{months}个月"
        return f"{years}年" if years else f"{months}个月"

    def reached(self, today: date) -> bool:
        """Return whether the retirement month has come by ``today``."""
        return (self.year, self.month) <= (today.year, today.month)


def statutory_retirement(birth: date, category: str) -> RetirementAge:
    """Compute the statutory retirement age of a person born on ``birth``.

    Raises:
        ValueError: ``category`` is not one of the keys of ``RULES``.
    """
    rule = RULES.get(category)
    if rule is None:
        raise ValueError(f"unknown retirement category {category!r}")
    birth_index = birth.year * 12 + birth.month - 1
    first_index = (REFORM_START_YEAR - rule.original_years) * 12
    max_delay = (rule.target_years - rule.original_years) * 12
    delay = 0
    if birth_index >= first_index:
        steps = (birth_index - first_index) // rule.months_per_step
        delay = min(max_delay, steps + 1)
    age_months = rule.original_years * 12 + delay
    year, month_index = divmod(birth_index + age_months, 12)
    return RetirementAge(
        original_years=rule.original_years,
        age_months=age_months,
        delay_months=delay,
        year=year,
        month=month_index + 1,
    )
