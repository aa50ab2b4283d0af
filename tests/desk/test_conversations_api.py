"""Creating conversations and reading their transcripts."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from datetime import datetime

import pytest
from sqlalchemy.dialects.postgresql import asyncpg as postgresql_asyncpg

from desk.services.conversations import messages_after_query


async def test_create_conversation_returns_id_token_and_bot_status(
    client, database_path
):
    _, response = await client.post("/api/conversations")

    assert response.status == 201
    body = response.json
    assert re.fullmatch(r"[0-9a-f]{32}", body["conversation_id"])
    assert len(body["token"]) >= 43
    assert body["status"] == "bot"
    with sqlite3.connect(database_path) as db:
        row = db.execute(
            "SELECT token_hash, channel, agency FROM conversations WHERE id = ?",
            (body["conversation_id"],),
        ).fetchone()
    assert row[0] == hashlib.sha256(body["token"].encode()).hexdigest()
    assert row[1] == "web"
    assert row[2] is None


async def test_create_conversation_stores_origin_fields(client, database_path):
    body = {"agency": "泰山区社保中心", "enterprise": "ent-001", "channel": "wechat"}

    _, response = await client.post("/api/conversations", json=body)

    assert response.status == 201
    with sqlite3.connect(database_path) as db:
        row = db.execute(
            "SELECT agency, enterprise, channel FROM conversations WHERE id = ?",
            (response.json["conversation_id"],),
        ).fetchone()
    assert row == ("泰山区社保中心", "ent-001", "wechat")


async def test_create_conversation_tokens_differ(client):
    _, first = await client.post("/api/conversations")
    _, second = await client.post("/api/conversations")

    assert first.json["conversation_id"] != second.json["conversation_id"]
    assert first.json["token"] != second.json["token"]


@pytest.mark.parametrize(
    ("raw_body", "expected_words"),
    [
        (b"{not json", "Invalid JSON"),
        (b"[1, 2]", "expected a JSON object, got a JSON array"),
        (b'{"channel": 5}', '"channel": expected a string, got a JSON number'),
        (b'{"agency": ["a"]}', '"agency": expected a string, got a JSON array'),
        ('{"agency": "%s"}' % ("长" * 65), '"agency": 65 characters long'),
    ],
)
async def test_create_conversation_rejects_bad_body(client, raw_body, expected_words):
    data = raw_body.encode() if isinstance(raw_body, str) else raw_body

    _, response = await client.post("/api/conversations", content=data)

    assert response.status == 400
    assert expected_words in response.json["error"]


async def test_transcript_lists_messages_in_order(start_conversation):
    conversation = await start_conversation()
    # Turn 1: the bot is down, so each text gets the desk's apology.
    await conversation.send({"text": "第一条"})
    # Turn 2: a second question, again answered by the apology.
    await conversation.send({"text": "第二条"})

    transcript = await conversation.transcript()

    assert transcript["conversation_id"] == conversation.id
    assert transcript["status"] == "bot"
    messages = transcript["messages"]
    assert [m["sender"] for m in messages] == ["citizen", "bot", "citizen", "bot"]
    assert messages[0]["text"] == "第一条"
    assert messages[2]["text"] == "第二条"
    ids = [m["id"] for m in messages]
    assert ids == sorted(ids)
    times = [datetime.fromisoformat(m["created_at"]) for m in messages]
    assert all(t.tzinfo is not None for t in times)
    assert times == sorted(times)
    assert set(messages[1]) == {
        "id",
        "sender",
        "text",
        "payload",
        "buttons",
        "image",
        "created_at",
    }


async def test_transcript_after_returns_only_newer_messages(client, start_conversation):
    conversation = await start_conversation()
    await conversation.send({"text": "你好"})
    first_id = (await conversation.transcript())["messages"][0]["id"]

    _, response = await client.get(
        f"{conversation.messages_url}?after={first_id}", headers=conversation.headers
    )

    assert response.status == 200
    assert [m["sender"] for m in response.json["messages"]] == ["bot"]


@pytest.mark.parametrize("after", ["-1", "abc", "1.5", "１"])
async def test_transcript_rejects_invalid_after(client, start_conversation, after):
    conversation = await start_conversation()

    _, response = await client.get(
        f"{conversation.messages_url}?after={after}", headers=conversation.headers
    )

    assert response.status == 400
    assert '"after"' in response.json["error"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ],
    ids=["missing", "wrong", "basic-scheme", "empty-bearer"],
)
async def test_transcript_requires_the_conversation_token(
    client, start_conversation, headers
):
    conversation = await start_conversation()
    await conversation.send({"text": "我的问题"})

    _, response = await client.get(conversation.messages_url, headers=headers)

    assert response.status == 401
    assert "messages" not in response.json
    assert "我的问题" not in response.text


async def test_transcript_rejects_token_of_other_conversation(start_conversation):
    first = await start_conversation()
    second = await start_conversation()

    _, response = await first.client.get(first.messages_url, headers=second.headers)

    assert response.status == 401


async def test_transcript_of_unknown_conversation_is_404(client):
    _, response = await client.get(
        "/api/conversations/0123456789abcdef0123456789abcdef/messages",
        headers={"Authorization": "Bearer some-token"},
    )

    assert response.status == 404
    assert "not found" in response.json["error"]


@pytest.mark.parametrize("name", ["agency", "enterprise", "channel"])
async def test_create_conversation_rejects_unpaired_surrogate(client, name):
    # json.dumps writes the lone surrogate as the escape \ud800.
    raw_body = json.dumps({name: "泰山区\ud800"}).encode()

    _, response = await client.post("/api/conversations", content=raw_body)

    assert response.status == 400
    error = response.json["error"]
    assert f'Invalid "{name}"' in error
    assert "invalid Unicode (an unpaired surrogate, U+D800 at index 3)" in error


@pytest.mark.parametrize(
    "after",
    ["9223372036854775808", "99999999999999999999", "1" * 5000],
    ids=["max-plus-one", "twenty-digits", "five-thousand-digits"],
)
async def test_transcript_rejects_after_out_of_range(client, start_conversation, after):
    conversation = await start_conversation()

    _, response = await client.get(
        f"{conversation.messages_url}?after={after}", headers=conversation.headers
    )

    assert response.status == 400
    error = response.json["error"]
    assert '"after"' in error
    assert "out of range" in error
    assert "9223372036854775807" in error


async def test_transcript_error_names_out_of_range_after(client, start_conversation):
    conversation = await start_conversation()

    _, response = await client.get(
        f"{conversation.messages_url}?after=9223372036854775808",
        headers=conversation.headers,
    )

    assert "9223372036854775808 is out of range" in response.json["error"]


@pytest.mark.parametrize(
    ("after", "expected_count"),
    [("9223372036854775807", 0), ("0" * 25, 2)],
    ids=["maximum", "zero-with-25-digits"],
)
async def test_transcript_accepts_after_in_range(
    client, start_conversation, after, expected_count
):
    conversation = await start_conversation()
    # The citizen's message and the apology of the desk, whose bot is down.
    await conversation.send({"text": "你好"})

    _, response = await client.get(
        f"{conversation.messages_url}?after={after}", headers=conversation.headers
    )

    assert response.status == 200
    assert len(response.json["messages"]) == expected_count


def test_messages_after_query_binds_bigint_for_postgresql():
    # On PostgreSQL the id column is a 32-bit INTEGER, and asyncpg rejects a
    # parameter above 2**31 - 1 unless the query casts it to BIGINT.
    query = messages_after_query(conversation_id="c", after_id=2**63 - 1)

    sql = str(query.compile(dialect=postgresql_asyncpg.dialect()))

    assert "messages.id > $2::BIGINT" in sql
