"""The face check fails during opening: tips, a way back, and a human offer."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_face_check_failed_then_passed(chat: Conversation) -> None:
    # Citizen starts and reaches step 1 of opening the account.
    chat.start("开通共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("开通共济账户")

    # Citizen presses "人脸识别不通过" → tips, then a question with the
    # human button; the tips run in a called flow.
    chat.press("人脸识别不通过")
    assert chat.texts[0].startswith("人脸识别没通过，可以这样再试试：到光线充足的地方")
    assert chat.last_text == "重新识别通过后，点“已通过，继续”接着办。"
    assert chat.button_titles == [
        "已通过，继续",
        "上一步",
        "重复一遍",
        "退出",
        "转人工",
    ]
    assert [f["flow"] for f in chat.state["frames"]] == [
        "family_account_sharing",
        "face_check_help",
    ]

    # Citizen presses "已通过，继续" → back in the main flow at step 2.
    chat.press("已通过，继续")
    assert chat.last_text.startswith("第2步（共4步）")
    assert [f["flow"] for f in chat.state["frames"]] == ["family_account_sharing"]


def test_face_check_failed_then_back(chat: Conversation) -> None:
    # Citizen reaches the face check of binding and reports a failure.
    chat.start("绑定家人", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("绑定家人")
    chat.press("子女")
    chat.press("下一步")
    chat.press("人脸识别不通过")

    # Citizen presses "上一步" at the tips question → the face check step
    # of the main flow is asked again.
    chat.press("上一步")
    assert chat.last_text.startswith("第2步（共3步）：按提示完成您本人的人脸识别")
    assert [f["flow"] for f in chat.state["frames"]] == ["family_account_sharing"]


def test_face_check_failed_then_human(chat: Conversation) -> None:
    # Citizen reports a failed face check and then asks for a human.
    chat.start("开通共济", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("开通共济账户")
    chat.press("人脸识别不通过")

    result = chat.press("转人工")

    assert result.handoff["flow"] == "face_check_help"
    assert result.handoff["slots"]["sharing_task"] == "open_account"
    assert result.state is None
