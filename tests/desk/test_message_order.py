"""Messages sent at once: one conversation in order, different ones in parallel.

These tests send concurrent requests to a desk served on a real socket by
``serve_desk``, because the ASGI test client restarts the app per request.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import replace
from typing import Any

import httpx

from desk.services.dialogue import TEXT_ASSISTANT_UNAVAILABLE


def echo_reply(request: dict[str, Any]) -> list[dict[str, str]]:
    """Return a Rasa reply that quotes the message it replies to."""
    return [{"recipient_id": request["sender"], "text": f"回答：{request['message']}"}]


async def create_conversation(http: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    response = await http.post("/api/conversations", json={})
    assert response.status_code == 201, response.text
    body = response.json()
    return body["conversation_id"], {"Authorization": f"Bearer {body['token']}"}


async def send_at_once(
    http: httpx.AsyncClient,
    conversation_id: str,
    headers: dict[str, str],
    texts: list[str],
) -> list[httpx.Response]:
    url = f"/api/conversations/{conversation_id}/messages"
    return list(
        await asyncio.gather(
            *(http.post(url, json={"text": text}, headers=headers) for text in texts)
        )
    )


async def test_concurrent_messages_alternate_with_replies(
    settings, fake_rasa, serve_desk
):
    fake_rasa.reply_to = echo_reply
    fake_rasa.delay = 0.1
    base_url = await serve_desk(replace(settings, rasa_url=fake_rasa.url))
    texts = [f"问题{number}" for number in range(10)]

    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        conversation_id, headers = await create_conversation(http)
        responses = await send_at_once(http, conversation_id, headers, texts)
        transcript = await http.get(
            f"/api/conversations/{conversation_id}/messages", headers=headers
        )

    for text, response in zip(texts, responses, strict=True):
        assert response.status_code == 200, response.text
        assert [m["text"] for m in response.json()["messages"]] == [f"回答：{text}"]
    assert fake_rasa.max_in_flight == 1
    messages = transcript.json()["messages"]
    assert [m["sender"] for m in messages] == ["citizen", "bot"] * len(texts)
    for question, answer in zip(messages[::2], messages[1::2], strict=True):
        assert answer["text"] == f"回答：{question['text']}"
    assert sorted(m["text"] for m in messages[::2]) == sorted(texts)


async def test_rasa_timeout_excludes_lock_wait(settings, fake_rasa, serve_desk):
    # Like Rasa, the fake handles one message at a time. Each call takes
    # 0.15 s of the 0.6 s timeout, but the eight calls take 1.2 s together,
    # so the last messages wait longer than the timeout before their turn.
    fake_rasa.one_at_a_time = True
    fake_rasa.reply_to = echo_reply
    fake_rasa.delay = 0.15
    base_url = await serve_desk(
        replace(settings, rasa_url=fake_rasa.url, rasa_timeout=0.6)
    )
    texts = [f"问题{number}" for number in range(8)]

    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        conversation_id, headers = await create_conversation(http)
        responses = await send_at_once(http, conversation_id, headers, texts)

    replies = [response.json()["messages"][0]["text"] for response in responses]
    assert TEXT_ASSISTANT_UNAVAILABLE not in replies
    assert replies == [f"回答：{text}" for text in texts]


async def test_different_conversations_run_in_parallel(settings, fake_rasa, serve_desk):
    fake_rasa.reply_to = echo_reply
    fake_rasa.delay = 0.6
    base_url = await serve_desk(replace(settings, rasa_url=fake_rasa.url))

    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        first = await create_conversation(http)
        second = await create_conversation(http)
        started = time.monotonic()
        responses = await asyncio.gather(
            send_at_once(http, *first, ["第一个会话的问题"]),
            send_at_once(http, *second, ["第二个会话的问题"]),
        )
        elapsed = time.monotonic() - started

    assert [r.status_code for [r] in responses] == [200, 200]
    assert fake_rasa.max_in_flight == 2
    # One Rasa delay is 0.6 s; handling the two one after the other takes 1.2 s.
    assert elapsed < 1.1


async def test_message_waiting_during_handoff_goes_to_staff(
    settings, fake_rasa, serve_desk, database_path
):
    # Turn 1 and 2 arrive together. Whichever is first reaches Rasa, whose
    # handoff action queues the conversation. The other one then waits for
    # the lock, reads the new status and is stored for staff without Rasa.
    def queue_conversation(request: dict[str, Any]) -> None:
        with sqlite3.connect(database_path) as db:
            db.execute(
                "UPDATE conversations SET status = 'queued' WHERE id = ?",
                (request["sender"],),
            )

    fake_rasa.before_reply = queue_conversation
    fake_rasa.reply_to = echo_reply
    fake_rasa.delay = 0.3
    base_url = await serve_desk(replace(settings, rasa_url=fake_rasa.url))

    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        conversation_id, headers = await create_conversation(http)
        responses = await send_at_once(
            http, conversation_id, headers, ["转人工", "我的社保卡丢了"]
        )

    assert len(fake_rasa.requests) == 1
    assert [r.json()["status"] for r in responses] == ["queued", "queued"]
    assert sorted(len(r.json()["messages"]) for r in responses) == [0, 1]
