"""Happy path: a transfer between two cities of Shandong."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_within_shandong_online(chat: Conversation) -> None:
    # Citizen starts and presses "山东省内转移" → no sex or age questions.
    chat.start("从济南调到泰安，养老保险怎么转", "start_pension_transfer_guide")
    chat.press("山东省内转移")
    assert chat.last_text == "省内转移，您想在网上办理，还是到窗口办理？"

    # Citizen presses "网上办理" → the first of two steps.
    chat.press("网上办理")
    assert (
        chat.last_text
        == "第1步（共2步）：先在新工作地参保缴费。省内转移由新参保地受理。"
    )

    # Citizen presses "下一步" → the 爱山东 app; the guide ends.
    result = chat.press("下一步")
    assert chat.texts[0].startswith("第2步（共2步）：打开“爱山东”App")
    assert "缴费年限累计计算" in chat.texts[0]
    assert result.state is None


def test_within_shandong_at_the_counter(chat: Conversation) -> None:
    # Citizen types the answers instead of pressing buttons.
    chat.start("省内转移", "start_pension_transfer_guide")
    chat.say("省内")
    chat.say("窗口")

    result = chat.say("下一步")

    assert chat.texts[0].startswith(
        "第2步（共2步）：带上身份证，到新参保地社保经办机构窗口"
    )
    assert result.state is None
