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
        "slots": {
            "transfer_scope": "cross_province",
            "sex": "male",
            "age": 56.0,
            "new_place_is_hukou": False,
        },
    }
    assert result.state is None
