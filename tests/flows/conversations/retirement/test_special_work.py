"""Early retirement for special types of work."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_special_work(chat: Conversation) -> None:
    # Citizen starts, types "特殊工种" and "男", and gives the birth date.
    chat.start("特殊工种提前退休", "start_retirement_guide")
    chat.say("特殊工种")
    chat.say("男")
    chat.say("1970-03-15")
    assert "法定退休年龄是61岁4个月" in chat.texts[0]

    # The special-work materials follow at once, without the rules of
    # flexible retirement, which apply to the statutory age only. They say the
    # early age follows national rules and the computed age is for reference.
    assert "弹性" not in "".join(chat.texts)
    assert chat.last_text.startswith(
        "特殊工种提前退休，除了居民身份证、社会保障卡和本人档案"
    )
    assert "上面算出的是您的法定退休年龄，供参考" in chat.last_text

    result = chat.press("下一步")
    assert chat.texts[0].startswith(
        "特殊工种提前退休一般由所在单位向参保地社保经办机构申报"
    )
    assert result.state is None
