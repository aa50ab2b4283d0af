"""A relation outside Tai'an's list is explained, then the citizen chooses again."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_sibling_is_not_eligible_then_reselect(chat: Conversation) -> None:
    # Citizen starts the guide and is an employee.
    chat.start("想和我哥共济", "start_family_sharing_guide")
    chat.press("是，职工医保")

    # Citizen presses "兄弟姐妹" → not in Tai'an's list; national rules are
    # wider, which the text mentions; the citizen may choose again or stop.
    chat.press("兄弟姐妹")
    assert chat.texts[0].startswith(
        "按泰安医保目前公布的范围，您选择的“兄弟姐妹”还不能绑定家庭共济。"
    )
    assert "国家从2024年起把近亲属的范围扩大到兄弟姐妹" in chat.texts[0]
    assert chat.last_text == "您可以重新选择一位家人，或者结束这次引导。"
    assert chat.button_titles[:2] == ["重新选择关系", "结束引导"]

    # Citizen presses "重新选择关系" → the relation question comes back.
    chat.press("重新选择关系")
    assert chat.last_text == "您想和哪位家人共济？请选择这位家人和您的关系。"
    assert "relative_relation" not in chat.slots

    # Citizen presses "配偶的父母" → eligible; the task question follows.
    chat.press("配偶的父母")
    assert chat.last_text == "您想办理哪一项？"


def test_other_relation_then_end(chat: Conversation) -> None:
    # Citizen starts, is an employee, and types "朋友" (offered as 其他).
    chat.start("能给朋友共济吗", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.say("朋友")
    assert "您选择的“其他”还不能绑定家庭共济" in chat.texts[0]

    # Citizen presses "结束引导" → goodbye, no state.
    result = chat.press("结束引导")
    assert chat.texts == ["好的，这次引导就到这里。还有其他问题可以直接问我。"]
    assert result.state is None
