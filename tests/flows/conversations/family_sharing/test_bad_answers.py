"""Answers the guide cannot read are rejected and the question asked again."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_unreadable_answers_then_a_human_offer(chat: Conversation) -> None:
    # Citizen starts the guide.
    chat.start("家庭共济", "start_family_sharing_guide")

    # Citizen types "不知道" → not an answer; the question comes again.
    chat.say("不知道")
    assert chat.texts == [
        "抱歉，没能识别您的回答。请点选下面的按钮，或直接输入按钮上的文字。",
        "家庭共济要由参加职工医保的职工本人开通。请问您本人参加的是职工医保吗？",
    ]

    # Citizen types "不是职工医保吧" → both a yes and a no word: still unclear,
    # and after two misses the bot points to the human button.
    chat.say("不是职工医保吧")
    assert chat.texts[0].endswith("如果一直不成功，可以点“转人工”，由工作人员帮您。")
    assert chat.step == "ask_employee_insurance"

    # Citizen types "职工医保" → accepted; the task question follows.
    chat.say("职工医保")
    assert chat.last_text == "您想办理哪一项？"


def test_unknown_relation_is_asked_again(chat: Conversation) -> None:
    # Citizen wants to bind a relative and types "同事" at the relation
    # question.
    chat.start("家庭共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")

    chat.say("同事")

    assert chat.texts[0].startswith("抱歉，没能识别您的回答")
    assert chat.last_text == "您想和哪位家人共济？请选择这位家人和您的关系。"
    assert "relative_relation" not in chat.slots
