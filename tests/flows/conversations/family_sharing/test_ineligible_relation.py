"""A relation outside Tai'an's list is explained, then the citizen chooses again."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_sibling_is_not_eligible_then_reselect(chat: Conversation) -> None:
    # Citizen starts the guide, is an employee and wants to bind a relative.
    chat.start("想和我哥共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")
    assert chat.last_text == "您想和哪位家人共济？请选择这位家人和您的关系。"
    assert chat.button_titles[:8] == [
        "配偶", "父母", "子女", "配偶的父母", "兄弟姐妹", "祖父母或外祖父母",
        "孙子女或外孙子女", "其他",
    ]  # fmt: skip

    # Citizen presses "兄弟姐妹" → not in Tai'an's list; national rules are
    # wider, which the text mentions; the citizen may choose again or stop.
    chat.press("兄弟姐妹")
    assert chat.texts[0].startswith(
        "按泰安医保目前公布的范围，您选择的“兄弟姐妹”还不能绑定家庭共济。"
    )
    assert "国家从2024年起把近亲属的范围扩大到兄弟姐妹" in chat.texts[0]
    assert chat.last_text == "您可以重新选择一位家人，或者结束这次引导。"
    assert chat.button_titles[:2] == ["重新选择关系", "结束引导"]
    assert chat.step == "ask_after_ineligible"

    # Citizen presses "重新选择关系" → the relation question comes back; the
    # task is kept.
    chat.press("重新选择关系")
    assert chat.last_text == "您想和哪位家人共济？请选择这位家人和您的关系。"
    assert chat.step == "ask_relation"
    assert "relative_relation" not in chat.slots
    assert chat.slots["sharing_task"] == "bind_relative"

    # Citizen presses "配偶的父母" → eligible; step 1 of binding follows.
    chat.press("配偶的父母")
    assert chat.last_text.startswith("第1步（共3步）：打开“泰安医保”小程序")


def test_ineligible_when_paying_then_reselect(chat: Conversation) -> None:
    # Citizen wants to pay a relative's premium and types "奶奶" (offered as
    # 祖父母或外祖父母) → not eligible, so no insured-place question yet.
    chat.start("给奶奶交医保", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("给家人交居民医保")
    chat.say("奶奶")
    assert chat.texts[0].startswith(
        "按泰安医保目前公布的范围，您选择的“祖父母或外祖父母”还不能绑定家庭共济。"
    )
    assert chat.step == "ask_after_ineligible"
    assert "relative_in_shandong" not in chat.slots

    # Citizen types "重选" → the relation question; "妈妈" is eligible, and
    # the bot asks where the mother is insured.
    chat.say("重选")
    assert chat.step == "ask_relation"
    chat.say("妈妈")
    assert chat.last_text == "您父母的城乡居民医保是在山东省内参保的吗？"


def test_ineligible_then_switch_to_opening(chat: Conversation) -> None:
    # Citizen wants to bind a sibling and is told the relation is not eligible.
    chat.start("想和我哥共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")
    chat.press("兄弟姐妹")
    assert chat.step == "ask_after_ineligible"

    # Citizen types "那先开户" → a correction of the task: opening needs no
    # relative, so step 1 of opening follows.
    chat.say("那先开户")
    assert chat.texts[0] == "好的，已改为“开通共济账户”。"
    assert chat.last_text.startswith(
        "第1步（共4步）：在微信里搜索并打开“泰安医保”小程序"
    )
    assert chat.step == "open_step_1"


def test_other_relation_then_end(chat: Conversation) -> None:
    # Citizen starts, is an employee, wants to bind a relative and types
    # "朋友" (offered as 其他).
    chat.start("能给朋友共济吗", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")
    chat.say("朋友")
    assert "您选择的“其他”还不能绑定家庭共济" in chat.texts[0]

    # Citizen presses "结束引导" → goodbye, no state.
    result = chat.press("结束引导")
    assert chat.texts == ["好的，这次引导就到这里。还有其他问题可以直接问我。"]
    assert result.state is None
