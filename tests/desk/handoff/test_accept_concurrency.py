"""Two agents accept the same ticket at once: exactly one wins.

The requests go to a real desk server, so they run concurrently against the
database (SQLite here; PostgreSQL when DESK_TEST_DATABASE_URL names one).
"""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from desk.models.conversation import HandoffTicket
from desk.models.staff import AuditEvent
from tests.desk.conftest import SERVICE_TOKEN
from tests.desk.handoff.conftest import PASSWORD, scalar, scalars

ROUNDS = 5


async def login(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await http.post(
        "/api/agent/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Cookie": f"desk_session={response.cookies['desk_session']}"}


async def open_ticket(http: httpx.AsyncClient) -> int:
    created = await http.post("/api/conversations", json={})
    handoff = await http.post(
        "/api/handoffs",
        json={
            "conversation_id": created.json()["conversation_id"],
            "reason": "requested",
        },
        headers={"X-Service-Token": SERVICE_TOKEN},
    )
    assert handoff.status_code == 201, handoff.text
    return handoff.json()["ticket_id"]


async def test_concurrent_accepts_have_one_winner(
    serve_desk, org_settings, set_online, org_db
):
    url = await serve_desk(org_settings)
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        first = await login(http, "alpha_window")
        second = await login(http, "alpha_window_2")
        await set_online("alpha_window", "alpha_window_2")
        tickets = [await open_ticket(http) for _ in range(ROUNDS)]

        for ticket_id in tickets:
            path = f"/api/agent/tickets/{ticket_id}/accept"
            responses = await asyncio.gather(
                http.post(path, headers=first), http.post(path, headers=second)
            )
            assert sorted(r.status_code for r in responses) == [200, 409], [
                r.text for r in responses
            ]

    assignees = await scalars(
        org_db, select(HandoffTicket.assigned_to).where(HandoffTicket.id.in_(tickets))
    )
    accepts = await scalar(
        org_db,
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "accept", AuditEvent.ticket_id.in_(tickets)),
    )
    assert set(assignees) <= {"alpha_window", "alpha_window_2"}
    assert None not in assignees
    assert accepts == ROUNDS
