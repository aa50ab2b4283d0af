"""The citizen corrects the transfer scope and the sex."""

from __future__ import annotations

from actions.flows import UserTurn
from tests.flows.conftest import Conversation


def test_scope_corrected_by_typing(chat: Conversation) -> None:
    # Citizen chose "山东省内转移" and is asked for the channel.
    chat.start("转移养老保险", "start_pension_transfer_guide")
    chat.press("山东省内转移")

    # Citizen types "不对，是跨省转移" → the cross-province questions start.
    chat.say("不对，是跨省转移")

    assert chat.texts == [
        "好的，已改为“跨省转移”。",
        "跨省转移时，是否建立临时账户和性别、年龄有关。请问您的性别是？",
    ]


def test_sex_corrected_by_an_earlier_button(chat: Conversation) -> None:
    # Citizen answers "男" and "45" and "不是户籍所在地".
    chat.start("转移养老保险", "start_pension_transfer_guide")
    chat.press("跨省转移")
    female = chat.button_payload("女")
    chat.press("男")
    chat.say("45")
    chat.press("不是户籍所在地")
    assert chat.texts == ["您想在网上办理，还是到窗口办理？"]

    # Citizen presses "女" under the sex question → at 45 a woman gets a
    # temporary account, so that message now comes before the channel question.
    chat.result = chat.engine.handle(chat.state, UserTurn("女", None, 1.0, female))
    chat.state = chat.result.state

    assert chat.texts[0] == "好的，已改为“女”。"
    assert chat.texts[1].startswith("按规定，男性年满50周岁、女性年满40周岁")
    assert chat.last_text == "您想在网上办理，还是到窗口办理？"
