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
        "step_text": "第1步（共5步）：在微信里打开“山东税务社保费缴纳”小程序，"
        "在“城乡居民”里选择“居民医疗”。",
        "slots": {
            "has_employee_insurance": True,
            "relative_relation": "parent",
            "sharing_task": "pay_premium",
            "relative_in_shandong": True,
        },
        "answers": [
            {
                "question": "家庭共济要由参加职工医保的职工本人开通。"
                "请问您本人参加的是职工医保吗？",
                "answer": "是，职工医保",
            },
            {"question": "您想办理哪一项？", "answer": "给家人交居民医保"},
            {
                "question": "您想和哪位家人共济？请选择这位家人和您的关系。",
                "answer": "父母",
            },
            {
                "question": "您父母的城乡居民医保是在山东省内参保的吗？",
                "answer": "在山东省内参保",
            },
        ],
    }
