"""Short typed answers count as answers even when NLU reads a topic in them."""

from __future__ import annotations

from actions.flows import UserTurn
from tests.flows.conftest import Conversation


def test_relation_typed_in_own_words(chat: Conversation) -> None:
    # Citizen wants to bind a relative and is asked for the relation.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")

    # Citizen types "我老婆"; NLU is sure of the family-sharing topic (0.93),
    # but a short reply without question words answers the question.
    result = chat.say("我老婆", "ask_family_account_sharing", 0.93)

    assert result.digression is None
    assert chat.slots["relative_relation"] == "spouse"
    assert chat.step == "bind_step_1"


def test_question_with_a_relation_word_is_a_digression(chat: Conversation) -> None:
    # Citizen wants to bind a relative and is asked for the relation.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")

    # A question that names a relation is answered from the knowledge base.
    result = chat.say("老婆在外地能用我的医保卡吗", "ask_family_account_sharing", 0.93)

    assert result.digression == "老婆在外地能用我的医保卡吗"
    assert "relative_relation" not in chat.slots
    assert chat.step == "ask_relation"


def test_typed_correction_despite_a_confident_topic(chat: Conversation) -> None:
    # Citizen chose paying for 子女 and is at the insured-place question.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("给家人交居民医保")
    chat.press("子女")

    # Citizen types only "配偶": not an insured place, but a correction of the
    # relation; the insured-place question comes back about 配偶.
    result = chat.say("配偶", "ask_family_account_sharing", 0.9)

    assert result.digression is None
    assert chat.texts == [
        "好的，已改为“配偶”。",
        "您配偶的城乡居民医保是在山东省内参保的吗？",
    ]
    assert chat.slots["relative_relation"] == "spouse"
    assert chat.step == "ask_relative_in_shandong"


def test_start_button_of_the_running_flow_asks_again(chat: Conversation) -> None:
    # Citizen is at the relation question and presses the guide's start
    # button again, from an earlier answer.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")
    question = chat.last_text

    chat.result = chat.engine.handle(
        chat.state,
        UserTurn("一步步带我办理家庭共济", None, 1.0, "/start_family_sharing_guide"),
    )
    chat.state = chat.result.state

    # The answers so far are kept and the same question comes back.
    assert chat.texts == [
        f"您已经在“医保个账家庭共济办理引导”中了，我们接着办：{question}"
    ]
    assert chat.slots["has_employee_insurance"] is True
    assert chat.slots["sharing_task"] == "bind_relative"
    assert chat.step == "ask_relation"
