"""Reading a citizen's typed answer: button titles, dates and numbers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from actions.flows.model import CollectStep, Option

# Characters dropped before comparing answers, so "是，职工医保。" matches "是职工医保".
_IGNORED = re.compile(r"[\s，。！？、；：,.!?;:~～…\"'“”‘’（）()【】\[\]《》<>]")
# A word shorter than this counts only when it is the whole answer: "是" must
# not match inside "不是".
MIN_CONTAINED_WORD = 2

_CN_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3,
    "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_NUMBER = "[〇零一二两三四五六七八九十百]"
_NUMBER = rf"(\d+|{_CN_NUMBER}+)"
# Year, month and day: 1965年3月12日, 1965-03-12, 1965/3/12, 一九六五年三月十二日.
_DATE = re.compile(
    rf"(\d{{4}}|[〇零一二三四五六七八九]{{4}})\s*(?:年|[-/.])\s*{_NUMBER}\s*"
    rf"(?:月|[-/.])\s*{_NUMBER}\s*(?:日|号)?"
)
# Year and month only, 1965年3月 or 1965-03: the first day of the month stands in,
# which is enough for the retirement age, counted by birth month.
_YEAR_MONTH = re.compile(
    rf"(\d{{4}}|[〇零一二三四五六七八九]{{4}})\s*(?:年|[-/.])\s*{_NUMBER}\s*(?:月|份|$)"
)
# A two-digit year needs 年 and a month, as in 66年8月 or 六六年八月十号. The
# century is the one that puts the year in the past (see ``_full_year``).
_SHORT_YEAR_DATE = re.compile(
    rf"(?<![\d〇零一二三四五六七八九])(\d{{2}}|[〇零一二三四五六七八九]{{2}})\s*年\s*"
    rf"{_NUMBER}\s*(?:月份?|份)(?:\s*{_NUMBER}\s*(?:日|号))?"
)
_COMPACT_DATE = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
# Characters 7 to 14 of an 18-character resident ID number are the birth date.
_ID_NUMBER = re.compile(r"(?<!\d)\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dXx](?![\dXx])")
_DIGITS = re.compile(r"-?\d+(?:\.\d+)?")
_CN_DIGIT_RUN = re.compile(f"{_CN_NUMBER}+")


@dataclass(frozen=True)
class Answer:
    """A value read from a turn, with the button title it came from, if any."""

    value: Any
    title: str | None = None


def normalize(text: str) -> str:
    """Return ``text`` folded for comparison: NFKC, lower case, no punctuation."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _IGNORED.sub("", folded)


def option_words(option: Option) -> set[str]:
    """Return the normalised words that select ``option``."""
    words = {option.title, *option.synonyms}
    if isinstance(option.value, str):
        words.add(option.value)
    return {normalize(word) for word in words} - {""}


def match_option(text: str, options: list[Option]) -> Option | None:
    """Return the one option ``text`` names, or None when none or several match.

    The whole answer may equal a title or synonym. Otherwise exactly one
    option must have a word of at least two characters inside the answer.
    A word inside a longer matching word does not count, so "配偶的父母"
    names the spouse's parents and not the spouse.
    """
    answer = normalize(text)
    if not answer:
        return None
    exact = _distinct([o for o in options if answer in option_words(o)])
    if exact:
        return exact[0] if len(exact) == 1 else None
    found = [
        (option, word)
        for option in options
        for word in option_words(option)
        if len(word) >= MIN_CONTAINED_WORD and word in answer
    ]
    longest = [
        option
        for option, word in found
        if not any(word != other and word in other for _, other in found)
    ]
    contained = _distinct(longest)
    return contained[0] if len(contained) == 1 else None


def is_whole_answer(text: str, options: list[Option]) -> bool:
    """Return whether ``text`` is exactly the title or a synonym of an option."""
    answer = normalize(text)
    return any(answer in option_words(option) for option in options)


def _distinct(options: list[Option]) -> list[Option]:
    unique: list[Option] = []
    for option in options:
        if all(option.value != other.value for other in unique):
            unique.append(option)
    return unique


def cn_number(text: str) -> int:
    """Convert Chinese numerals such as 五十二, 一百零五 or 一九六五 to an int."""
    if all(char in _CN_DIGITS for char in text):
        return int("".join(str(_CN_DIGITS[char]) for char in text))
    total = current = 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def _to_int(text: str) -> int:
    return int(text) if text.isdigit() else cn_number(text)


def parse_date(text: str, today: date | None = None) -> date | None:
    """Return the first real calendar date written in ``text``, or None.

    Accepts 1965年3月12日, 1965-03-12, 1965/3/12, 1965.3.12, 19650312,
    Chinese numerals and an 18-character ID number. A year and month alone
    (1965年3月, 1965-03) give the first day of that month. A two-digit year
    with 年 and a month (65年3月12日, 66年8月) is the latest such year not after
    ``today`` (default: the current date). An impossible date such as
    1965年2月30日 returns None.
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    for pattern in (_ID_NUMBER, _DATE, _COMPACT_DATE, _YEAR_MONTH, _SHORT_YEAR_DATE):
        match = pattern.search(folded)
        if match:
            return _make_date(match, today or date.today())
    return None


def _make_date(match: re.Match[str], today: date) -> date | None:
    """Build the date of a ``parse_date`` pattern's match; a missing day is 1."""
    groups = match.groups()
    year, month = _to_int(groups[0]), _to_int(groups[1])
    day = _to_int(groups[2]) if len(groups) > 2 and groups[2] is not None else 1
    if len(groups[0]) == 2:
        year = _full_year(year, today)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(two_digits: int, today: date) -> int:
    """Return the latest year ending in ``two_digits`` that is not after ``today``."""
    year = today.year - today.year % 100 + two_digits
    return year if year <= today.year else year - 100


def parse_number(text: str) -> float | None:
    """Return the one number written in ``text``, in digits or Chinese numerals."""
    folded = unicodedata.normalize("NFKC", text)
    digits = _DIGITS.findall(folded)
    if len(digits) == 1:
        return float(digits[0])
    if digits:
        return None
    numerals = _CN_DIGIT_RUN.findall(folded)
    if len(numerals) == 1:
        return float(cn_number(numerals[0]))
    return None


def full_years(birth: date, today: date) -> int:
    """Return the age in full years on ``today`` of someone born on ``birth``."""
    before_birthday = (today.month, today.day) < (birth.month, birth.day)
    return today.year - birth.year - int(before_birthday)


def parse_answer(
    step: CollectStep,
    text: str,
    yes_no: bool | None = None,
    *,
    today: date | None = None,
) -> Answer | None:
    """Read the answer to ``step`` from typed ``text``, or return None.

    ``yes_no`` is True or False when NLU recognised an affirmation or a
    denial. It answers a choice step whose buttons have the values true and
    false.
    """
    if step.answer == "choice":
        option = match_option(text, step.options)
        if option is not None:
            return Answer(option.value, option.title)
        if yes_no is not None:
            for option in step.options:
                if option.value is yes_no:
                    return Answer(option.value, option.title)
        return None
    if step.answer == "date":
        parsed = parse_date(text, today)
        return Answer(parsed.isoformat()) if parsed else None
    if step.answer == "number":
        number = parse_number(text)
        return Answer(number) if number is not None else None
    stripped = text.strip()
    return Answer(stripped) if stripped else None
