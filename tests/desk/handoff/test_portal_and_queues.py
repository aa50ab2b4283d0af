"""Agencies, enterprise departments, conversations started with a department,
queues and canned replies."""

from __future__ import annotations

import uuid

import pytest

from tests.desk.conftest import SERVICE_TOKEN
from tests.desk.handoff.conftest import ALPHA_CODE, CANNED_ENTRY_ID, hand_off


async def test_agencies_list_default_first(org_client):
    _, response = await org_client.get("/api/agencies")

    assert response.status == 200
    agencies = response.json["agencies"]
    assert [agency["id"] for agency in agencies] == ["alpha", "beta", "gamma"]
    assert agencies[0]["default"] is True
    assert agencies[0]["open_now"] is True
    assert agencies[0]["next_open"] is None
    # gamma has no business hours, so it is closed with no opening to name.
    assert agencies[2]["open_now"] is False
    assert agencies[2]["next_open"] is None


async def test_enterprise_departments_count_online_staff(org_client, set_online):
    await set_online("alpha_payment", "alpha_manager", "alpha_window")

    _, response = await org_client.get(f"/api/enterprises/{ALPHA_CODE}/departments")

    assert response.status == 200, response.text
    assert response.json["enterprise"]["name"] == "甲示例公司"
    assert response.json["enterprise"]["agency"] == "alpha"
    counts = {d["id"]: d["online_staff"] for d in response.json["departments"]}
    assert counts == {"alpha.payment": 1, "alpha.pension": 0}


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("91370900MA3TE0009X", 422),  # wrong check character
        ("91370900MA3TE0003H", 404),  # valid, but not registered
        ("12345", 422),
    ],
)
async def test_enterprise_lookup_errors(org_client, code, status):
    _, response = await org_client.get(f"/api/enterprises/{code}/departments")

    assert response.status == status
    assert response.json["error"]


async def test_conversation_starts_with_chosen_department(
    org_client, set_online, agent_login
):
    await set_online("alpha_payment")
    payment = await agent_login("alpha_payment")

    _, response = await org_client.post(
        "/api/conversations",
        json={"enterprise": ALPHA_CODE, "department": "alpha.payment"},
    )

    assert response.status == 201, response.text
    assert response.json["status"] == "queued"
    queued = await payment.get("/api/agent/tickets?scope=queue")
    mine = [
        ticket
        for ticket in queued.json["tickets"]
        if ticket["conversation_id"] == response.json["conversation_id"]
    ]
    assert len(mine) == 1
    assert mine[0]["queue"] == "department:alpha.payment"
    assert mine[0]["enterprise"] == {"credit_code": ALPHA_CODE, "name": "甲示例公司"}
    assert mine[0]["reason"] == "department_chosen"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"department": "alpha.nothing"}, "not a department"),
        ({"department": "beta.pension", "agency": "alpha"}, "belongs to agency"),
    ],
)
async def test_conversation_rejects_unknown_department(org_client, body, words):
    _, response = await org_client.post("/api/conversations", json=body)

    assert response.status == 422
    assert words in response.json["error"]


async def test_queues_show_waiting_counts(
    org_client, set_online, agent_login, citizen_factory
):
    await set_online("alpha_window")
    window = await agent_login("alpha_window")
    before = await window.get("/api/agent/queues")
    await hand_off(org_client, await citizen_factory())

    after = await window.get("/api/agent/queues")

    (queue_before,) = before.json["queues"]
    (queue_after,) = after.json["queues"]
    assert queue_after["id"] == "window:alpha"
    assert queue_after["kind"] == "window"
    assert queue_after["agency"] == "alpha"
    assert queue_after["name"] == "甲市社会保险事业中心 窗口专员"
    assert queue_after["waiting"] == queue_before["waiting"] + 1
    assert queue_after["oldest_waiting_seconds"] >= 0


@pytest.mark.parametrize(
    ("username", "queues"),
    [
        ("alpha_pension", ["department:alpha.pension"]),
        ("alpha_manager", ["personal:alpha_manager"]),
        ("alpha_trainer", []),
    ],
)
async def test_queues_follow_the_role(agent_login, username, queues):
    agent = await agent_login(username)

    response = await agent.get("/api/agent/queues")

    assert [queue["id"] for queue in response.json["queues"]] == queues


async def test_administrator_sees_all_queues(agent_login):
    admin = await agent_login("alpha_admin")

    response = await admin.get("/api/agent/queues")

    ids = [queue["id"] for queue in response.json["queues"]]
    assert "window:beta" in ids
    assert "personal:alpha_manager" in ids
    assert "department:gamma.general" in ids


async def test_ticket_lists_by_scope(
    org_client, set_online, agent_login, citizen_factory
):
    await set_online("alpha_window")
    window = await agent_login("alpha_window")
    citizen = await citizen_factory()
    ticket_id = (await hand_off(org_client, citizen))["ticket_id"]
    # A marker of this run keeps tickets of earlier runs on the same
    # database out of the search.
    marker = uuid.uuid4().hex[:12]
    await citizen.say(f"我的缴费记录查不到，编号{marker}")
    await window.post(f"/api/agent/tickets/{ticket_id}/accept")

    mine = await window.get("/api/agent/tickets?scope=mine")
    found = await window.get(f"/api/agent/tickets?scope=mine&q={marker}")
    missing = await window.get("/api/agent/tickets?scope=mine&q=没有这句话")
    foreign_queue = await window.get("/api/agent/tickets?queue=window:beta")
    bad_scope = await window.get("/api/agent/tickets?scope=all")

    assert ticket_id in [ticket["id"] for ticket in mine.json["tickets"]]
    assert [ticket["id"] for ticket in found.json["tickets"]] == [ticket_id]
    assert ticket_id not in [ticket["id"] for ticket in missing.json["tickets"]]
    assert foreign_queue.status == 403
    assert bad_scope.status == 422
    ticket = found.json["tickets"][0]
    assert set(ticket) >= {
        "id",
        "conversation_id",
        "state",
        "queue",
        "queue_name",
        "agency",
        "topic",
        "reason",
        "assigned_to",
        "assigned_name",
        "created_at",
        "waiting_seconds",
        "last_message",
        "enterprise",
        "contact",
    }
    assert ticket["assigned_name"] == "甲窗口"
    assert ticket["waiting_seconds"] is None


async def test_canned_replies_search_the_knowledge_base(agent_login):
    window = await agent_login("alpha_window")

    found = await window.get("/api/agent/canned?q=养老金几号发")
    empty = await window.get("/api/agent/canned?q=")

    assert found.status == 200, found.text
    assert found.json["replies"][0]["entry_id"] == CANNED_ENTRY_ID
    assert set(found.json["replies"][0]) == {"entry_id", "question", "answer"}
    assert empty.json == {"replies": []}


async def hand_off_with_flow(client, conversation_id: str, flow: dict) -> str:
    """Create a ticket as the action server does from a guided procedure."""
    _, response = await client.post(
        "/api/handoffs",
        json={
            "conversation_id": conversation_id,
            "reason": "requested",
            "context": {"flow": flow},
        },
        headers={"X-Service-Token": SERVICE_TOKEN},
    )
    return str(response.json["ticket_id"])


async def test_ticket_detail_has_flow_from_handoff_context(
    org_client, set_online, agent_login, citizen_factory
):
    await set_online("alpha_window")
    window = await agent_login("alpha_window")
    citizen = await citizen_factory()
    flow = {
        "flow": "family_account_sharing",
        "flow_name": "个账共济",
        "step": "bind_relative",
        "step_text": "第1步：打开医保服务平台。",
        "slots": {"relation": "父母"},
        "answers": [{"question": "您想和哪位家人共济？", "answer": "父母"}],
    }
    ticket_id = await hand_off_with_flow(org_client, citizen.id, flow)

    detail = await window.get(f"/api/agent/tickets/{ticket_id}")

    assert detail.json["flow"] == flow


async def test_ticket_detail_drops_malformed_flow_answers(
    org_client, set_online, agent_login, citizen_factory
):
    await set_online("alpha_window")
    window = await agent_login("alpha_window")
    citizen = await citizen_factory()
    flow = {
        "flow": "family_account_sharing",
        "step": "bind_relative",
        "step_text": 7,
        "answers": [{"question": "关系？", "answer": 1}, "父母", {"question": "x"}],
    }
    ticket_id = await hand_off_with_flow(org_client, citizen.id, flow)

    detail = await window.get(f"/api/agent/tickets/{ticket_id}")

    assert detail.json["flow"]["step_text"] is None
    assert detail.json["flow"]["answers"] == []
