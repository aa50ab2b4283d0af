"""The citizen asks for a human at the temporary-account stage."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_handoff_after_temporary_account(chat: Conversation) -> None:
    # Citizen: cross-province, man, 56, not household registration.
    chat.start("转移养老保险", "start_pension_transfer_guide")
    chat.press("跨省转移")
    chat.press("男")
    chat.say("56")
    chat.press("不是户籍所在地")

    # Citizen presses "转人工" at the channel question.
    result = chat.press("转人工")

    assert result.handoff == {
        "flow": "pension_transfer",
        "flow_name": "养老保险关系转移引导",
        "step": "ask_channel",
        "step_text": "您想在网上办理，还是到窗口办理？",
        "slots": {
            "transfer_scope": "cross_province",
            "sex": "male",
            "age": 56.0,
            "new_place_is_hukou": False,
        },
        "answers": [
            {
                "question": "您是在山东省内换了工作地，还是跨省转移？",
                "answer": "跨省转移",
            },
            {
                "question": "跨省转移时，是否建立临时账户和性别、年龄有关。"
                "请问您的性别是？",
                "answer": "男",
            },
            {
                "question": "您今年多少周岁？请直接输入数字，例如：45。",
                "answer": "56",
            },
            {
                "question": "您要转入的新参保地，是您的户籍所在地吗？",
                "answer": "不是户籍所在地",
            },
        ],
    }
    assert result.state is None
