"""Early retirement for illness or incapacity."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_illness_needs_an_appraisal(chat: Conversation) -> None:
    # Citizen types "病退", presses "女工人（原50岁退休）", gives the birth date.
    chat.start("病退怎么办", "start_retirement_guide")
    chat.say("病退")
    chat.press("女工人（原50岁退休）")
    chat.say("1980年1月1日")
    # Born January 1980, a woman worker: 50 + 1 + (60 // 2) = 31 months.
    assert "法定退休年龄是52岁7个月" in chat.texts[0]

    # The appraisal of working capacity follows at once, without the rules of
    # flexible retirement.
    assert "弹性" not in "".join(chat.texts)
    assert chat.last_text.startswith(
        "因病或非因工致残提前退休，需要先经劳动能力鉴定委员会鉴定为完全丧失劳动能力"
    )

    result = chat.press("下一步")
    assert "劳动能力鉴定向当地劳动能力鉴定委员会申请" in chat.texts[0]
    assert result.state is None
