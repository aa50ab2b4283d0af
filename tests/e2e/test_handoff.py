"""Handoff to a human through the real bot, and what the desk does after it."""

from __future__ import annotations

from desk.devstack import ServiceStack, http_json
from tests.e2e.conftest import Citizen

NONSENSE = ["蓝色的风筝飞过量子隧道", "三角形的西瓜正在学开车"]
# No agent is online in the stack, so a ticket waits as a left message. With
# a window specialist online in business hours it would be queued.
WAITING_STATES = ("queued", "left_message")


def open_tickets(stack: ServiceStack) -> list[dict]:
    tickets = []
    for state in WAITING_STATES:
        status, body = http_json(
            "GET",
            stack.desk_url + f"/api/handoffs?state={state}",
            headers={"X-Service-Token": stack.service_token},
        )
        assert status == 200, body
        tickets.extend(body["tickets"] if isinstance(body, dict) else body)
    return tickets


def test_request_human_creates_ticket(citizen: Citizen) -> None:
    citizen.say("退休年龄怎么算")

    reply = citizen.say("我要转人工")

    assert reply["status"] in WAITING_STATES
    tickets = [
        t
        for t in open_tickets(citizen.stack)
        if t["conversation_id"] == citizen.conversation_id
    ]
    assert len(tickets) == 1


def test_messages_after_handoff_are_kept_not_answered(citizen: Citizen) -> None:
    citizen.say("转人工")

    reply = citizen.say("我的养老金这个月没到账")

    assert reply["messages"] == []
    assert reply["status"] in WAITING_STATES
    assert citizen.transcript()[-1]["text"] == "我的养老金这个月没到账"


def test_two_misunderstandings_offer_human_and_yes_accepts(citizen: Citizen) -> None:
    first = citizen.say(NONSENSE[0])
    second = citizen.say(NONSENSE[1])

    assert first["status"] == "bot"
    payloads = [
        b["payload"] for m in second["messages"] for b in m.get("buttons") or []
    ]
    assert "/request_human" in payloads
    accepted = citizen.say("好的")
    assert accepted["status"] in WAITING_STATES
    # Only the handoff notice: no fallback reply after it.
    assert len(accepted["messages"]) == 1


def test_declined_offer_gets_one_reply_and_bot_stays(citizen: Citizen) -> None:
    citizen.say(NONSENSE[0])
    citizen.say(NONSENSE[1])

    declined = citizen.say("不用了")

    assert declined["status"] == "bot"
    assert len(declined["messages"]) == 1
    assert "换个说法" in declined["messages"][0]["text"]
