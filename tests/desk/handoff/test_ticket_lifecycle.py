"""A ticket's life through the agent API: route, accept, reply, transfer, return,
close, rate."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from desk.app import create_app
from tests.desk.handoff.conftest import hand_off, log_in, start_citizen


async def test_ticket_goes_through_its_whole_life(
    org_settings, set_online, rasa_recorder, org_db
):
    settings = replace(
        org_settings, rasa_url=rasa_recorder.url, rasa_auth_token="rasa-secret"
    )
    client = create_app(settings, name="desk_lifecycle").asgi_client
    window = await log_in(client, "alpha_window")
    pension = await log_in(client, "alpha_pension")
    await set_online("alpha_window")

    # The citizen asks for a human about pension benefits; only the window
    # specialist is online, so the ticket waits in the window queue.
    citizen = await start_citizen(client)
    handoff = await hand_off(client, citizen, topic="pension_benefits")
    ticket_id = handoff["ticket_id"]
    assert handoff["state"] == "queued"
    assert handoff["queue"] == "window:alpha"

    queued = await window.get("/api/agent/tickets?scope=queue")
    assert ticket_id in [t["id"] for t in queued.json["tickets"]]

    # The window specialist accepts. A system message and the status follow.
    accepted = await window.post(f"/api/agent/tickets/{ticket_id}/accept")
    assert accepted.status == 200, accepted.text
    assert accepted.json["ticket"]["state"] == "assigned"
    assert accepted.json["ticket"]["assigned_to"] == "alpha_window"
    transcript = await citizen.transcript()
    assert transcript["status"] == "assigned"
    assert transcript["messages"][-1]["sender"] == "system"
    assert transcript["messages"][-1]["text"].startswith("工作人员已接入")

    # Agent and citizen talk; the agent's reply carries the agent's name.
    reply = await window.post(
        f"/api/agent/tickets/{ticket_id}/messages", {"text": "您好，请问您的问题是？"}
    )
    assert reply.status == 201, reply.text
    await citizen.say("我想问养老金调整")
    messages = (await citizen.transcript())["messages"]
    assert messages[-2]["sender"] == "agent"
    assert messages[-2]["agent_name"] == "甲窗口"
    assert messages[-1]["text"] == "我想问养老金调整"
    detail = await window.get(f"/api/agent/tickets/{ticket_id}")
    assert detail.json["messages"][-1]["text"] == "我想问养老金调整"
    assert detail.json["ticket"]["last_message"]["sender"] == "citizen"

    # Transfer to the pension department with a note.
    moved = await window.post(
        f"/api/agent/tickets/{ticket_id}/transfer",
        {"department": "alpha.pension", "note": "养老金调整，请科室答复"},
    )
    assert moved.status == 200, moved.text
    assert moved.json["ticket"]["state"] == "transferred"
    assert moved.json["ticket"]["queue"] == "department:alpha.pension"
    assert moved.json["ticket"]["assigned_to"] is None
    transcript = await citizen.transcript()
    assert transcript["status"] == "transferred"
    assert transcript["messages"][-1]["text"] == "已为您转接到养老待遇科，请稍候"

    # The department accepts, then returns it to the window.
    assert (await pension.post(f"/api/agent/tickets/{ticket_id}/accept")).status == 200
    returned = await pension.post(
        f"/api/agent/tickets/{ticket_id}/return", {"note": "属于窗口业务"}
    )
    assert returned.status == 200, returned.text
    assert returned.json["ticket"]["queue"] == "window:alpha"
    assert returned.json["ticket"]["state"] == "transferred"
    detail = await window.get(f"/api/agent/tickets/{ticket_id}")
    notes = detail.json["notes"]
    assert [note["kind"] for note in notes] == ["transfer", "return"]
    assert notes[0]["from"] == "window:alpha"
    assert notes[0]["to"] == "department:alpha.pension"
    assert notes[0]["note"] == "养老金调整，请科室答复"
    assert notes[1]["by"] == "alpha_pension"

    # The window accepts again and closes with a resolution.
    assert (await window.post(f"/api/agent/tickets/{ticket_id}/accept")).status == 200
    closed = await window.post(
        f"/api/agent/tickets/{ticket_id}/close", {"resolution": "已解答养老金调整"}
    )
    assert closed.status == 200, closed.text
    assert closed.json["ticket"]["state"] == "closed"
    assert closed.json["ticket"]["resolution"] == "已解答养老金调整"
    transcript = await citizen.transcript()
    assert transcript["status"] == "bot"
    assert "评分" in transcript["messages"][-1]["text"]

    # The desk sent Rasa the slot event that staff helped.
    (request,) = rasa_recorder.requests
    url = urlsplit(request["path"])
    assert url.path == f"/conversations/{citizen.id}/tracker/events"
    assert parse_qs(url.query) == {"include_events": ["NONE"], "token": ["rasa-secret"]}
    assert request["body"] == [{"event": "slot", "name": "human_helped", "value": True}]

    # The citizen rates the ticket once.
    rated = await citizen.post("rating", {"ticket_id": ticket_id, "score": 5})
    assert rated.status == 201, rated.text
    again = await citizen.post("rating", {"ticket_id": ticket_id, "score": 1})
    assert again.status == 409

    history = await window.get("/api/agent/tickets?scope=history&q=养老金调整")
    assert ticket_id in [t["id"] for t in history.json["tickets"]]
