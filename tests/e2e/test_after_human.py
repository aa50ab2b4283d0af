"""The bot after staff have helped: it greets a returning citizen differently."""

from __future__ import annotations

import time

from desk.devstack import ServiceStack, http_json
from tests.e2e.conftest import Citizen

WELCOME_BACK = "您好，欢迎回来！刚才工作人员已经为您解答过"
BOT_UNAVAILABLE = "抱歉，智能助手暂时无法回复"


def ask_until_answered(citizen: Citizen, text: str) -> None:
    """Ask ``text`` again after each apology of the desk, until Rasa has it.

    The apology follows a failed call, so the question may never have
    reached the tracker and is asked again. A cold model that is only slow
    gets the desk's slow-bot notice instead: Rasa goes on with the question,
    and the desk stores the late reply; wait_until_listening waits for Rasa.
    """
    for _ in range(5):
        reply = citizen.say(text)
        texts = [message.get("text") or "" for message in reply["messages"]]
        if not any(line.startswith(BOT_UNAVAILABLE) for line in texts):
            return
    raise AssertionError(f"the bot did not answer {text!r} in 5 tries")


def wait_until_listening(stack: ServiceStack, conversation_id: str) -> None:
    """Wait until Rasa has finished the conversation's latest message.

    On a cold model the desk may answer with its slow-bot notice while Rasa
    goes on with the message, and an event posted meanwhile could be lost.
    """
    url = (
        f"{stack.rasa_url}/conversations/{conversation_id}/tracker"
        f"?token={stack.rasa_auth_token}"
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, tracker = http_json("GET", url)
        assert status == 200, tracker
        if tracker.get("latest_action_name") == "action_listen" and any(
            event.get("event") == "user" for event in tracker.get("events", [])
        ):
            return
        time.sleep(0.2)
    raise AssertionError(f"Rasa did not finish {conversation_id} within 30 s")


def mark_human_helped(stack: ServiceStack, conversation_id: str) -> None:
    """Set the slot the desk sets in Rasa's tracker when staff close a ticket."""
    url = (
        f"{stack.rasa_url}/conversations/{conversation_id}/tracker/events"
        f"?include_events=NONE&token={stack.rasa_auth_token}"
    )
    event = [{"event": "slot", "name": "human_helped", "value": True}]
    status, body = http_json("POST", url, event)
    assert status == 200, body


def test_greeting_after_staff_helped(stack: ServiceStack, citizen: Citizen) -> None:
    ask_until_answered(citizen, "社保卡丢了怎么办")
    wait_until_listening(stack, citizen.conversation_id)
    mark_human_helped(stack, citizen.conversation_id)

    reply = citizen.say("你好")

    assert reply["messages"][0]["text"].startswith(WELCOME_BACK)


def test_first_greeting_is_the_usual_one(citizen: Citizen) -> None:
    reply = citizen.say("你好")

    assert not reply["messages"][0]["text"].startswith(WELCOME_BACK)
