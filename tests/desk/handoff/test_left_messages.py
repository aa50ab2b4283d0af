"""Handoffs that nobody can take now: left messages, contacts and late replies."""

from __future__ import annotations

import logging

from sqlalchemy import select

from desk.models.handoff import Contact
from desk.services.dialogue import REQUEST_HUMAN_PAYLOAD
from tests.desk.handoff.conftest import hand_off, scalars

LANDLINE = "0538-8221234"
MOBILE = "13905381234"


async def test_nobody_online_leaves_a_message(org_client, set_online, citizen_factory):
    await set_online()
    citizen = await citizen_factory()

    handoff = await hand_off(org_client, citizen, topic="pension_benefits")
    transcript = await citizen.transcript()

    assert handoff["state"] == "left_message"
    assert handoff["queue"] == "department:alpha.pension"
    assert handoff["next_open"] is None
    assert transcript["status"] == "left_message"
    assert transcript["messages"][-1]["sender"] == "system"
    assert transcript["messages"][-1]["text"].startswith("工作人员暂时都不在线")


async def test_closed_agency_leaves_a_message(org_client, set_online, citizen_factory):
    await set_online("gamma_window")
    citizen = await citizen_factory({"agency": "gamma"})

    handoff = await hand_off(org_client, citizen)
    transcript = await citizen.transcript()

    assert handoff["state"] == "left_message"
    assert handoff["queue"] == "window:gamma"
    assert transcript["messages"][-1]["text"].startswith("现在是非工作时间")


async def test_bot_down_human_button_routes_the_ticket(set_online, citizen_factory):
    await set_online()
    citizen = await citizen_factory()

    # Turn 1: Rasa is down, so the desk apologises with the human button.
    await citizen.say("我想咨询")
    # Turn 2: the button opens the ticket; nobody is online, so the reply says so.
    _, response = await citizen.client.post(
        f"/api/conversations/{citizen.id}/messages",
        json={"payload": REQUEST_HUMAN_PAYLOAD},
        headers=citizen.headers,
    )

    assert response.status == 200, response.text
    assert response.json["status"] == "left_message"
    (notice,) = response.json["messages"]
    assert notice["text"].startswith("工作人员暂时都不在线")


async def test_messages_wait_for_staff_while_left(
    set_online, citizen_factory, org_client
):
    await set_online()
    citizen = await citizen_factory()
    await hand_off(org_client, citizen)

    response = await citizen.say("我明天上午有空")

    assert response.status == 200
    assert response.json["status"] == "left_message"
    assert response.json["messages"] == []


async def test_contact_is_stored_and_masked_in_logs(
    org_client, set_online, citizen_factory, org_db, caplog
):
    caplog.set_level(logging.DEBUG)
    await set_online()
    citizen = await citizen_factory()
    ticket_id = (await hand_off(org_client, citizen))["ticket_id"]

    response = await citizen.post(
        "contact", {"name": "张先生", "phone": LANDLINE, "message": "请回电话"}
    )
    mobile = await citizen.post("contact", {"phone": MOBILE, "message": "或者打手机"})

    assert response.status == 201, response.text
    assert mobile.status == 201, mobile.text
    contacts = await scalars(
        org_db,
        select(Contact).where(Contact.ticket_id == ticket_id).order_by(Contact.id),
    )
    assert [contact.phone for contact in contacts] == [LANDLINE, MOBILE]
    assert contacts[0].name == "张先生"
    assert (await citizen.transcript())["messages"][-1]["text"] == "或者打手机"
    assert LANDLINE not in caplog.text
    assert "8221234" not in caplog.text
    assert MOBILE not in caplog.text
    assert "053*-*****34" in caplog.text


async def test_contact_rules(org_client, set_online, citizen_factory):
    await set_online("alpha_window")
    waiting = await citizen_factory()
    await hand_off(org_client, waiting)
    await set_online()
    left = await citizen_factory()
    await hand_off(org_client, left)

    queued = await waiting.post("contact", {"message": "hi"})
    no_message = await left.post("contact", {"name": "张"})
    bad_phone = await left.post("contact", {"phone": "call me", "message": "hi"})

    assert queued.status == 409
    assert no_message.status == 422
    assert bad_phone.status == 422
    assert "call me" not in bad_phone.json["error"]


async def test_reply_to_left_message_reaches_the_conversation(
    org_client, set_online, citizen_factory, agent_login
):
    await set_online()
    citizen = await citizen_factory()
    ticket_id = (await hand_off(org_client, citizen))["ticket_id"]
    await citizen.post("contact", {"message": "请尽快回复"})

    # Next morning the window specialist logs in and sees the left message.
    window = await agent_login("alpha_window")
    queued = await window.get("/api/agent/tickets?scope=queue&queue=window:alpha")
    listed = {ticket["id"]: ticket for ticket in queued.json["tickets"]}
    assert listed[ticket_id]["state"] == "left_message"
    assert listed[ticket_id]["contact"]["message"] == "请尽快回复"
    assert (await window.post(f"/api/agent/tickets/{ticket_id}/accept")).status == 200
    await window.post(
        f"/api/agent/tickets/{ticket_id}/messages", {"text": "您好，已收到您的留言"}
    )

    messages = (await citizen.transcript())["messages"]
    assert messages[-1]["sender"] == "agent"
    assert messages[-1]["text"] == "您好，已收到您的留言"
