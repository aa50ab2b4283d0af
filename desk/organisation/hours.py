"""Business hours, holidays and make-up working days (调休) of an agency.

Times are local to Asia/Shanghai. An agency is open during the ranges listed
for the weekday, except on holidays. On an extra working day, such as a
Saturday that replaces a day of a holiday week, it keeps Monday's hours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

AGENCY_TIMEZONE = ZoneInfo("Asia/Shanghai")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = "一二三四五六日"
RANGE_PATTERN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
# Days searched for the next opening time. Holidays last about ten days at
# most, so a calendar without an opening in a year has no hours at all.
SEARCH_DAYS = 366


@dataclass(frozen=True)
class OpeningRange:
    """One opening period of a day, from ``start`` up to but excluding ``end``.

    ``end`` is None for a range that runs to midnight ("…-24:00").
    """

    start: time
    end: time | None

    def contains(self, moment: time) -> bool:
        """Return whether the local time ``moment`` falls inside this range."""
        return self.start <= moment and (self.end is None or moment < self.end)


def parse_range(text: str) -> OpeningRange:
    """Parse "HH:MM-HH:MM" into an OpeningRange; "24:00" may end a range.

    Raises:
        ValueError: the text is not a range, a time is invalid, or the range
            does not end after it starts.
    """
    match = RANGE_PATTERN.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time range like '08:30-12:00'")
    start_hour, start_minute, end_hour, end_minute = map(int, match.groups())
    if start_hour > 23 or start_minute > 59 or end_minute > 59:
        raise ValueError(f"{text!r} contains an invalid time")
    if end_hour > 24 or (end_hour == 24 and end_minute != 0):
        raise ValueError(f"{text!r} contains an invalid time; a day ends at 24:00")
    if (end_hour, end_minute) <= (start_hour, start_minute):
        raise ValueError(f"{text!r} does not end after it starts")
    end = None if end_hour == 24 else time(end_hour, end_minute)
    return OpeningRange(start=time(start_hour, start_minute), end=end)


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening ranges per weekday plus holidays and extra working days."""

    weekly: Mapping[str, tuple[OpeningRange, ...]]
    holidays: frozenset[date]
    extra_workdays: frozenset[date]

    @classmethod
    def from_config(
        cls,
        business_hours: Mapping[str, Iterable[str]],
        holidays: Iterable[str],
        extra_workdays: Iterable[str],
    ) -> BusinessCalendar:
        """Build a calendar from the stored agency fields.

        Raises:
            ValueError: a range or a date is invalid.
        """
        weekly = {
            day: tuple(
                sorted(
                    (parse_range(text) for text in business_hours.get(day, ())),
                    key=lambda opening: opening.start,
                )
            )
            for day in WEEKDAYS
        }
        return cls(
            weekly=weekly,
            holidays=frozenset(date.fromisoformat(day) for day in holidays),
            extra_workdays=frozenset(date.fromisoformat(day) for day in extra_workdays),
        )

    def ranges_on(self, day: date) -> tuple[OpeningRange, ...]:
        """Return the opening ranges of a local date, empty on a holiday."""
        if day in self.holidays:
            return ()
        if day in self.extra_workdays:
            return self.weekly["mon"]
        return self.weekly[WEEKDAYS[day.weekday()]]

    def is_open(self, moment: datetime) -> bool:
        """Return whether the agency is open at the timezone-aware ``moment``."""
        local = moment.astimezone(AGENCY_TIMEZONE)
        return any(
            opening.contains(local.time()) for opening in self.ranges_on(local.date())
        )

    def next_opening(self, moment: datetime) -> datetime | None:
        """Return the start of the first opening range after ``moment``.

        Returns None when no range starts within SEARCH_DAYS days. The result
        is in Asia/Shanghai time.
        """
        local = moment.astimezone(AGENCY_TIMEZONE)
        for offset in range(SEARCH_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            for opening in self.ranges_on(day):
                start = datetime.combine(day, opening.start, tzinfo=AGENCY_TIMEZONE)
                if start > local:
                    return start
        return None


def format_opening(moment: datetime) -> str:
    """Format a local time the way the citizen reads it: "12月7日（周一）08:30"."""
    local = moment.astimezone(AGENCY_TIMEZONE)
    weekday = WEEKDAY_NAMES[local.weekday()]
    return f"{local.month}月{local.day}日（周{weekday}）{local:%H:%M}"
