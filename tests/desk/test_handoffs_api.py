"""The service endpoint that opens and lists handoff tickets."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest


@pytest.fixture
def open_handoff(client, service_headers):
    """Return a coroutine function that posts to the handoff endpoint."""

    async def post(body, headers=None, test_client=None):
        _, response = await (test_client or client).post(
            "/api/handoffs",
            json=body,
            headers=service_headers if headers is None else headers,
        )
        return response

    return post


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Service-Token": "wrong"}, {"X-Service-Token": ""}],
    ids=["missing", "wrong", "empty"],
)
async def test_handoff_requires_service_token(
    client, start_conversation, headers, open_handoff
):
    conversation = await start_conversation()

    response = await open_handoff(
        {"conversation_id": conversation.id, "reason": "requested"}, headers
    )

    assert response.status == 401
    assert "X-Service-Token" in response.json["error"]
    assert (await conversation.transcript())["status"] == "bot"


@pytest.mark.parametrize("headers", [{}, {"X-Service-Token": "wrong"}])
async def test_ticket_list_requires_service_token(client, headers):
    _, response = await client.get("/api/handoffs", headers=headers)

    assert response.status == 401


async def test_handoff_without_configured_token_is_open(
    settings, make_client, start_conversation, open_handoff
):
    open_client = make_client(replace(settings, service_token=""))
    conversation = await start_conversation(test_client=open_client)

    response = await open_handoff(
        {"conversation_id": conversation.id, "reason": "requested"},
        headers={},
        test_client=open_client,
    )

    assert response.status == 201


async def test_handoff_creates_ticket_and_queues_conversation(
    client, start_conversation, caplog, open_handoff
):
    conversation = await start_conversation()
    await conversation.send({"text": "我想咨询退休审批"})
    caplog.set_level(logging.INFO, logger="desk")

    response = await open_handoff(
        {
            "conversation_id": conversation.id,
            "topic": "retirement",
            "reason": "requested",
            "context": {"intent": "request_human"},
        },
    )

    assert response.status == 201
    assert response.json["state"] == "queued"
    assert response.json["created"] is True
    ticket_id = response.json["ticket_id"]
    assert isinstance(ticket_id, int)
    assert (await conversation.transcript())["status"] == "queued"
    assert (
        f"handoff.ticket.created ticket={ticket_id} conversation={conversation.id} "
        "topic=retirement" in caplog.text
    )


async def test_handoff_is_idempotent_for_open_ticket(
    client, start_conversation, open_handoff, service_headers
):
    conversation = await start_conversation()
    body = {"conversation_id": conversation.id, "reason": "requested"}

    first = await open_handoff(body)
    second = await open_handoff({**body, "topic": "pension"})

    assert first.status == 201
    assert second.status == 200
    assert second.json["ticket_id"] == first.json["ticket_id"]
    assert second.json["created"] is False
    _, listed = await client.get("/api/handoffs", headers=service_headers)
    mine = [t for t in listed.json if t["conversation_id"] == conversation.id]
    assert len(mine) == 1


async def test_handoff_context_gets_last_ten_messages(
    client, start_conversation, open_handoff, service_headers
):
    conversation = await start_conversation()
    # Six questions, each answered by the apology: twelve messages in all.
    for number in range(6):
        await conversation.send({"text": f"问题{number}"})

    response = await open_handoff(
        {
            "conversation_id": conversation.id,
            "reason": "offer_accepted",
            "context": {"intent": "affirm", "recent_messages": "overwritten"},
        },
    )

    _, listed = await client.get("/api/handoffs?state=queued", headers=service_headers)
    [ticket] = [t for t in listed.json if t["ticket_id"] == response.json["ticket_id"]]
    context = ticket["context"]
    assert context["intent"] == "affirm"
    recent = context["recent_messages"]
    assert len(recent) == 10
    assert recent[0]["text"] == "问题1"
    assert recent[-2]["text"] == "问题5"
    assert recent[-1]["sender"] == "bot"
    assert ticket["reason"] == "offer_accepted"
    assert ticket["topic"] is None
    assert ticket["closed_at"] is None


async def test_handoff_accepts_null_topic_and_context(
    client, start_conversation, open_handoff
):
    conversation = await start_conversation()

    response = await open_handoff(
        {
            "conversation_id": conversation.id,
            "reason": "requested",
            "topic": None,
            "context": None,
        },
    )

    assert response.status == 201


async def test_handoff_for_unknown_conversation_is_404(client, open_handoff):
    response = await open_handoff({"conversation_id": "0" * 32, "reason": "requested"})

    assert response.status == 404


@pytest.mark.parametrize(
    ("body", "expected_words"),
    [
        ({"reason": "requested"}, 'Missing "conversation_id"'),
        ({"conversation_id": "abc"}, 'Missing "reason"'),
        ({"conversation_id": "abc", "reason": "  "}, 'Missing "reason"'),
        ({"conversation_id": 5, "reason": "x"}, '"conversation_id": expected a string'),
        ({"conversation_id": "abc", "reason": "x", "context": []}, '"context"'),
        ({"conversation_id": "abc", "reason": "x", "topic": 3}, '"topic"'),
        ({"conversation_id": "abc", "reason": "x" * 201}, '"reason": 201 characters'),
    ],
)
async def test_handoff_rejects_bad_body(client, body, expected_words, open_handoff):
    response = await open_handoff(body)

    assert response.status == 400
    assert expected_words in response.json["error"]


async def test_ticket_list_filters_by_state(
    client, start_conversation, open_handoff, service_headers
):
    conversation = await start_conversation()
    await open_handoff({"conversation_id": conversation.id, "reason": "r"})

    _, queued = await client.get("/api/handoffs?state=queued", headers=service_headers)
    _, closed = await client.get("/api/handoffs?state=closed", headers=service_headers)

    assert queued.status == 200
    assert conversation.id in {t["conversation_id"] for t in queued.json}
    assert all(t["state"] == "queued" for t in queued.json)
    assert conversation.id not in {t["conversation_id"] for t in closed.json}


@pytest.mark.parametrize(
    ("query", "expected_words"),
    [
        ("state=open", '"state"'),
        ("limit=0", '"limit"'),
        ("limit=x", '"limit"'),
        ("limit=" + "9" * 5000, '"limit"'),
    ],
)
async def test_ticket_list_rejects_bad_query(
    client, query, expected_words, service_headers
):
    _, response = await client.get(f"/api/handoffs?{query}", headers=service_headers)

    assert response.status == 400
    assert expected_words in response.json["error"]


async def test_handoff_rejects_unpaired_surrogate_in_context(
    client, start_conversation, service_headers
):
    conversation = await start_conversation()
    # json.dumps writes the lone surrogate as the escape \ud800.
    raw_body = json.dumps(
        {
            "conversation_id": conversation.id,
            "reason": "requested",
            "context": {"slots": ["\ud800"]},
        }
    ).encode()

    _, response = await client.post(
        "/api/handoffs", content=raw_body, headers=service_headers
    )

    assert response.status == 400
    assert 'Invalid "context"' in response.json["error"]
    assert "unpaired surrogate" in response.json["error"]
    assert (await conversation.transcript())["status"] == "bot"
