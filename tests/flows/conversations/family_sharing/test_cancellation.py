"""The citizen stops the family-sharing guide halfway."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_cancel_by_typing(chat: Conversation) -> None:
    # Citizen starts and answers two questions.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")

    # Citizen types "不办了" → the guide says it stopped; no state is left.
    result = chat.say("不办了")

    assert chat.texts == [
        "好的，已退出“医保个账家庭共济办理引导”。还有其他问题可以直接问我。"
    ]
    assert result.state is None
    assert result.handoff is None


def test_cancel_by_button_during_walkthrough(chat: Conversation) -> None:
    # Citizen is at step 2 of paying for a relative.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("给家人交居民医保")
    chat.press("父母")
    chat.press("在山东省内参保")
    chat.press("下一步")

    # Citizen presses "退出".
    result = chat.press("退出")

    assert chat.last_text.startswith("好的，已退出")
    assert result.state is None
