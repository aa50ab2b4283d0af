"""The citizen stops the pension-transfer guide."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_cancel_at_the_age_question(chat: Conversation) -> None:
    # Citizen starts, crosses provinces and gives the sex.
    chat.start("转移养老保险", "start_pension_transfer_guide")
    chat.press("跨省转移")
    chat.press("女")

    # Citizen presses "退出" at the age question.
    result = chat.press("退出")

    assert chat.texts == [
        "好的，已退出“养老保险关系转移引导”。还有其他问题可以直接问我。"
    ]
    assert result.state is None
