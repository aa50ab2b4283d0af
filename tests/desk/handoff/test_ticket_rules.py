"""Who may do what with a ticket, and the errors for everything else."""

from __future__ import annotations

import pytest

from tests.desk.handoff.conftest import hand_off, start_citizen


@pytest.fixture
async def window_ticket(org_client, set_online, citizen_factory):
    """Return (citizen, ticket id) of a ticket waiting in alpha's window queue."""
    await set_online("alpha_window")
    citizen = await citizen_factory()
    handoff = await hand_off(org_client, citizen)
    assert handoff["queue"] == "window:alpha"
    return citizen, handoff["ticket_id"]


async def test_other_agency_ticket_is_forbidden(agent_login, window_ticket):
    _, ticket_id = window_ticket
    beta = await agent_login("beta_window")

    for response in (
        await beta.get(f"/api/agent/tickets/{ticket_id}"),
        await beta.post(f"/api/agent/tickets/{ticket_id}/accept"),
        await beta.post(f"/api/agent/tickets/{ticket_id}/messages", {"text": "hi"}),
    ):
        assert response.status == 403, response.text
        assert "alpha" in response.json["error"]


async def test_administrator_sees_every_agency(org_client, agent_login, set_online):
    await set_online("beta_window")
    admin = await agent_login("alpha_admin")
    citizen = await start_citizen(org_client, {"agency": "beta"})
    ticket_id = (await hand_off(org_client, citizen))["ticket_id"]

    response = await admin.get(f"/api/agent/tickets/{ticket_id}")

    assert response.status == 200
    assert response.json["ticket"]["agency"] == "beta"


async def test_unknown_ticket_is_404(agent_login):
    window = await agent_login("alpha_window")

    response = await window.get("/api/agent/tickets/999999999")

    assert response.status == 404


async def test_queue_of_another_role_is_forbidden(agent_login, window_ticket):
    _, ticket_id = window_ticket
    pension = await agent_login("alpha_pension")
    trainer = await agent_login("alpha_trainer")

    assert (await pension.post(f"/api/agent/tickets/{ticket_id}/accept")).status == 403
    assert (await trainer.post(f"/api/agent/tickets/{ticket_id}/accept")).status == 403
    # Reading a ticket of the own agency is allowed to every role.
    assert (await pension.get(f"/api/agent/tickets/{ticket_id}")).status == 200


async def test_second_accept_is_conflict(agent_login, window_ticket):
    _, ticket_id = window_ticket
    first = await agent_login("alpha_window")
    second = await agent_login("alpha_window_2")

    assert (await first.post(f"/api/agent/tickets/{ticket_id}/accept")).status == 200
    response = await second.post(f"/api/agent/tickets/{ticket_id}/accept")

    assert response.status == 409
    assert "甲窗口" in response.json["error"]


async def test_only_assigned_agent_replies(agent_login, window_ticket):
    _, ticket_id = window_ticket
    first = await agent_login("alpha_window")
    second = await agent_login("alpha_window_2")

    before_accept = await first.post(
        f"/api/agent/tickets/{ticket_id}/messages", {"text": "您好"}
    )
    await first.post(f"/api/agent/tickets/{ticket_id}/accept")
    other = await second.post(
        f"/api/agent/tickets/{ticket_id}/messages", {"text": "您好"}
    )

    assert before_accept.status == 409
    assert "accept it" in before_accept.json["error"]
    assert other.status == 403


@pytest.mark.parametrize(
    ("action", "body", "status", "words"),
    [
        ("messages", {"text": "   "}, 422, 'Missing "text"'),
        ("messages", {"text": "长" * 2001}, 413, "2000"),
        ("transfer", {"department": "alpha.nothing"}, 422, "not a department"),
        ("transfer", {"note": "x"}, 422, 'Missing "department"'),
        ("close", {}, 422, 'Missing "resolution"'),
        ("close", {"resolution": 5}, 422, "expected a string"),
        ("return", {"note": "x"}, 409, "window queue"),
    ],
)
async def test_actions_reject_bad_input(
    agent_login, window_ticket, action, body, status, words
):
    _, ticket_id = window_ticket
    window = await agent_login("alpha_window")
    await window.post(f"/api/agent/tickets/{ticket_id}/accept")

    response = await window.post(f"/api/agent/tickets/{ticket_id}/{action}", body)

    assert response.status == status, response.text
    assert words in response.json["error"]


async def test_malformed_json_is_422(agent_login, window_ticket, org_client):
    _, ticket_id = window_ticket
    window = await agent_login("alpha_window")
    await window.post(f"/api/agent/tickets/{ticket_id}/accept")

    _, response = await org_client.post(
        f"/api/agent/tickets/{ticket_id}/close",
        content=b"{not json",
        headers=window.headers,
    )

    assert response.status == 422


async def test_closed_ticket_rejects_actions(agent_login, window_ticket):
    citizen, ticket_id = window_ticket
    window = await agent_login("alpha_window")
    await window.post(f"/api/agent/tickets/{ticket_id}/accept")
    await window.post(f"/api/agent/tickets/{ticket_id}/close", {"resolution": "done"})

    for action, body in (
        ("accept", {}),
        ("messages", {"text": "还在吗"}),
        ("close", {"resolution": "again"}),
        ("transfer", {"department": "alpha.pension"}),
    ):
        response = await window.post(f"/api/agent/tickets/{ticket_id}/{action}", body)
        assert response.status == 409, action
        assert "closed" in response.json["error"]


async def test_rating_rules(agent_login, window_ticket, citizen_factory):
    citizen, ticket_id = window_ticket
    window = await agent_login("alpha_window")

    early = await citizen.post("rating", {"ticket_id": ticket_id, "score": 4})
    await window.post(f"/api/agent/tickets/{ticket_id}/accept")
    await window.post(f"/api/agent/tickets/{ticket_id}/close", {"resolution": "done"})
    bad_score = await citizen.post("rating", {"ticket_id": ticket_id, "score": 6})
    stranger = await citizen_factory()
    foreign = await stranger.post("rating", {"ticket_id": ticket_id, "score": 3})
    rated = await citizen.post(
        "rating", {"ticket_id": ticket_id, "score": 4, "comment": "很耐心"}
    )

    assert early.status == 409
    assert bad_score.status == 422
    assert foreign.status == 404
    assert rated.status == 201


async def test_administrator_closes_waiting_ticket(agent_login, window_ticket):
    citizen, ticket_id = window_ticket
    admin = await agent_login("alpha_admin")

    response = await admin.post(
        f"/api/agent/tickets/{ticket_id}/close", {"resolution": "重复的请求"}
    )

    assert response.status == 200
    assert response.json["ticket"]["closed_at"]
    assert (await citizen.transcript())["status"] == "bot"
