"""A question during the transfer guide is answered, then the guide resumes."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_question_at_the_channel_step(chat: Conversation) -> None:
    # Citizen is at the channel question of a within-province transfer.
    chat.start("转移养老保险", "start_pension_transfer_guide")
    chat.press("山东省内转移")

    # Citizen asks "转过去以后每月能领多少钱" (ask_pension_benefits, 0.88).
    result = chat.say("转过去以后每月能领多少钱", "ask_pension_benefits", 0.88)

    assert result.digression == "转过去以后每月能领多少钱"
    assert chat.texts == ["继续刚才的步骤：省内转移，您想在网上办理，还是到窗口办理？"]
    assert chat.button_titles[:2] == ["网上办理", "到窗口办理"]


def test_question_at_the_age_step(chat: Conversation) -> None:
    # Citizen is at the number question; a confident question is a digression
    # even though the text contains a number.
    chat.start("转移养老保险", "start_pension_transfer_guide")
    chat.press("跨省转移")
    chat.press("男")

    result = chat.say("缴费满15年能领吗", "ask_pension_benefits", 0.93)

    assert result.digression == "缴费满15年能领吗"
    assert "age" not in chat.slots
    assert chat.step == "ask_age"
