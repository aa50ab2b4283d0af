"""Happy path: an employee binds a parent to the sharing account."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_bind_relative_walkthrough(chat: Conversation) -> None:
    # Citizen starts the guide and confirms the employee insurance by typing.
    chat.start("怎么绑定家人共济", "start_family_sharing_guide")
    chat.say("是的")

    # Citizen presses "绑定家人" → binding needs a relative, so the bot asks
    # for the relation.
    chat.press("绑定家人")
    assert chat.last_text == "您想和哪位家人共济？请选择这位家人和您的关系。"

    # Citizen presses "父母" → eligible; step 1 of 3.
    chat.press("父母")
    assert chat.last_text == (
        "第1步（共3步）：打开“泰安医保”小程序，点“个账共济”，再点“添加家庭成员”。"
        "绑定家人之前，需要先开通个账共济账户。"
    )

    # Citizen presses "下一步" → the face check step offers the failure button.
    chat.press("下一步")
    assert chat.last_text.startswith("第2步（共3步）：按提示完成您本人的人脸识别")
    assert "人脸识别不通过" in chat.button_titles

    # Citizen presses "下一步" → the last step names the relative.
    chat.press("下一步")
    assert (
        chat.last_text
        == "第3步（共3步）：在成员页面填写您父母的信息，勾选“承诺书”，然后点“提交”。"
    )

    # Citizen presses "下一步" → done.
    result = chat.press("下一步")
    assert chat.texts == [
        "提交成功后，您的父母就绑定到您的共济账户了，可以按规定共同使用您个人账户的余额。"
        "还有其他问题可以直接问我。"
    ]
    assert result.state is None
