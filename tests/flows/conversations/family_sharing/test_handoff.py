"""The citizen asks for a human in the middle of the guide."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_handoff_carries_flow_step_and_answers(chat: Conversation) -> None:
    # Citizen answers four questions and is at step 1 of paying.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("给家人交居民医保")
    chat.press("父母")
    chat.press("在山东省内参保")

    # Citizen types "转人工" → the engine ends the flow and describes it for
    # the agent; the caller creates the ticket and tells the citizen.
    result = chat.say("转人工", "request_human", 0.97)

    assert result.replies == []
    assert result.state is None
    assert result.handoff == {
        "flow": "family_account_sharing",
        "flow_name": "医保个账家庭共济办理引导",
        "step": "pay_step_1",
        "slots": {
            "has_employee_insurance": True,
            "relative_relation": "parent",
            "sharing_task": "pay_premium",
            "relative_in_shandong": True,
        },
    }
