"""A citizen who has already reached the statutory retirement age."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_age_already_reached(chat: Conversation) -> None:
    # Citizen, a man born in February 1965, on 1 June 2025: 60 years and
    # 1 month were reached in March 2025.
    chat.start("到退休年龄了吗", "start_retirement_guide")
    chat.press("企业职工")
    chat.press("男")

    chat.say("1965年2月10日")

    assert chat.texts[0] == (
        "按您的出生年月和类别计算，您的法定退休年龄是60岁1个月，在2025年3月已经达到。"
    )
    assert chat.last_text.startswith("另外，缴费达到最低年限的")
