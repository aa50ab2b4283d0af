"""Rasa replies that come after the desk has answered with the slow-bot notice.

A desk served on a real socket by ``serve_desk`` keeps running between
requests, so its late-reply tasks outlive the request that started them.
The fake Rasa answers after a delay that is longer than ``rasa_timeout``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from desk.services.bot_messages import (
    REQUEST_HUMAN_PAYLOAD,
    TEXT_ASSISTANT_UNAVAILABLE,
    TEXT_BOT_SLOW,
)
from desk.services.late_replies import LateReplies
from tests.desk.conftest import FakeRasa

HUMAN_BUTTON = {"title": "转人工", "payload": REQUEST_HUMAN_PAYLOAD}
# The desk waits RASA_TIMEOUT seconds before the notice and gives up on a late
# reply LATE_TIMEOUT seconds after the call started.
RASA_TIMEOUT = 0.4
LATE_TIMEOUT = 3.0
# Seconds that the fake Rasa takes when it is slow: past RASA_TIMEOUT, well
# within LATE_TIMEOUT.
SLOW_SECONDS = 1.0
# Seconds that a test waits for something that should happen by LATE_TIMEOUT.
WAIT = LATE_TIMEOUT + 5


def echo_reply(request: dict[str, Any]) -> list[dict[str, str]]:
    """Return a Rasa reply that quotes the message it replies to."""
    return [{"recipient_id": request["sender"], "text": f"回答：{request['message']}"}]


class Citizen:
    """A conversation on a served desk, with request helpers."""

    def __init__(self, http: httpx.AsyncClient, base_url: str) -> None:
        self.http = http
        self.ws_url = "ws" + base_url.removeprefix("http")
        self.id = ""
        self.token = ""

    async def start(self) -> Citizen:
        response = await self.http.post("/api/conversations", json={})
        assert response.status_code == 201, response.text
        self.id = response.json()["conversation_id"]
        self.token = response.json()["token"]
        return self

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def messages_url(self) -> str:
        return f"/api/conversations/{self.id}/messages"

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post(
            self.messages_url, json=body, headers=self.headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def transcript(self) -> dict[str, Any]:
        response = await self.http.get(self.messages_url, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def wait_until_no_late_reply(self) -> dict[str, Any]:
        """Poll the transcript until the desk waits for no late reply."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            transcript = await self.transcript()
            if transcript["late_reply_seconds"] is None:
                return transcript
            await asyncio.sleep(0.1)
        raise AssertionError(f"a late reply was still pending after {WAIT} s")

    def socket(self, after: int) -> Any:
        return connect(
            f"{self.ws_url}/api/conversations/{self.id}/ws"
            f"?token={self.token}&after={after}"
        )


@pytest.fixture
async def slow_desk(settings, fake_rasa: FakeRasa, serve_desk) -> Callable[..., Any]:
    """Return a coroutine function that serves a desk with a slow fake Rasa."""

    async def serve(**changes: Any) -> tuple[httpx.AsyncClient, str]:
        desk_settings = replace(
            settings,
            rasa_url=fake_rasa.url,
            rasa_timeout=RASA_TIMEOUT,
            rasa_late_timeout=LATE_TIMEOUT,
            **changes,
        )
        base_url = await serve_desk(desk_settings)
        return httpx.AsyncClient(base_url=base_url, timeout=30), base_url

    return serve


def texts(transcript: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(m["sender"], m["text"]) for m in transcript["messages"]]


async def test_late_reply_is_stored_and_pushed(fake_rasa, slow_desk, caplog):
    caplog.set_level(logging.INFO, logger="desk")
    fake_rasa.delay = SLOW_SECONDS
    fake_rasa.replies = [{"recipient_id": "x", "text": "迟到的回答"}]
    http, base_url = await slow_desk()
    async with http:
        citizen = await Citizen(http, base_url).start()

        started = time.monotonic()
        body = await citizen.send({"text": "医保个账怎么共济"})
        elapsed = time.monotonic() - started

        [notice] = body["messages"]
        assert elapsed < SLOW_SECONDS
        assert notice["text"] == TEXT_BOT_SLOW
        assert notice["buttons"] == [HUMAN_BUTTON]
        assert body["status"] == "bot"
        assert 0 < body["late_reply_seconds"] <= LATE_TIMEOUT
        async with citizen.socket(after=notice["id"]) as socket:
            async with asyncio.timeout(WAIT):
                event = json.loads(await socket.recv())
        transcript = await citizen.wait_until_no_late_reply()

    assert event["type"] == "message"
    assert event["message"]["text"] == "迟到的回答"
    assert event["message"]["sender"] == "bot"
    assert event["message"]["id"] > notice["id"]
    assert texts(transcript) == [
        ("citizen", "医保个账怎么共济"),
        ("bot", TEXT_BOT_SLOW),
        ("bot", "迟到的回答"),
    ]
    assert len(fake_rasa.requests) == 1
    [stored_log] = [r for r in caplog.records if "late_reply.stored" in r.message]
    assert "医保" not in stored_log.getMessage()


async def test_late_reply_after_handoff_is_dropped(fake_rasa, slow_desk, caplog):
    caplog.set_level(logging.INFO, logger="desk")
    fake_rasa.delay = SLOW_SECONDS
    fake_rasa.replies = [{"recipient_id": "x", "text": "迟到的回答"}]
    http, base_url = await slow_desk()
    async with http:
        citizen = await Citizen(http, base_url).start()
        await citizen.send({"text": "退休手续怎么办"})

        # The citizen presses the notice's button before Rasa has answered.
        handoff = await citizen.send({"payload": REQUEST_HUMAN_PAYLOAD})
        transcript = await citizen.wait_until_no_late_reply()

    assert handoff["status"] == "queued"
    assert transcript["status"] == "queued"
    assert [sender for sender, _ in texts(transcript)] == [
        "citizen",
        "bot",
        "citizen",
        "system",
    ]
    assert "迟到的回答" not in [text for _, text in texts(transcript)]
    dropped = [r for r in caplog.records if "late_reply.dropped" in r.message]
    # Both calls, the question's and the button's, came back too late.
    assert len(dropped) == 2
    assert all("reason=staff_took_over" in r.getMessage() for r in dropped)


@pytest.mark.parametrize(
    ("status", "replies", "delay"),
    [
        (500, {"error": "boom"}, SLOW_SECONDS),
        (200, [], SLOW_SECONDS),
        (200, [{"recipient_id": "x", "text": "太迟了"}], LATE_TIMEOUT + 1),
    ],
    ids=["http-500", "empty-list", "late-timeout"],
)
async def test_late_failure_stores_apology_once(
    fake_rasa, slow_desk, status, replies, delay
):
    fake_rasa.status = status
    fake_rasa.replies = replies
    fake_rasa.delay = delay
    http, base_url = await slow_desk()
    async with http:
        citizen = await Citizen(http, base_url).start()
        body = await citizen.send({"text": "养老金怎么查"})
        transcript = await citizen.wait_until_no_late_reply()
        # Nothing more is stored after the task has ended.
        await asyncio.sleep(0.3)
        final = await citizen.transcript()

    assert [m["text"] for m in body["messages"]] == [TEXT_BOT_SLOW]
    assert texts(transcript) == [
        ("citizen", "养老金怎么查"),
        ("bot", TEXT_BOT_SLOW),
        ("bot", TEXT_ASSISTANT_UNAVAILABLE),
    ]
    assert transcript["messages"][-1]["buttons"] == [HUMAN_BUTTON]
    assert final["messages"] == transcript["messages"]


async def test_next_reply_waits_for_late_reply(fake_rasa, slow_desk):
    # The fake answers the second message while the first is still running,
    # so the second reply reaches the desk first, as it could when both
    # responses are on their way. The desk stores it after the late one.
    def answer_slowly_first(request: dict[str, Any]) -> list[dict[str, str]]:
        time.sleep(SLOW_SECONDS if request["message"] == "第一个问题" else 0.05)
        return echo_reply(request)

    fake_rasa.reply_to = answer_slowly_first
    http, base_url = await slow_desk()
    async with http:
        citizen = await Citizen(http, base_url).start()
        first = await citizen.send({"text": "第一个问题"})

        second = await citizen.send({"text": "第二个问题"})
        transcript = await citizen.wait_until_no_late_reply()

    assert [m["text"] for m in first["messages"]] == [TEXT_BOT_SLOW]
    assert [m["text"] for m in second["messages"]] == ["回答：第二个问题"]
    assert second["late_reply_seconds"] is None
    assert texts(transcript) == [
        ("citizen", "第一个问题"),
        ("bot", TEXT_BOT_SLOW),
        ("citizen", "第二个问题"),
        ("bot", "回答：第一个问题"),
        ("bot", "回答：第二个问题"),
    ]


async def test_two_late_replies_keep_order(fake_rasa, slow_desk):
    # Both messages outlast the timeout, and the second one's late reply
    # reaches the desk first. The desk stores the late replies in the order
    # of the messages, as Rasa, which handles one at a time, would send them.
    def answer_second_first(request: dict[str, Any]) -> list[dict[str, str]]:
        first = request["message"] == "第一个问题"
        time.sleep(SLOW_SECONDS * 1.5 if first else SLOW_SECONDS)
        return echo_reply(request)

    fake_rasa.reply_to = answer_second_first
    http, base_url = await slow_desk()
    async with http:
        citizen = await Citizen(http, base_url).start()
        await citizen.send({"text": "第一个问题"})
        await citizen.send({"text": "第二个问题"})
        transcript = await citizen.wait_until_no_late_reply()

    assert texts(transcript) == [
        ("citizen", "第一个问题"),
        ("bot", TEXT_BOT_SLOW),
        ("citizen", "第二个问题"),
        ("bot", TEXT_BOT_SLOW),
        ("bot", "回答：第一个问题"),
        ("bot", "回答：第二个问题"),
    ]


async def test_reply_in_time_has_no_late_reply(fake_rasa, slow_desk):
    fake_rasa.reply_to = echo_reply
    http, base_url = await slow_desk()
    async with http:
        citizen = await Citizen(http, base_url).start()
        body = await citizen.send({"text": "你好"})
        transcript = await citizen.transcript()

    assert [m["text"] for m in body["messages"]] == ["回答：你好"]
    assert body["late_reply_seconds"] is None
    assert transcript["late_reply_seconds"] is None


async def test_registry_cancels_tasks_on_close():
    late_replies = LateReplies()
    started = asyncio.Event()

    async def wait_forever(previous: Any) -> None:
        started.set()
        await asyncio.sleep(3600)

    loop = asyncio.get_running_loop()
    assert late_replies.start("c1", wait_forever, loop.time() + 30)
    await started.wait()
    assert late_replies.seconds_left("c1") is not None

    await late_replies.close()

    assert len(late_replies) == 0
    assert late_replies.seconds_left("c1") is None
    assert not late_replies.start("c1", wait_forever, loop.time() + 30)


async def test_registry_chains_tasks_of_a_conversation():
    late_replies = LateReplies()
    order: list[str] = []
    release_first = asyncio.Event()

    async def first(previous: Any) -> None:
        assert previous is None
        await release_first.wait()
        order.append("first")

    async def second(previous: Any) -> None:
        assert previous is not None
        await asyncio.wait({previous})
        order.append("second")

    async def other(previous: Any) -> None:
        assert previous is None
        order.append("other")

    deadline = asyncio.get_running_loop().time() + 30
    late_replies.start("c1", first, deadline)
    late_replies.start("c1", second, deadline)
    late_replies.start("c2", other, deadline)
    await late_replies.wait_for_earlier("c2")
    release_first.set()
    await late_replies.wait_for_earlier("c1")

    assert order == ["other", "first", "second"]
    assert len(late_replies) == 0
