"""Invalid and implausible birth dates are rejected and asked again."""

from __future__ import annotations

import pytest

from tests.flows.conftest import Conversation

QUESTION = "请输入您的出生日期，例如：1966年5月20日。"
INVALID = (
    "没能识别这个日期，或者这一天并不存在。"
    "请按“1966年5月20日”“1966-05-20”或“1966年5月”的格式重新输入。"
)


@pytest.mark.parametrize(
    ("answer", "reply"),
    [
        ("1966年2月30日", INVALID),
        ("去年春天", INVALID),
        ("1966年", INVALID),
        ("明年", INVALID),
        ("2026-01-01", "这个出生日期晚于今天，请核对后重新输入。"),
        ("2010年3月3日", "按这个日期，您还不满16周岁，请核对出生年份后重新输入。"),
        ("1920-03-03", "按这个日期，您已超过100周岁，请核对出生年份后重新输入。"),
    ],
)
def test_bad_birth_date_is_asked_again(
    chat: Conversation, answer: str, reply: str
) -> None:
    # Citizen reaches the birth date question.
    chat.start("退休", "start_retirement_guide")
    chat.press("企业职工")
    chat.press("男")

    # Citizen types a bad date → the reason, then the question again.
    chat.say(answer)

    assert chat.texts == [reply, QUESTION]
    assert chat.step == "ask_birth_date"
    assert "birth_date" not in chat.slots


def test_good_date_after_bad_ones(chat: Conversation) -> None:
    # Citizen first types an impossible date, then a valid one.
    chat.start("退休", "start_retirement_guide")
    chat.press("企业职工")
    chat.press("女工人（原50岁退休）")
    chat.say("1978年2月29日")
    assert chat.texts[0] == INVALID

    chat.say("1978年2月28日")

    # Born February 1978, a woman worker: 50 + 1 + (37 // 2) = 19 months.
    assert "法定退休年龄是51岁7个月，预计在2029年9月达到" in chat.texts[0]


@pytest.mark.parametrize(
    "answer", ["1966年5月", "1966-05", "我是一九六六年五月生的", "俺是66年5月的"]
)
def test_year_and_month_are_enough(chat: Conversation, answer: str) -> None:
    # Citizen knows the birth month but does not give the day.
    chat.start("退休", "start_retirement_guide")
    chat.press("企业职工")
    chat.press("男")

    chat.say(answer)

    # Born May 1966, a man: 60 + 1 + (16 // 4) = 5 months.
    assert chat.slots["birth_date"] == "1966-05-01"
    assert "法定退休年龄是60岁5个月，预计在2026年10月达到" in chat.texts[0]
