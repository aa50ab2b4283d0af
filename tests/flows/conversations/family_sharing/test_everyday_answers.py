"""Answers in everyday words, and sentences that only describe the relative."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_relative_described_keeps_own_answer(chat: Conversation) -> None:
    # Citizen wants to bind a relative and is asked for the relation.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")

    # "我爸，他是居民医保" names the father; 居民医保 is about him, so the
    # citizen's own employee insurance stays as answered.
    chat.say("我爸，他是居民医保")

    assert chat.slots["relative_relation"] == "parent"
    assert chat.slots["has_employee_insurance"] is True
    assert chat.step == "bind_step_1"


def test_city_name_answers_in_province(chat: Conversation) -> None:
    # Citizen pays for a parent and is asked whether the parent is insured in
    # Shandong.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("给家人交居民医保")
    chat.press("父母")

    chat.say("他在泰安参保")

    assert chat.slots["relative_in_shandong"] is True
    assert chat.step == "pay_step_1"


def test_everyday_word_goes_to_next_step(chat: Conversation) -> None:
    # Citizen is at step 1 of opening the account and types "好了".
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("开通共济账户")

    chat.say("好了")

    assert chat.step == "open_step_2"
