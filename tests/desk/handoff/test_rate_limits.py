"""Rate limits of the citizen endpoints."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desk.app import create_app
from desk.services.ratelimit import RateLimiter
from desk.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_allows_limit_per_period():
    clock = FakeClock()
    limiter = RateLimiter(3, 60, clock=clock)

    allowed = [limiter.hit("a") for _ in range(3)]
    refused = limiter.hit("a")
    other_key = limiter.hit("b")
    clock.now += 30
    still_refused = limiter.hit("a")
    clock.now += 30.5
    allowed_again = limiter.hit("a")

    assert allowed == [None, None, None]
    assert refused == pytest.approx(60)
    assert other_key is None
    assert still_refused == pytest.approx(30)
    assert allowed_again is None


def test_limiter_forgets_reset_keys():
    limiter = RateLimiter(1, 60, clock=FakeClock())
    limiter.hit("a")

    limiter.reset("a")

    assert limiter.hit("a") is None


async def test_eleventh_conversation_in_a_minute_is_refused(org_settings):
    client = create_app(org_settings, name="desk_limit_conversations").asgi_client

    statuses = []
    for _ in range(11):
        _, response = await client.post("/api/conversations", json={})
        statuses.append(response.status)

    assert statuses == [201] * 10 + [429]
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert "10 per minute" in response.json["error"]
    assert "new conversations" in response.json["error"]


def test_default_limits_per_minute():
    settings = Settings()

    assert settings.messages_per_minute == 30
    assert settings.requests_per_minute == 120
    assert settings.conversations_per_minute == 10


async def test_message_over_the_limit_is_refused(org_settings):
    # The limit is 30 by default; 3 keeps the test short.
    settings = replace(org_settings, messages_per_minute=3)
    client = create_app(settings, name="desk_limit_messages").asgi_client
    _, created = await client.post("/api/conversations", json={})
    path = f"/api/conversations/{created.json['conversation_id']}/messages"
    headers = {"Authorization": f"Bearer {created.json['token']}"}

    statuses = []
    for number in range(4):
        _, response = await client.post(
            path, json={"text": f"第{number}条"}, headers=headers
        )
        statuses.append(response.status)

    assert statuses == [200] * 3 + [429]
    assert "messages in this conversation" in response.json["error"]
    assert "3 per minute" in response.json["error"]
    assert response.headers["retry-after"]


async def test_requests_per_address_are_limited(org_settings):
    settings = replace(org_settings, requests_per_minute=5)
    client = create_app(settings, name="desk_limit_requests").asgi_client

    statuses = []
    for _ in range(6):
        _, response = await client.get("/api/agencies")
        statuses.append(response.status)
    _, search = await client.get("/api/kb/search?q=养老金")

    assert statuses == [200] * 5 + [429]
    assert "requests from your address" in response.json["error"]
    # The action server's knowledge-base searches do not count.
    assert search.status == 200
