"""The citizen and agent WebSockets against a real desk server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.desk.conftest import SERVICE_TOKEN
from tests.desk.handoff.conftest import PASSWORD, agent_row

WAIT = 5.0


async def next_event(
    socket: ClientConnection, matches: Callable[[dict[str, Any]], bool] = lambda e: True
) -> dict[str, Any]:
    """Return the next event that ``matches``, skipping others, within WAIT s."""
    async with asyncio.timeout(WAIT):
        while True:
            event = json.loads(await socket.recv())
            if matches(event):
                return event


def of_type(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda event: event.get("type") == kind


class Stack:
    """A desk server with helpers for citizens and agents."""

    def __init__(self, url: str, http: httpx.AsyncClient) -> None:
        self.url = url
        self.ws_url = "ws" + url.removeprefix("http")
        self.http = http

    async def citizen(self, **body: Any) -> dict[str, str]:
        response = await self.http.post("/api/conversations", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    async def hand_off(self, conversation_id: str) -> int:
        response = await self.http.post(
            "/api/handoffs",
            json={"conversation_id": conversation_id, "reason": "requested"},
            headers={"X-Service-Token": SERVICE_TOKEN},
        )
        assert response.status_code == 201, response.text
        return response.json()["ticket_id"]

    async def login(self, username: str) -> dict[str, str]:
        response = await self.http.post(
            "/api/agent/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Cookie": f"desk_session={response.cookies['desk_session']}"}

    def citizen_socket(
        self, conversation: dict[str, str], after: int | None = 0
    ) -> Any:
        query = f"token={conversation['token']}"
        if after is not None:
            query += f"&after={after}"
        return connect(
            f"{self.ws_url}/api/conversations/{conversation['conversation_id']}/ws?{query}"
        )

    def agent_socket(self, cookie: dict[str, str]) -> Any:
        return connect(f"{self.ws_url}/api/agent/ws", additional_headers=cookie)


@pytest.fixture
async def stack(serve_desk, org_settings):
    url = await serve_desk(org_settings)
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        yield Stack(url, http)


async def test_citizen_socket_pushes_agent_side(stack, set_online):
    window = await stack.login("alpha_window")
    await set_online("alpha_window")
    conversation = await stack.citizen()
    ticket_id = await stack.hand_off(conversation["conversation_id"])

    async with stack.citizen_socket(conversation) as socket:
        await stack.http.post(f"/api/agent/tickets/{ticket_id}/accept", headers=window)
        # The status and the system message come in one transaction.
        first, second = await next_event(socket), await next_event(socket)
        events = {first["type"]: first, second["type"]: second}
        status, accepted = events["status"], events["message"]
        await stack.http.post(
            f"/api/agent/tickets/{ticket_id}/messages",
            json={"text": "您好"},
            headers=window,
        )
        reply = await next_event(socket, of_type("message"))

    assert status["status"] == "assigned"
    assert status["agent_name"] == "甲窗口"
    assert status["ticket_id"] == ticket_id
    assert accepted["message"]["text"].startswith("工作人员已接入")
    assert reply["message"]["sender"] == "agent"
    assert reply["message"]["text"] == "您好"
    assert reply["message"]["agent_name"] == "甲窗口"


async def test_citizen_socket_resumes_without_gaps(stack, set_online):
    window = await stack.login("alpha_window")
    await set_online("alpha_window")
    conversation = await stack.citizen()
    ticket_id = await stack.hand_off(conversation["conversation_id"])
    await stack.http.post(f"/api/agent/tickets/{ticket_id}/accept", headers=window)
    messages_path = f"/api/agent/tickets/{ticket_id}/messages"

    # The widget has everything up to now, then loses its connection.
    async with stack.citizen_socket(conversation) as socket:
        backlog = [await next_event(socket, of_type("message"))]
    last_id = backlog[-1]["message"]["id"]
    for text in ("第一条", "第二条", "第三条"):
        await stack.http.post(messages_path, json={"text": text}, headers=window)

    # It reconnects with the last id it has and gets exactly the missed ones,
    # then the next one live.
    async with stack.citizen_socket(conversation, after=last_id) as socket:
        missed = [await next_event(socket, of_type("message")) for _ in range(3)]
        await stack.http.post(messages_path, json={"text": "第四条"}, headers=window)
        live = await next_event(socket, of_type("message"))

    texts = [event["message"]["text"] for event in [*missed, live]]
    assert texts == ["第一条", "第二条", "第三条", "第四条"]
    ids = [event["message"]["id"] for event in [*missed, live]]
    assert ids == sorted(set(ids))


async def test_citizen_socket_rejects_wrong_token(stack):
    conversation = await stack.citizen()
    conversation["token"] = "wrong"

    async with stack.citizen_socket(conversation) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


async def test_agent_socket_pushes_tickets_and_messages(stack, set_online):
    window = await stack.login("alpha_window")
    beta = await stack.login("beta_window")
    await set_online("alpha_window")

    async with stack.agent_socket(window) as socket, stack.agent_socket(beta) as other:
        conversation = await stack.citizen()
        ticket_id = await stack.hand_off(conversation["conversation_id"])
        created = await next_event(socket, of_type("ticket"))
        await stack.http.post(
            f"/api/conversations/{conversation['conversation_id']}/messages",
            json={"text": "请问在吗"},
            headers={"Authorization": f"Bearer {conversation['token']}"},
        )
        message = await next_event(socket, of_type("message"))
        await socket.send(json.dumps({"type": "ping"}))
        pong = await next_event(socket, of_type("pong"))
        # The other agency's console got none of it; its own ping comes back first.
        await other.send(json.dumps({"type": "ping"}))
        first_for_beta = await next_event(other)

    assert created["ticket"]["id"] == ticket_id
    assert created["ticket"]["state"] == "queued"
    assert message["ticket_id"] == ticket_id
    assert message["message"]["text"] == "请问在吗"
    assert pong == {"type": "pong"}
    assert first_for_beta["type"] in ("pong", "presence")
    assert first_for_beta.get("ticket") is None


async def test_typing_reaches_the_other_side(stack, set_online):
    window = await stack.login("alpha_window")
    await set_online("alpha_window")
    conversation = await stack.citizen()
    ticket_id = await stack.hand_off(conversation["conversation_id"])
    await stack.http.post(f"/api/agent/tickets/{ticket_id}/accept", headers=window)

    async with (
        stack.agent_socket(window) as console,
        stack.citizen_socket(conversation, after=None) as widget,
    ):
        await widget.send(json.dumps({"type": "typing", "typing": True}))
        citizen_typing = await next_event(console, of_type("typing"))
        await console.send(
            json.dumps({"type": "typing", "ticket_id": ticket_id, "typing": True})
        )
        agent_typing = await next_event(widget, of_type("typing"))

    assert citizen_typing == {
        "type": "typing",
        "ticket_id": ticket_id,
        "sender": "citizen",
        "typing": True,
    }
    assert agent_typing == {"type": "typing", "sender": "agent", "typing": True}


async def test_agent_socket_needs_a_session(stack):
    async with stack.agent_socket({"Cookie": "desk_session=forged"}) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()

    assert closed.value.rcvd.code == 4401


async def test_agent_socket_rejects_other_origin(stack):
    cookie = await stack.login("alpha_window")
    headers = {**cookie, "Origin": "http://attacker.example"}

    async with connect(
        f"{stack.ws_url}/api/agent/ws", additional_headers=headers
    ) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()

    assert closed.value.rcvd.code == 4403


async def test_closed_console_goes_offline_after_grace(stack, org_db):
    cookie = await stack.login("alpha_pension")

    async with stack.agent_socket(cookie) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        await next_event(socket, of_type("pong"))
    # org_settings waits 0.3 s instead of 60 s.
    await asyncio.sleep(0.8)
    offline = (await agent_row(org_db, "alpha_pension")).presence
    async with stack.agent_socket(cookie) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        await next_event(socket, of_type("pong"))
        online = (await agent_row(org_db, "alpha_pension")).presence

    assert offline == "offline"
    assert online == "online"


async def test_reload_within_grace_keeps_presence(stack, org_db):
    cookie = await stack.login("alpha_payment")

    async with stack.agent_socket(cookie) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        await next_event(socket, of_type("pong"))
    async with stack.agent_socket(cookie) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        await next_event(socket, of_type("pong"))
        await asyncio.sleep(0.6)
        presence = (await agent_row(org_db, "alpha_payment")).presence

    assert presence == "online"
