"""The citizen corrects the birth date and the category after the result."""

from __future__ import annotations

from actions.flows import UserTurn
from tests.flows.conftest import Conversation


def test_birth_date_corrected_after_the_result(chat: Conversation) -> None:
    # Citizen gets the result for a man born on 20 May 1966.
    chat.start("退休年龄", "start_retirement_guide")
    chat.press("企业职工")
    chat.press("男")
    chat.say("1966年5月20日")
    assert "60岁5个月" in chat.texts[0]

    # Citizen types "输错了，是1968年5月20日" at the next step → the age is
    # computed again from the corrected date.
    chat.say("输错了，是1968年5月20日")

    assert chat.texts[0] == "好的，已改为“1968-05-20”。"
    assert "法定退休年龄是60岁11个月，预计在2029年4月达到" in chat.texts[1]
    assert chat.step == "flexible_retirement"


def test_category_corrected_by_an_earlier_button(chat: Conversation) -> None:
    # Citizen chose "女干部（原55岁退休）" and gave the birth date.
    chat.start("退休年龄", "start_retirement_guide")
    chat.press("企业职工")
    worker = chat.button_payload("女工人（原50岁退休）")
    chat.press("女干部（原55岁退休）")
    chat.say("1976-02-01")
    assert "原法定退休年龄是55岁" in chat.texts[0]

    # Citizen presses "女工人（原50岁退休）" under the category question →
    # the birth date is kept and the age computed for a woman worker.
    chat.result = chat.engine.handle(chat.state, UserTurn("女工人", None, 1.0, worker))
    chat.state = chat.result.state

    assert chat.texts[0] == "好的，已改为“女工人（原50岁退休）”。"
    assert "原法定退休年龄是50岁" in chat.texts[1]
    assert "法定退休年龄是50岁7个月" in chat.texts[1]
