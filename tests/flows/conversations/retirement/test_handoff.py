"""The citizen asks for a human after typing an ID number."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_handoff_keeps_only_the_birth_date(chat: Conversation) -> None:
    # Citizen types the ID number at the birth date question: the engine
    # reads the date from it and keeps only the date.
    chat.start("退休", "start_retirement_guide")
    chat.press("企业职工")
    chat.press("男")
    chat.say("370902196803120015")
    assert "60岁10个月" in chat.texts[0]

    # Citizen presses "转人工".
    result = chat.press("转人工")

    assert result.handoff["flow"] == "retirement_application"
    assert result.handoff["step"] == "flexible_retirement"
    assert result.handoff["slots"]["birth_date"] == "1968-03-12"
    assert "370902196803120015" not in str(result.handoff)
    assert result.handoff["slots"]["retirement_age_text"] == "60岁10个月"
    assert {
        "question": "请输入您的出生日期，例如：1966年5月20日。",
        "answer": "1968-03-12",
    } in (result.handoff["answers"])
    assert result.state is None
