"""Happy path: an employee pays a child's resident premium from the account."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_pay_premium_walkthrough(chat: Conversation) -> None:
    # Citizen starts the guide, is an employee, chooses paying and "子女".
    chat.start("用个账给孩子交居民医保", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("给家人交居民医保")
    assert chat.last_text == "您想和哪位家人共济？请选择这位家人和您的关系。"
    chat.press("子女")

    # The bot asks where the child is insured.
    assert chat.last_text == "您子女的城乡居民医保是在山东省内参保的吗？"

    # Citizen types "在山东" → five steps in the tax bureau's mini-program.
    chat.say("在山东")
    assert chat.last_text == (
        "第1步（共5步）：在微信里打开“山东税务社保费缴纳”小程序，在“城乡居民”里选择“居民医疗”。"
    )
    chat.press("下一步")
    assert chat.last_text == "第2步（共5步）：选择要缴费的年度。"
    chat.press("下一步")
    assert chat.last_text == (
        "第3步（共5步）：添加您子女的姓名和身份证号。只能添加已经和您绑定、并已开通家庭共济的家人。"
    )
    chat.press("下一步")
    assert chat.last_text == "第4步（共5步）：选择缴费档次，再选择“家庭共济缴费”。"
    chat.press("下一步")
    assert chat.last_text == "第5步（共5步）：核对缴费信息，确认无误后点“确认缴费”。"

    # Citizen presses "下一步" → done.
    result = chat.press("下一步")
    assert chat.texts == ["缴费就完成了。还有其他问题可以直接问我，或说“转人工”。"]
    assert result.state is None
