"""Happy path: a young man transfers his pension across provinces online."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_cross_province_online(chat: Conversation) -> None:
    # Citizen: "养老保险怎么从外省转过来" → introduction and the scope question.
    chat.start("养老保险怎么从外省转过来", "start_pension_transfer_guide")
    assert chat.texts[0].startswith("我来带您了解养老保险关系怎么转移")
    assert chat.last_text == "您是在山东省内换了工作地，还是跨省转移？"

    # Citizen presses "跨省转移" → sex, then age, then household registration.
    chat.press("跨省转移")
    assert (
        chat.last_text
        == "跨省转移时，是否建立临时账户和性别、年龄有关。请问您的性别是？"
    )
    chat.press("男")
    assert chat.last_text == "您今年多少周岁？请直接输入数字，例如：45。"
    chat.say("35岁")
    assert chat.last_text == "您要转入的新参保地，是您的户籍所在地吗？"

    # Citizen presses "不是户籍所在地" → at 35 no temporary account; channel.
    chat.press("不是户籍所在地")
    assert chat.texts == ["您想在网上办理，还是到窗口办理？"]

    # Citizen presses "网上办理" → three steps, one per message.
    chat.press("网上办理")
    assert chat.last_text.startswith("第1步（共3步）：先在新工作地参保缴费")
    chat.press("下一步")
    assert chat.last_text.startswith(
        "第2步（共3步）：打开“掌上12333”App，或者登录国家社会保险公共服务平台"
    )
    chat.press("下一步")
    assert "规定的工作日时限内交换表单" in chat.last_text

    # Citizen presses "下一步" → what is transferred.
    chat.press("下一步")
    assert chat.last_text == (
        "转移的内容：个人账户储存额全部转移；统筹基金按1998年以来各年度缴费工资基数的12%转移。"
    )

    # Citizen presses "下一步" → where the pension is paid; the guide ends.
    result = chat.press("下一步")
    assert chat.texts[0].startswith("以后在哪里领养老金：养老保险关系在户籍所在地的")
    assert result.state is None
