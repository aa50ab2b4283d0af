"""The citizen stops the retirement guide at the birth date."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_cancel_at_birth_date(chat: Conversation) -> None:
    # Citizen answers the first two questions.
    chat.start("退休", "start_retirement_guide")
    chat.press("企业职工")
    chat.press("女干部（原55岁退休）")

    # Citizen types "算了" at the birth date question.
    result = chat.say("算了")

    assert chat.texts == ["好的，已退出“退休申请引导”。还有其他问题可以直接问我。"]
    assert result.state is None
