"""Happy path: an employee opens the family-sharing account."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_open_account_walkthrough(chat: Conversation) -> None:
    # Citizen: "我想开通家庭共济" → the guide starts with an introduction and
    # the first question.
    chat.start("我想开通家庭共济", "start_family_sharing_guide")
    assert chat.texts[0].startswith("我来一步一步带您办理医保个人账户家庭共济")
    assert (
        chat.last_text
        == "家庭共济要由参加职工医保的职工本人开通。请问您本人参加的是职工医保吗？"
    )
    assert chat.button_titles == [
        "是，职工医保",
        "不是，居民医保",
        "上一步",
        "重复一遍",
        "退出",
        "转人工",
    ]

    # Citizen presses "是，职工医保" → the bot asks what to do.
    chat.press("是，职工医保")
    assert chat.last_text == "您想办理哪一项？"
    assert chat.button_titles[:3] == ["开通共济账户", "绑定家人", "给家人交居民医保"]

    # Citizen presses "开通共济账户" → opening needs no relative, so step 1 of 4
    # in the "泰安医保" mini-program follows at once.
    chat.press("开通共济账户")
    assert chat.last_text.startswith(
        "第1步（共4步）：在微信里搜索并打开“泰安医保”小程序"
    )
    assert chat.button_titles == [
        "下一步",
        "人脸识别不通过",
        "上一步",
        "重复一遍",
        "退出",
        "转人工",
    ]

    # Citizen presses "下一步" three times → one step per message.
    chat.press("下一步")
    assert (
        chat.last_text
        == "第2步（共4步）：在小程序里点“个账共济”，再点“建立我的个账共济账户”。"
    )
    chat.press("下一步")
    assert "允许家人使用的额度和您本人的手机号" in chat.last_text
    chat.press("下一步")
    assert (
        chat.last_text
        == "第4步（共4步）：核对页面上的家庭共济信息，确认无误后点“立即开户”。"
    )

    # Citizen presses "下一步" at the last step → the guide ends.
    result = chat.press("下一步")
    assert chat.texts == [
        "开户完成后，您的个账共济账户就建好了。接下来可以在“个账共济”里点“添加家庭成员”"
        "绑定家人；需要绑定的步骤，可以再打开这个引导，选择“绑定家人”。"
    ]
    assert result.state is None
    assert result.persisted_slots == {}


def test_open_account_never_asks_relation(chat: Conversation) -> None:
    sent: list[str] = []

    # Citizen starts the guide, types "是的" and then "开户" → step 1 of
    # opening, with no question about a relative in between.
    chat.start("家庭共济怎么开户", "start_family_sharing_guide")
    sent += chat.texts
    chat.say("是的")
    sent += chat.texts
    chat.say("开户")
    sent += chat.texts
    assert chat.step == "open_step_1"

    # Citizen presses "下一步" three times → step 4; still no relation.
    for _ in range(3):
        chat.press("下一步")
        sent += chat.texts
    assert chat.step == "open_step_4"
    assert "relative_relation" not in chat.slots

    # Citizen presses "下一步" at the last step → the guide ends.
    result = chat.press("下一步")
    sent += chat.texts
    assert result.state is None
    assert sent[-1].startswith("开户完成后，您的个账共济账户就建好了")

    # No message of the whole conversation asked for the relation.
    assert not any("家人和您的关系" in text for text in sent)
