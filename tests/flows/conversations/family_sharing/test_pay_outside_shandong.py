"""Paying for a relative insured in another province is not possible."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_relative_insured_outside_shandong(chat: Conversation) -> None:
    # Citizen starts, is an employee, chooses paying and "父母".
    chat.start("给父母交医保", "start_family_sharing_guide")
    chat.press("是，职工医保")
    chat.press("给家人交居民医保")
    chat.press("父母")

    # Citizen presses "在外省参保" → explanation with a human button; the end.
    result = chat.press("在外省参保")

    assert chat.texts[0].startswith(
        "用个人账户为家人缴纳城乡居民医保，目前支持在山东省内参保的家人"
    )
    assert "在外省参保的家人暂时不能用家庭共济缴费" in chat.texts[0]
    assert chat.button_titles == ["转人工"]
    assert result.state is None
