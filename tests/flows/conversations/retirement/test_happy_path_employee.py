"""Happy path: an enterprise employee learns his retirement age and what to prepare."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_enterprise_employee(chat: Conversation) -> None:
    # Citizen: "我什么时候能退休" → introduction and the kind-of-person question.
    chat.start("我什么时候能退休", "start_retirement_guide")
    assert chat.texts[0].startswith("我来帮您算一算法定退休年龄")
    assert chat.last_text == "请先选择您的情况："
    assert chat.button_titles[:4] == [
        "企业职工", "灵活就业人员", "特殊工种提前退休", "因病或非因工致残提前退休",
    ]  # fmt: skip

    # Citizen presses "企业职工" → the category question.
    chat.press("企业职工")
    assert chat.last_text.startswith("请选择您的性别和类别。")
    assert chat.button_titles[:3] == [
        "男",
        "女干部（原55岁退休）",
        "女工人（原50岁退休）",
    ]

    # Citizen presses "男" → the birth date question.
    chat.press("男")
    assert chat.last_text == "请输入您的出生日期，例如：1966年5月20日。"

    # Citizen types "1966年5月20日" → born in May 1966, a man retires at 60
    # years and 5 months under the reform, in October 2026.
    chat.say("1966年5月20日")
    assert chat.texts[0] == (
        "按您的出生年月和类别计算：原法定退休年龄是60岁；按2025年1月1日起实施的渐进式延迟法定"
        "退休年龄规定，延迟5个月，法定退休年龄是60岁5个月，预计在2026年10月达到。"
    )
    assert chat.last_text.startswith(
        "另外，缴费达到最低年限的，可以自愿选择弹性提前退休，最多提前3年"
    )
    assert "从2030年起每年提高半年，逐步提高到20年" in chat.last_text

    # Citizen presses "下一步" → materials.
    chat.press("下一步")
    assert chat.last_text.startswith(
        "企业职工办理退休，一般需要准备：居民身份证、社会保障卡、本人档案"
    )

    # Citizen presses "下一步" → where to apply, then the closing; the end.
    result = chat.press("下一步")
    assert chat.texts[0].startswith("企业职工的退休申请一般由所在单位办理")
    assert "“爱山东”App" in chat.texts[0]
    assert (
        chat.texts[1]
        == "以上就是退休申请的大致流程。还有问题可以直接问我，或说“转人工”。"
    )
    assert result.state is None
