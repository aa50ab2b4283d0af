"""Service outages and restarts, with the real services stopped and started.

These tests stop services of the shared stack and start them again before
they finish, so they run after the other e2e modules (pytest orders by name).
"""

from __future__ import annotations

import time

from desk.devstack import ServiceStack
from tests.e2e.conftest import Citizen

NONSENSE = ["紫色的云朵在冰箱里唱歌", "帮我写一首关于春天的诗"]


def assert_apology_with_human_button(reply: dict) -> None:
    assert reply["status"] == "bot"
    payloads = [b["payload"] for m in reply["messages"] for b in m.get("buttons") or []]
    assert "/request_human" in payloads


def test_conversation_survives_rasa_restart(stack: ServiceStack) -> None:
    citizen = Citizen(stack)
    citizen.say(NONSENSE[0])

    stack.stop("rasa")
    stack.start_rasa()
    reply = citizen.say(NONSENSE[1])

    # The second miss in a row is counted from the stored tracker.
    texts = " ".join(m.get("text") or "" for m in reply["messages"])
    assert "需要为您转接人工服务吗" in texts


def test_action_server_down_gets_apology_and_keeps_message(stack: ServiceStack) -> None:
    citizen = Citizen(stack)
    stack.stop("actions")
    try:
        started = time.monotonic()
        reply = citizen.say("灵活就业怎么交养老保险")
        elapsed = time.monotonic() - started
    finally:
        stack.start_actions()

    assert_apology_with_human_button(reply)
    assert elapsed < 3
    assert citizen.transcript()[0]["text"] == "灵活就业怎么交养老保险"


def test_rasa_down_gets_apology_and_human_button_works(stack: ServiceStack) -> None:
    citizen = Citizen(stack)
    stack.stop("rasa")
    try:
        started = time.monotonic()
        reply = citizen.say("养老金什么时候发")
        elapsed = time.monotonic() - started
        handed_off = citizen.press("/request_human")
    finally:
        stack.start_rasa()

    assert_apology_with_human_button(reply)
    assert elapsed < 3
    # No agent is online in the stack, so the ticket waits as a left message.
    assert handed_off["status"] in ("queued", "left_message")
    assert citizen.transcript()[0]["text"] == "养老金什么时候发"


def test_personal_data_is_masked_in_every_log(stack: ServiceStack) -> None:
    citizen = Citizen(stack)
    id_number = "370902198807154512"
    mobile = "13905381234"

    citizen.say(f"我的身份证号{id_number}，手机{mobile}，帮我查下养老保险缴费")
    citizen.say("转人工")

    for name in ("desk", "rasa", "actions"):
        log = stack.log_path(name).read_text(encoding="utf-8", errors="replace")
        assert id_number not in log, name
        assert mobile not in log, name
