"""Agent login, sessions that expire, logout, presence and the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk.models.staff import AuditEvent
from desk.services.auth import COOKIE_NAME, LOGIN_FAILURE_LIMIT
from tests.desk.handoff.conftest import (
    PASSWORD,
    AgentClient,
    agent_row,
    expire_sessions,
    scalars,
)


async def test_login_sets_a_strict_http_only_cookie(org_client):
    _, response = await org_client.post(
        "/api/agent/login", json={"username": "alpha_pension", "password": PASSWORD}
    )

    assert response.status == 200, response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/" in cookie
    assert response.json["agent"] == {
        "username": "alpha_pension",
        "name": "甲养老",
        "role": "department_staff",
        "agency": "alpha",
        "agency_name": "甲市社会保险事业中心",
        "department": "alpha.pension",
        "department_name": "养老待遇科",
        "presence": "online",
    }


@pytest.mark.parametrize(
    ("username", "password"),
    [("alpha_window", "wrong-password-1"), ("nobody_here", PASSWORD)],
)
async def test_login_rejects_bad_credentials_alike(org_client, username, password):
    _, response = await org_client.post(
        "/api/agent/login", json={"username": username, "password": password}
    )

    assert response.status == 401
    assert response.json["error"] == "Invalid username or password."
    assert "set-cookie" not in response.headers


async def test_login_throttles_after_five_failures(org_client):
    body = {"username": "alpha_trainer", "password": "wrong-password-1"}
    for _ in range(LOGIN_FAILURE_LIMIT):
        _, response = await org_client.post("/api/agent/login", json=body)
        assert response.status == 401

    # Even the right password waits until the window has passed.
    _, response = await org_client.post(
        "/api/agent/login", json={"username": "alpha_trainer", "password": PASSWORD}
    )

    assert response.status == 429
    assert int(response.headers["retry-after"]) > 0
    assert "5 in 15 minutes" in response.json["error"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"username": "alpha_window"}, 'Missing "password"'),
        ({"username": 7, "password": "x"}, 'Invalid "username"'),
    ],
)
async def test_login_rejects_bad_input_with_422(org_client, body, words):
    _, response = await org_client.post("/api/agent/login", json=body)

    assert response.status == 422
    assert words in response.json["error"]


async def test_requests_without_session_get_401(org_client):
    for path in ("/api/agent/me", "/api/agent/queues", "/api/agent/tickets"):
        _, response = await org_client.get(path)
        assert response.status == 401, path
        assert "log in" in response.json["error"]


async def test_expired_session_gets_401(agent_login, org_db):
    agent = await agent_login("beta_pension")
    assert (await agent.get("/api/agent/me")).status == 200

    await expire_sessions(org_db, "beta_pension", hours=8.5)
    response = await agent.get("/api/agent/me")

    assert response.status == 401
    assert "expired" in response.json["error"]
    # The expired session is gone for good, even if its time came back.
    await expire_sessions(org_db, "beta_pension", hours=0)
    assert (await agent.get("/api/agent/me")).status == 401


async def test_logout_ends_session_and_sets_offline(agent_login, org_db):
    agent = await agent_login("beta_window")

    response = await agent.post("/api/agent/logout")

    assert response.status == 204
    assert "Max-Age=0" in response.headers["set-cookie"]
    assert (await agent.get("/api/agent/me")).status == 401
    assert (await agent_row(org_db, "beta_window")).presence == "offline"


async def test_presence_switches_between_online_and_away(agent_login, org_db):
    agent = await agent_login("alpha_payment")

    away = await agent.put("/api/agent/presence", {"presence": "away"})
    back = await agent.put("/api/agent/presence", {"presence": "online"})
    invalid = await agent.put("/api/agent/presence", {"presence": "offline"})

    assert away.json["agent"]["presence"] == "away"
    assert back.json["agent"]["presence"] == "online"
    assert invalid.status == 422
    assert (await agent_row(org_db, "alpha_payment")).presence == "online"


async def test_agent_actions_are_audited(agent_login, org_db):
    agent = await agent_login("alpha_window_2")
    await agent.put("/api/agent/presence", {"presence": "away"})
    await agent.post("/api/agent/logout")

    events = await scalars(
        org_db,
        select(AuditEvent)
        .where(AuditEvent.agent == "alpha_window_2")
        .order_by(AuditEvent.id.desc())
        .limit(3),
    )

    assert [event.action for event in reversed(events)] == [
        "login",
        "presence",
        "logout",
    ]
    assert events[1].detail == {"presence": "away", "cause": "agent"}


async def test_audit_log_is_for_administrators(agent_login):
    admin = await agent_login("alpha_admin")
    window = await agent_login("alpha_window")

    listed = await admin.get("/api/agent/audit?limit=5")
    refused = await window.get("/api/agent/audit")
    bad_limit = await admin.get("/api/agent/audit?limit=0")

    assert listed.status == 200
    assert 1 <= len(listed.json["events"]) <= 5
    assert set(listed.json["events"][0]) == {
        "at",
        "agent",
        "action",
        "ticket_id",
        "detail",
    }
    assert refused.status == 403
    assert bad_limit.status == 422


async def test_cookie_of_another_client_is_not_needed(org_client):
    # A forged cookie value is just an invalid session.
    forged = AgentClient(client=org_client, username="x", token="forged")

    response = await forged.get("/api/agent/me")

    assert response.status == 401
