"""Flexible employment: a woman with original age 55 applies herself."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_flexible_employment_woman(chat: Conversation) -> None:
    # Citizen starts and presses "灵活就业人员" → the category question for
    # flexible employment explains the usual original age of 55.
    chat.start("灵活就业怎么办退休", "start_retirement_guide")
    chat.press("灵活就业人员")
    assert (
        "以灵活就业身份参保的女性，原来的法定退休年龄一般按55岁确定" in chat.last_text
    )
    assert chat.button_titles[:3] == ["男", "女（原55岁退休）", "女（原50岁退休）"]

    # Citizen presses "女（原55岁退休）" and types "1975-08-01" → 55 plus
    # 1 + (67 // 4) = 17 months: 56 years 5 months, in January 2032.
    chat.press("女（原55岁退休）")
    chat.say("1975-08-01")
    assert "法定退休年龄是56岁5个月，预计在2032年1月达到" in chat.texts[0]

    # Citizen goes through materials and place.
    chat.press("下一步")
    assert chat.last_text.startswith(
        "灵活就业人员办理退休，一般需要准备：居民身份证、社会保障卡"
    )
    result = chat.press("下一步")
    assert chat.texts[0].startswith("灵活就业人员由本人申请：可以在“爱山东”App上申请")
    assert result.state is None
