"""A question at the birth date is answered, then the date is asked again."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_question_at_birth_date(chat: Conversation) -> None:
    # Citizen is at the birth date question.
    chat.start("退休", "start_retirement_guide")
    chat.press("企业职工")
    chat.press("男")

    # Citizen asks "退休后养老金怎么算" (ask_pension_benefits, 0.9).
    result = chat.say("退休后养老金怎么算", "ask_pension_benefits", 0.9)
    assert result.digression == "退休后养老金怎么算"
    assert chat.texts == ["继续刚才的步骤：请输入您的出生日期，例如：1966年5月20日。"]

    # Citizen then types the date → the guide goes on.
    chat.say("1967-01-01")
    assert "法定退休年龄是60岁" in chat.texts[0]
