"""A consultation question in the middle of the guide is answered, then it resumes."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_question_during_walkthrough(chat: Conversation) -> None:
    # Citizen is at step 3 of opening the account.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("开通共济账户")
    chat.press("下一步")
    chat.press("下一步")

    # Citizen asks "共济的钱家人能用来买药吗" (ask_family_account_sharing,
    # 0.91) → the caller answers it from the knowledge base first; the engine
    # then asks step 3 again, prefixed with 继续刚才的步骤.
    result = chat.say("共济的钱家人能用来买药吗", "ask_family_account_sharing", 0.91)

    assert result.digression == "共济的钱家人能用来买药吗"
    assert len(chat.texts) == 1
    assert chat.last_text.startswith("继续刚才的步骤：第3步（共4步）")
    assert chat.button_titles[0] == "下一步"
    assert chat.step == "open_step_3"

    # Citizen presses "下一步" → the guide goes on at step 4.
    chat.press("下一步")
    assert chat.last_text.startswith("第4步（共4步）")
