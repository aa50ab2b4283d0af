"""What the citizen gets when Rasa is down, slow, failing or silent."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace

import pytest

from desk.services.dialogue import REQUEST_HUMAN_PAYLOAD, TEXT_BOT_SLOW

HUMAN_BUTTON = {"title": "转人工", "payload": REQUEST_HUMAN_PAYLOAD}


def stored_senders(database_path, conversation_id):
    with sqlite3.connect(database_path) as db:
        rows = db.execute(
            "SELECT sender FROM messages WHERE conversation_id = ? ORDER BY id",
            (conversation_id,),
        ).fetchall()
    return [sender for (sender,) in rows]


def tickets_of(database_path, conversation_id):
    with sqlite3.connect(database_path) as db:
        return db.execute(
            "SELECT state, reason FROM handoff_tickets WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchall()


async def test_rasa_down_offers_human(start_conversation, database_path):
    conversation = await start_conversation()

    started = time.monotonic()
    response = await conversation.send({"text": "灵活就业怎么交养老保险"})
    elapsed = time.monotonic() - started

    assert response.status == 200
    assert elapsed < 3
    body = response.json
    assert body["status"] == "bot"
    [apology] = body["messages"]
    assert "抱歉" in apology["text"]
    assert apology["buttons"] == [HUMAN_BUTTON]
    assert apology["image"] is None
    assert stored_senders(database_path, conversation.id) == ["citizen", "bot"]


async def test_human_button_opens_ticket_when_rasa_down(
    start_conversation, database_path
):
    conversation = await start_conversation()
    # Turn 1: the citizen types a question, the desk apologises and offers a human.
    await conversation.send({"text": "我要问退休的事"})

    # Turn 2: the citizen clicks the button while Rasa is still down.
    response = await conversation.send({"payload": REQUEST_HUMAN_PAYLOAD})

    assert response.status == 200
    assert response.json["status"] == "queued"
    [notice] = response.json["messages"]
    assert "工作人员会在这里回复" in notice["text"]
    assert tickets_of(database_path, conversation.id) == [
        ("queued", "assistant_unavailable")
    ]
    transcript = await conversation.transcript()
    assert transcript["status"] == "queued"
    clicked = transcript["messages"][2]
    assert clicked["sender"] == "citizen"
    assert clicked["payload"] == REQUEST_HUMAN_PAYLOAD
    assert clicked["text"] == "转人工"


async def test_human_button_twice_keeps_one_ticket(start_conversation, database_path):
    conversation = await start_conversation()
    await conversation.send({"text": "你好"})
    await conversation.send({"payload": REQUEST_HUMAN_PAYLOAD})

    # The citizen clicks the old button again while staff own the chat.
    response = await conversation.send({"payload": REQUEST_HUMAN_PAYLOAD})

    assert response.status == 200
    assert response.json["messages"] == []
    assert response.json["status"] == "queued"
    assert len(tickets_of(database_path, conversation.id)) == 1


async def test_messages_after_handoff_are_stored_not_forwarded(
    settings, fake_rasa, make_client, start_conversation, database_path
):
    down_client = make_client(settings)
    conversation = await start_conversation(test_client=down_client)
    await conversation.send({"text": "你好"})
    await conversation.send({"payload": REQUEST_HUMAN_PAYLOAD})
    # Rasa comes back, but staff now own the conversation.
    up_client = make_client(
        replace(settings, rasa_url=fake_rasa.url, action_server_url=fake_rasa.url)
    )
    conversation.client = up_client

    response = await conversation.send({"text": "我的社保卡丢了"})

    assert response.status == 200
    assert response.json["messages"] == []
    assert response.json["status"] == "queued"
    assert fake_rasa.requests == []
    transcript = await conversation.transcript()
    assert transcript["messages"][-1]["text"] == "我的社保卡丢了"


@pytest.mark.parametrize(
    ("status", "replies"),
    [
        (500, {"error": "boom"}),
        (503, []),
        (404, {"error": "channel not enabled"}),
        (200, []),
        (200, {"not": "a list"}),
        (200, [{"recipient_id": "x", "custom": {"kind": "card"}}]),
    ],
    ids=["500", "503", "404", "empty-list", "object-body", "custom-only"],
)
async def test_failing_rasa_answer_gets_apology(
    bot_client, fake_rasa, start_conversation, database_path, status, replies
):
    fake_rasa.status = status
    fake_rasa.replies = replies
    conversation = await start_conversation(test_client=bot_client)

    response = await conversation.send({"text": "养老金怎么查"})

    assert response.status == 200
    [apology] = response.json["messages"]
    assert apology["buttons"] == [HUMAN_BUTTON]
    assert stored_senders(database_path, conversation.id) == ["citizen", "bot"]


async def test_empty_rasa_answer_to_human_button_opens_ticket(
    bot_client, fake_rasa, start_conversation, database_path
):
    # Rasa runs but the action server is down, so Rasa returns [].
    fake_rasa.replies = []
    conversation = await start_conversation(test_client=bot_client)
    await conversation.send({"text": "转人工"})

    response = await conversation.send({"payload": REQUEST_HUMAN_PAYLOAD})

    assert response.json["status"] == "queued"
    assert fake_rasa.requests[-1]["message"] == REQUEST_HUMAN_PAYLOAD
    assert tickets_of(database_path, conversation.id) == [
        ("queued", "assistant_unavailable")
    ]


async def test_slow_rasa_gets_notice_within_3s(
    bot_client, fake_rasa, start_conversation, database_path
):
    # The desk waits settings.rasa_timeout (2.5 s), the fake waits longer. The
    # ASGI test client stops the app after the request, which cancels the
    # call that goes on in the background (tests/desk/test_late_replies.py).
    fake_rasa.delay = 4
    fake_rasa.replies = [{"recipient_id": "x", "text": "too late"}]
    conversation = await start_conversation(test_client=bot_client)

    started = time.monotonic()
    response = await conversation.send({"text": "医保个账怎么共济"})
    elapsed = time.monotonic() - started

    assert elapsed < 3
    [notice] = response.json["messages"]
    assert notice["text"] == TEXT_BOT_SLOW
    assert notice["buttons"] == [HUMAN_BUTTON]
    assert response.json["late_reply_seconds"] > 0
    assert stored_senders(database_path, conversation.id) == ["citizen", "bot"]
