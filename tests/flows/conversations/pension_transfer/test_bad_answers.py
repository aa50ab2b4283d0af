"""Ages that cannot be read or make no sense are rejected."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_age_answers(chat: Conversation) -> None:
    # Citizen crosses provinces and is a woman.
    chat.start("转移养老保险", "start_pension_transfer_guide")
    chat.press("跨省转移")
    chat.press("女")

    # Citizen types "不太清楚" → no number: the invalid-age text, then again.
    chat.say("不太清楚")
    assert chat.texts == [
        "没能识别年龄，请只输入一个数字，例如：45。",
        "您今年多少周岁？请直接输入数字，例如：45。",
    ]

    # Citizen types "200" → out of range: the rejection, then again.
    chat.say("200")
    assert chat.texts == [
        "这个年龄好像不对，请输入16到100之间的周岁数。",
        "您今年多少周岁？请直接输入数字，例如：45。",
    ]

    # Citizen types "四十二" → accepted.
    chat.say("四十二")
    assert chat.last_text == "您要转入的新参保地，是您的户籍所在地吗？"
    assert chat.slots["age"] == 42.0


def test_age_with_a_confident_topic_is_an_answer(chat: Conversation) -> None:
    # Citizen is asked for the age; NLU reads "我45了" as a transfer question
    # with 0.9, because the conversation is about transfers.
    chat.start("转移养老保险", "start_pension_transfer_guide")
    chat.press("跨省转移")
    chat.press("男")

    result = chat.say("我45了", "ask_insurance_transfer", 0.9)

    assert result.digression is None
    assert chat.slots["age"] == 45.0
    assert chat.last_text == "您要转入的新参保地，是您的户籍所在地吗？"


def test_sex_in_everyday_words(chat: Conversation) -> None:
    # Citizen crosses provinces and types "我是男的" for the sex.
    chat.start("转移养老保险", "start_pension_transfer_guide")
    chat.press("跨省转移")

    chat.say("我是男的")

    assert chat.slots["sex"] == "male"
    assert chat.step == "ask_age"
