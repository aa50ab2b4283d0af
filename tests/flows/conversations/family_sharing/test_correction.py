"""The citizen corrects an earlier answer later in the guide."""

from __future__ import annotations

from actions.flows import UserTurn
from tests.flows.conftest import Conversation


def test_relation_corrected_by_typing(chat: Conversation) -> None:
    # Citizen chose "给家人交居民医保" and "配偶"; the bot asks where the
    # spouse is insured.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("给家人交居民医保")
    chat.press("配偶")
    assert chat.last_text == "您配偶的城乡居民医保是在山东省内参保的吗？"

    # Citizen types "说错了，是给我妈妈交" → the relation becomes 父母 and the
    # flow continues from the step after the relation question: the
    # insured-place question comes back, now about 父母.
    chat.say("说错了，是给我妈妈交")
    assert chat.texts == [
        "好的，已改为“父母”。",
        "您父母的城乡居民医保是在山东省内参保的吗？",
    ]
    assert chat.slots["relative_relation"] == "parent"


def test_relation_corrected_to_an_ineligible_one(chat: Conversation) -> None:
    # Citizen chose "绑定家人" and "子女" and is at step 1 of binding.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")
    relation_buttons = {
        title: chat.button_payload(title) for title in ("子女", "兄弟姐妹")
    }
    chat.press("子女")

    # Citizen scrolls up and presses "兄弟姐妹" under the relation question →
    # the correction leads to the not-eligible branch.
    payload = relation_buttons["兄弟姐妹"]
    chat.result = chat.engine.handle(
        chat.state, UserTurn("兄弟姐妹", None, 1.0, payload)
    )
    chat.state = chat.result.state
    assert chat.texts[0] == "好的，已改为“兄弟姐妹”。"
    assert chat.texts[1].startswith(
        "按泰安医保目前公布的范围，您选择的“兄弟姐妹”还不能绑定"
    )
    assert chat.step == "ask_after_ineligible"


def test_task_corrected_from_opening_asks_relation(chat: Conversation) -> None:
    # Citizen chose "开通共济账户" and is at step 2 of opening; no relation
    # was asked.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("开通共济账户")
    chat.press("下一步")
    assert "relative_relation" not in chat.slots

    # Citizen types "我其实是想绑定家人" → the task becomes 绑定家人 and the
    # flow continues after the task question, which now is the relation
    # question.
    chat.say("我其实是想绑定家人")
    assert chat.texts == [
        "好的，已改为“绑定家人”。",
        "您想和哪位家人共济？请选择这位家人和您的关系。",
    ]
    assert chat.slots["sharing_task"] == "bind_relative"
    assert chat.step == "ask_relation"

    # Citizen presses "配偶" → step 1 of binding.
    chat.press("配偶")
    assert chat.last_text.startswith("第1步（共3步）：打开“泰安医保”小程序")


def test_task_corrected_from_binding_keeps_relation(chat: Conversation) -> None:
    # Citizen chose "绑定家人" and "父母" and is at step 2 of binding.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")
    chat.press("父母")
    chat.press("下一步")

    # Citizen types "其实我是想代缴" → the relation is already known
    # and eligible, so the bot asks where the parent is insured.
    chat.say("其实我是想代缴")
    assert chat.texts == [
        "好的，已改为“给家人交居民医保”。",
        "您父母的城乡居民医保是在山东省内参保的吗？",
    ]
    assert chat.slots["relative_relation"] == "parent"
    assert chat.step == "ask_relative_in_shandong"


def test_task_corrected_to_opening_skips_relation(chat: Conversation) -> None:
    # Citizen chose "绑定家人" and "子女" and is at step 1 of binding.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")
    chat.press("子女")

    # Citizen types "先开户" → step 1 of opening follows the corrected task.
    chat.say("先开户")
    assert chat.texts[0] == "好的，已改为“开通共济账户”。"
    assert chat.last_text.startswith(
        "第1步（共4步）：在微信里搜索并打开“泰安医保”小程序"
    )
    assert chat.step == "open_step_1"


def test_task_corrected_by_typing_a_button_title(chat: Conversation) -> None:
    # Citizen chose to open the account and is at step 1.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("开通共济账户")

    # Citizen types the title "给家人交居民医保". It also contains 居民医保, a
    # word of the employee-insurance question, but the whole title wins.
    chat.say("给家人交居民医保")

    assert chat.texts[0] == "好的，已改为“给家人交居民医保”。"
    assert chat.slots["sharing_task"] == "pay_premium"
    assert chat.slots["has_employee_insurance"] is True
    assert chat.step == "ask_relation"
