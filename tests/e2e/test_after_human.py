"""The bot after staff have helped: it greets a returning citizen differently."""

from __future__ import annotations

from desk.devstack import ServiceStack, http_json
from tests.e2e.conftest import Citizen

WELCOME_BACK = "您好，欢迎回来！刚才工作人员已经为您解答过"


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
    citizen.say("社保卡丢了怎么办")
    mark_human_helped(stack, citizen.conversation_id)

    reply = citizen.say("你好")

    assert reply["messages"][0]["text"].startswith(WELCOME_BACK)


def test_first_greeting_is_the_usual_one(citizen: Citizen) -> None:
    reply = citizen.say("你好")

    assert not reply["messages"][0]["text"].startswith(WELCOME_BACK)
