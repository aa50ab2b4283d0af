"""Happy path: a cross-province transfer at the counter."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_cross_province_at_the_counter(chat: Conversation) -> None:
    # Citizen starts, crosses provinces, is a woman of 30 moving home.
    chat.start("跨省转移养老保险", "start_pension_transfer_guide")
    chat.say("跨省")
    chat.say("女")
    chat.say("30")
    chat.say("是户籍所在地")

    # Citizen types "去窗口办" → the counter walkthrough.
    chat.say("去窗口办")
    assert chat.last_text.startswith("第1步（共3步）：先在新工作地参保缴费")

    chat.press("下一步")
    assert (
        chat.last_text
        == "第2步（共3步）：向原参保地社保经办机构申请开具《参保缴费凭证》。"
    )

    chat.press("下一步")
    assert chat.last_text.startswith(
        "第3步（共3步）：带上身份证和《参保缴费凭证》，到新参保地社保经办机构窗口提出转移申请。"
    )

    chat.press("下一步")
    assert chat.last_text.startswith("转移的内容：个人账户储存额全部转移")

    result = chat.press("下一步")
    assert result.state is None
