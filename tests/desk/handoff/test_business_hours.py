"""Business hours, holidays and make-up working days in Asia/Shanghai time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desk.organisation.hours import (
    AGENCY_TIMEZONE,
    BusinessCalendar,
    format_opening,
    parse_range,
)

OFFICE_DAY = ["08:30-12:00", "13:30-17:30"]
CALENDAR = BusinessCalendar.from_config(
    {day: OFFICE_DAY for day in ("mon", "tue", "wed", "thu", "fri")},
    # National Day week of 2026 (to confirm), as in the seeds.
    holidays=[f"2026-10-0{day}" for day in range(1, 8)],
    extra_workdays=["2026-10-10"],
)


def local(text: str) -> datetime:
    """Return an aware datetime from "YYYY-MM-DD HH:MM" Asia/Shanghai time."""
    return datetime.fromisoformat(text).replace(tzinfo=AGENCY_TIMEZONE)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        ("2026-12-07 08:29", False),  # Monday before opening
        ("2026-12-07 08:30", True),
        ("2026-12-07 11:59", True),
        ("2026-12-07 12:00", False),  # lunch break
        ("2026-12-07 13:30", True),
        ("2026-12-07 17:30", False),  # ranges end before their end time
        ("2026-12-05 10:00", False),  # Saturday
        ("2026-10-05 10:00", False),  # holiday on a Monday
        ("2026-10-10 10:00", True),  # Saturday made a working day
    ],
)
def test_calendar_is_open(moment, is_open):
    assert CALENDAR.is_open(local(moment)) is is_open


@pytest.mark.parametrize(
    ("moment", "next_open"),
    [
        ("2026-12-04 18:00", "2026-12-07 08:30"),  # Friday evening
        ("2026-12-07 12:10", "2026-12-07 13:30"),  # lunch break
        ("2026-12-07 07:00", "2026-12-07 08:30"),  # early morning
        ("2026-09-30 18:00", "2026-10-08 08:30"),  # the holiday week
        ("2026-10-09 18:00", "2026-10-10 08:30"),  # make-up Saturday
    ],
)
def test_calendar_next_opening(moment, next_open):
    assert CALENDAR.next_opening(local(moment)) == local(next_open)


def test_next_opening_converts_from_utc():
    # 2026-12-04 18:00 UTC is Saturday 02:00 in Tai'an.
    moment = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)

    opening = CALENDAR.next_opening(moment)

    assert opening == local("2026-12-07 08:30")
    assert format_opening(opening) == "12月7日（周一）08:30"


def test_calendar_without_hours_never_opens():
    calendar = BusinessCalendar.from_config({}, [], [])

    assert calendar.is_open(local("2026-12-07 10:00")) is False
    assert calendar.next_opening(local("2026-12-07 10:00")) is None


def test_range_to_midnight_includes_late_evening():
    calendar = BusinessCalendar.from_config({"mon": ["00:00-24:00"]}, [], [])

    assert calendar.is_open(local("2026-12-07 23:59"))
    assert not calendar.is_open(local("2026-12-08 00:00"))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("8:30-12:00", "not a time range"),
        ("08:30-25:00", "invalid time"),
        ("24:00-24:00", "invalid time"),
        ("12:00-08:30", "does not end after it starts"),
        ("08:61-09:00", "invalid time"),
    ],
)
def test_parse_range_rejects_invalid_text(text, words):
    with pytest.raises(ValueError, match=words):
        parse_range(text)
