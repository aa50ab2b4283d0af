"""The citizen corrects an earlier answer later in the guide."""

from __future__ import annotations

from actions.flows import UserTurn
from tests.flows.conftest import Conversation


def test_relation_corrected_by_typing(chat: Conversation) -> None:
    # Citizen chose "配偶" and "给家人交居民医保"; the bot asks where the
    # spouse is insured.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("配偶")
    chat.press("给家人交居民医保")
    assert chat.last_text == "您配偶的城乡居民医保是在山东省内参保的吗？"

    # Citizen types "说错了，是给我妈妈交" → the relation becomes 父母 and the
    # flow continues from the step after the relation question. The task is
    # already known, so the insured-place question comes back, now about 父母.
    chat.say("说错了，是给我妈妈交")
    assert chat.texts == [
        "好的，已改为“父母”。",
        "您父母的城乡居民医保是在山东省内参保的吗？",
    ]
    assert chat.slots["relative_relation"] == "parent"


def test_relation_corrected_to_an_ineligible_one(chat: Conversation) -> None:
    # Citizen chose "子女" and is at step 1 of binding.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    relation_buttons = {
        title: chat.button_payload(title) for title in ("子女", "兄弟姐妹")
    }
    chat.press("子女")
    chat.press("绑定家人")

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


def test_task_corrected_during_walkthrough(chat: Conversation) -> None:
    # Citizen is at step 2 of opening the account.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("配偶")
    chat.press("开通共济账户")
    chat.press("下一步")

    # Citizen types "我其实是想绑定家人" → the binding walkthrough starts.
    chat.say("我其实是想绑定家人")
    assert chat.texts[0] == "好的，已改为“绑定家人”。"
    assert chat.last_text.startswith("第1步（共3步）：打开“泰安医保”小程序")
