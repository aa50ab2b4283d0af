"""Handoff action against a real desk."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import (
    REASON_OFFER_ACCEPTED,
    REASON_REQUESTED,
    TEXT_HANDOFF_FAILED,
    TEXT_LEFT_MESSAGE,
    ActionStartHandoff,
)
from desk.devstack import ServiceStack, http_json
from tests.actions.conftest import make_tracker


def new_conversation(desk: ServiceStack) -> str:
    status, body = http_json("POST", desk.desk_url + "/api/conversations", {})
    assert status == 201, body
    return str(body["conversation_id"])


def waiting_tickets(desk: ServiceStack, conversation_id: str) -> list[dict]:
    # Nobody is logged in to the test desk, so a new ticket waits as a left
    # message for staff who come online later.
    status, body = http_json(
        "GET",
        desk.desk_url + "/api/handoffs?state=left_message",
        headers={"X-Service-Token": desk.service_token},
    )
    assert status == 200, body
    tickets = body["tickets"] if isinstance(body, dict) else body
    return [t for t in tickets if t["conversation_id"] == conversation_id]


@pytest.mark.parametrize(
    ("intent", "reason"),
    [("request_human", REASON_REQUESTED), ("affirm", REASON_OFFER_ACCEPTED)],
)
async def test_handoff_creates_ticket_with_reason(
    desk: ServiceStack, intent: str, reason: str
) -> None:
    conversation_id = new_conversation(desk)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "转人工",
        intent,
        slots={"topic": "pension_benefits"},
        sender_id=conversation_id,
    )

    await ActionStartHandoff().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == TEXT_LEFT_MESSAGE
    tickets = waiting_tickets(desk, conversation_id)
    assert len(tickets) == 1
    assert tickets[0]["reason"] == reason
    assert tickets[0]["topic"] == "pension_benefits"


async def test_handoff_twice_keeps_one_ticket(desk: ServiceStack) -> None:
    conversation_id = new_conversation(desk)
    tracker = make_tracker("人工", "request_human", sender_id=conversation_id)

    await ActionStartHandoff().run(CollectingDispatcher(), tracker, {})
    await ActionStartHandoff().run(CollectingDispatcher(), tracker, {})

    assert len(waiting_tickets(desk, conversation_id)) == 1


@pytest.mark.usefixtures("desk_down")
async def test_handoff_with_desk_down_says_so() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("人工", "request_human")

    await ActionStartHandoff().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == TEXT_HANDOFF_FAILED
