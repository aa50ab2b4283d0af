"""Forwarding to Rasa and storing its replies, against a fake Rasa server."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

PENSION_BUTTONS = [
    {"title": "养老金测算", "payload": "/ask_pension_benefits"},
    {"title": "转人工", "payload": "/request_human"},
]


async def test_rasa_receives_sender_text_and_metadata(
    bot_client, fake_rasa, start_conversation
):
    fake_rasa.replies = [{"recipient_id": "x", "text": "您好"}]
    conversation = await start_conversation(
        {"agency": "city", "enterprise": "ent-9", "channel": "web"},
        test_client=bot_client,
    )

    await conversation.send({"text": "你好"})

    assert fake_rasa.requests == [
        {
            "sender": conversation.id,
            "message": "你好",
            "metadata": {"agency": "city", "enterprise": "ent-9", "channel": "web"},
        }
    ]


async def test_rasa_replies_are_returned_and_stored(
    bot_client, fake_rasa, start_conversation
):
    fake_rasa.replies = [
        {"recipient_id": "x", "text": "请选择：", "buttons": PENSION_BUTTONS},
        {"recipient_id": "x", "image": "https://example.org/flow.png"},
        {"recipient_id": "x", "text": "带无效按钮", "buttons": [{"title": 1}, "x"]},
    ]
    conversation = await start_conversation(test_client=bot_client)

    response = await conversation.send({"text": "退休"})

    assert response.status == 200
    assert response.json["status"] == "bot"
    replies = response.json["messages"]
    assert [r["text"] for r in replies] == ["请选择：", None, "带无效按钮"]
    assert replies[0]["buttons"] == PENSION_BUTTONS
    assert replies[1]["image"] == "https://example.org/flow.png"
    assert replies[2]["buttons"] == []
    transcript = (await conversation.transcript())["messages"]
    assert [m["sender"] for m in transcript] == ["citizen", "bot", "bot", "bot"]
    assert transcript[1]["buttons"] == PENSION_BUTTONS
    assert transcript[2]["image"] == "https://example.org/flow.png"


async def test_offered_payload_is_forwarded_unchanged(
    bot_client, fake_rasa, start_conversation
):
    fake_rasa.replies = [
        {"recipient_id": "x", "text": "请选择", "buttons": PENSION_BUTTONS}
    ]
    conversation = await start_conversation(test_client=bot_client)
    # Turn 1: the bot offers two buttons.
    await conversation.send({"text": "养老"})

    # Turn 2: the citizen clicks "养老金测算".
    response = await conversation.send({"payload": "/ask_pension_benefits"})

    assert response.status == 200
    assert fake_rasa.requests[-1]["message"] == "/ask_pension_benefits"
    clicked = (await conversation.transcript())["messages"][2]
    assert clicked["sender"] == "citizen"
    assert clicked["text"] == "养老金测算"
    assert clicked["payload"] == "/ask_pension_benefits"


async def test_slash_text_reaches_rasa_with_fullwidth_slash(
    bot_client, fake_rasa, start_conversation
):
    fake_rasa.replies = [{"recipient_id": "x", "text": "收到"}]
    conversation = await start_conversation(test_client=bot_client)

    await conversation.send({"text": "/request_human"})
    await conversation.send({"text": ' //ask_pension_benefits{"a": 1}'})
    await conversation.send({"text": "路径 a/b"})

    forwarded = [request["message"] for request in fake_rasa.requests]
    assert forwarded == [
        "／request_human",
        '／／ask_pension_benefits{"a": 1}',
        "路径 a/b",
    ]
    stored = [m["text"] for m in (await conversation.transcript())["messages"]]
    assert "/request_human" in stored
    # The desk stores text trimmed, so the leading space is gone.
    assert '//ask_pension_benefits{"a": 1}' in stored


async def test_ticket_opened_during_rasa_call_sets_status(
    bot_client, fake_rasa, start_conversation, database_path
):
    # The action server opens a ticket while Rasa handles the message; here
    # the fake writes it straight into the database, as the handoff endpoint would.
    def open_ticket_meanwhile(request):
        with sqlite3.connect(database_path) as db:
            db.execute(
                "UPDATE conversations SET status = 'queued' WHERE id = ?",
                (request["sender"],),
            )
            db.execute(
                "INSERT INTO handoff_tickets "
                "(conversation_id, state, reason, context, created_at) "
                "VALUES (?, 'queued', 'requested', '{}', ?)",
                (request["sender"], datetime.now(UTC).isoformat(" ")),
            )

    fake_rasa.before_reply = open_ticket_meanwhile
    fake_rasa.replies = [{"recipient_id": "x", "text": "已为您转接人工服务"}]
    conversation = await start_conversation(test_client=bot_client)

    response = await conversation.send({"text": "转人工"})

    assert response.json["status"] == "queued"
    assert response.json["messages"][0]["text"] == "已为您转接人工服务"
