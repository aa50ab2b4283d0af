"""Guided procedures through the desk, the real Rasa model and the engine."""

from __future__ import annotations

import time
from typing import Any

from desk.devstack import ServiceStack, http_json
from tests.e2e.conftest import Citizen


def button_payload(reply: dict[str, Any], title: str) -> str:
    for message in reply["messages"]:
        for button in message.get("buttons") or []:
            if button["title"] == title:
                return str(button["payload"])
    raise AssertionError(f"no button {title!r} in {reply}")


def texts(reply: dict[str, Any]) -> list[str]:
    return [message.get("text") or "" for message in reply["messages"]]


def start_family_sharing_guide(citizen: Citizen) -> dict[str, Any]:
    # The bot answers a family-sharing question and offers the guide.
    answer = citizen.say("怎么开通医保个人账户家庭共济？")
    return citizen.press(button_payload(answer, "一步步带我办理个账共济"))


def test_family_sharing_guide_walks_through_steps(citizen: Citizen) -> None:
    first = start_family_sharing_guide(citizen)
    assert first["status"] == "bot"

    # Employee insurance → task → the first step of opening, which needs no
    # relative and so no relation question.
    task = citizen.press(button_payload(first, "是，职工医保"))
    step = citizen.press(button_payload(task, "开通共济账户"))

    assert texts(task)[-1] == "您想办理哪一项？"
    assert "泰安医保" in " ".join(texts(step))
    assert button_payload(step, "下一步")
    assert button_payload(step, "转人工") == "/request_human"


def test_question_mid_flow_is_answered_then_step_repeated(citizen: Citizen) -> None:
    first = start_family_sharing_guide(citizen)

    reply = citizen.say("养老金每月几号发")

    joined = " ".join(texts(reply))
    assert "养老金" in joined
    assert texts(reply)[-1].startswith("继续刚才的步骤")
    assert button_payload(reply, "是，职工医保") == button_payload(
        first, "是，职工医保"
    )


def test_cancel_ends_flow_and_bot_answers_again(citizen: Citizen) -> None:
    first = start_family_sharing_guide(citizen)

    cancelled = citizen.press(button_payload(first, "退出"))
    after = citizen.say("社保卡丢了怎么补办？")

    assert "已退出" in " ".join(texts(cancelled))
    assert not any(text.startswith("继续刚才的步骤") for text in texts(after))
    assert after["messages"]


def test_handoff_mid_flow_puts_flow_on_ticket(
    citizen: Citizen, stack: ServiceStack
) -> None:
    first = start_family_sharing_guide(citizen)
    citizen.press(button_payload(first, "是，职工医保"))

    handed_off = citizen.say("转人工")

    # Nobody is logged in to the test desk, so the ticket waits as a left
    # message for staff who come online later.
    assert handed_off["status"] == "left_message"
    status, tickets = http_json(
        "GET",
        stack.desk_url + "/api/handoffs?state=left_message",
        headers={"X-Service-Token": stack.service_token},
    )
    assert status == 200
    ticket = next(t for t in tickets if t["conversation_id"] == citizen.conversation_id)
    assert ticket["context"]["flow"]["flow"] == "family_account_sharing"
    assert ticket["topic"] == "family_account_sharing"
    assert ticket["context"]["flow"]["slots"]["has_employee_insurance"] is True


def test_edited_step_text_is_live_without_restart(
    citizen: Citizen, stack: ServiceStack
) -> None:
    # A trainer edits a step's text in the flow file the services read.
    flow_file = stack.flows_dir / "family_account_sharing.yml"
    original = flow_file.read_text(encoding="utf-8")
    old_text = "第1步（共4步）：在微信里搜索"
    assert old_text in original
    flow_file.write_text(
        original.replace(old_text, "第1步（共4步）：请在微信里搜索"), encoding="utf-8"
    )
    try:
        # The registry looks for changed files at most every 2 seconds.
        time.sleep(3)
        first = start_family_sharing_guide(citizen)
        task = citizen.press(button_payload(first, "是，职工医保"))
        step = citizen.press(button_payload(task, "开通共济账户"))
    finally:
        flow_file.write_text(original, encoding="utf-8")

    assert any(
        text.startswith("第1步（共4步）：请在微信里搜索") for text in texts(step)
    )
