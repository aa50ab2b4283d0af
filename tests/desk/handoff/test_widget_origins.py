"""CORS of the citizen API and the origin check of the citizen WebSocket.

The desk is configured with DESK_WIDGET_ORIGINS = ALLOWED, as for an agency
portal that embeds widget.js from the desk on its own site.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sanic_testing.testing import SanicASGITestClient
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from desk.app import create_app
from desk.services.cors import PREFLIGHT_MAX_AGE_SECONDS
from desk.settings import Settings
from tests.desk.conftest import SERVICE_TOKEN
from tests.desk.handoff.conftest import ALPHA_CODE, PASSWORD, start_citizen

ALLOWED = "https://www.taian.gov.cn"
FOREIGN = "https://attacker.example"

# Each route that widget.js calls with fetch, with a method it uses.
WIDGET_CALLS = [
    ("POST", "/api/conversations"),
    ("GET", "/api/conversations/c1/messages"),
    ("POST", "/api/conversations/c1/messages"),
    ("POST", "/api/conversations/c1/attachments"),
    ("POST", "/api/conversations/c1/contact"),
    ("POST", "/api/conversations/c1/rating"),
    ("GET", "/api/agencies"),
    ("GET", f"/api/enterprises/{ALPHA_CODE}/departments"),
]

# Routes of staff and services, which no other site may call from a browser.
STAFF_CALLS = [
    ("POST", "/api/agent/login"),
    ("GET", "/api/agent/me"),
    ("GET", "/api/agent/tickets"),
    ("POST", "/api/agent/tickets/1/accept"),
    ("POST", "/api/handoffs"),
    ("GET", "/api/handoffs"),
    ("PUT", "/api/kb/entries/pension_benefits.901"),
]


def cors_headers(response: Any) -> dict[str, str]:
    """Return the response's Access-Control-* headers, with lowercase names."""
    return {
        name.lower(): value
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-")
    }


@pytest.fixture
def cors_settings(org_settings: Settings) -> Settings:
    return replace(org_settings, widget_origins=(ALLOWED, "http://127.0.0.1:8080"))


@pytest.fixture
def cors_client(cors_settings: Settings) -> SanicASGITestClient:
    return create_app(cors_settings, name="desk_widget_origins").asgi_client


async def test_allowed_origin_gets_headers_on_message(cors_client):
    _, created = await cors_client.post(
        "/api/conversations", json={}, headers={"Origin": ALLOWED}
    )
    conversation = created.json
    _, sent = await cors_client.post(
        f"/api/conversations/{conversation['conversation_id']}/messages",
        json={"text": "养老金每月几号发"},
        headers={
            "Origin": ALLOWED,
            "Authorization": f"Bearer {conversation['token']}",
        },
    )

    assert created.status == 201
    assert created.headers["access-control-allow-origin"] == ALLOWED
    assert sent.status == 200
    assert sent.json["messages"], "the desk sent no reply"
    assert sent.headers["access-control-allow-origin"] == ALLOWED
    assert "Origin" in sent.headers["vary"]
    assert sent.headers["access-control-expose-headers"] == "Retry-After"
    assert "access-control-allow-credentials" not in cors_headers(sent)


async def test_allowed_origin_gets_headers_on_error(cors_client):
    _, response = await cors_client.get(
        "/api/conversations/unknown/messages",
        headers={"Origin": ALLOWED, "Authorization": "Bearer wrong"},
    )

    assert response.status in (401, 404)
    assert response.headers["access-control-allow-origin"] == ALLOWED


@pytest.mark.parametrize(("method", "path"), WIDGET_CALLS)
async def test_preflight_of_allowed_origin(cors_client, method, path):
    _, response = await cors_client.options(
        path,
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    headers = cors_headers(response)

    assert response.status == 204
    assert headers["access-control-allow-origin"] == ALLOWED
    assert method in headers["access-control-allow-methods"].split(", ")
    assert headers["access-control-allow-headers"] == "Authorization, Content-Type"
    assert headers["access-control-max-age"] == str(PREFLIGHT_MAX_AGE_SECONDS)
    assert "access-control-allow-credentials" not in headers
    assert response.headers["vary"] == "Origin"


@pytest.mark.parametrize(("method", "path"), WIDGET_CALLS)
async def test_preflight_of_foreign_origin_has_no_cors(cors_client, method, path):
    _, response = await cors_client.options(
        path,
        headers={"Origin": FOREIGN, "Access-Control-Request-Method": method},
    )

    assert response.status == 204
    assert cors_headers(response) == {}
    assert response.headers["vary"] == "Origin"


async def test_foreign_origin_gets_response_without_cors(cors_client):
    _, created = await cors_client.post(
        "/api/conversations", json={}, headers={"Origin": FOREIGN}
    )
    _, agencies = await cors_client.get("/api/agencies", headers={"Origin": FOREIGN})

    # The desk responds, and the browser withholds the response from the page.
    assert created.status == 201
    assert cors_headers(created) == {}
    assert agencies.status == 200
    assert cors_headers(agencies) == {}
    assert agencies.headers["vary"] == "Origin"


async def test_foreign_origin_is_logged_once(cors_client, caplog):
    for _ in range(3):
        await cors_client.get("/api/agencies", headers={"Origin": FOREIGN})

    logged = [
        record.getMessage()
        for record in caplog.records
        if record.getMessage().startswith("cors.origin_not_allowed")
    ]
    assert len(logged) == 1
    assert f"origin={FOREIGN}" in logged[0]


async def test_request_without_origin_is_unchanged(cors_client):
    _, response = await cors_client.get("/api/agencies")

    assert response.status == 200
    assert cors_headers(response) == {}


async def test_same_origin_request_succeeds(cors_client):
    # The widget on the desk's own /portal sends the desk's origin on POST.
    _, response = await cors_client.post(
        "/api/conversations",
        json={},
        headers={"Origin": "http://127.0.0.1:8000", "Host": "127.0.0.1:8000"},
    )

    assert response.status == 201
    assert cors_headers(response) == {}


async def test_origin_match_ignores_case(cors_client):
    _, response = await cors_client.get(
        "/api/agencies", headers={"Origin": "https://WWW.taian.gov.cn"}
    )

    assert response.headers["access-control-allow-origin"] == "https://WWW.taian.gov.cn"


@pytest.mark.parametrize(("method", "path"), STAFF_CALLS)
async def test_staff_routes_never_get_cors(cors_client, method, path):
    _, response = await cors_client.request(
        method,
        path,
        json={"username": "alpha_window", "password": PASSWORD},
        headers={"Origin": ALLOWED},
    )
    _, preflight = await cors_client.options(
        path, headers={"Origin": ALLOWED, "Access-Control-Request-Method": method}
    )

    assert cors_headers(response) == {}
    assert "vary" not in response.headers
    assert preflight.status == 405
    assert cors_headers(preflight) == {}


async def test_logged_in_agent_gets_no_cors(cors_client):
    _, login = await cors_client.post(
        "/api/agent/login",
        json={"username": "alpha_window", "password": PASSWORD},
        headers={"Origin": ALLOWED},
    )
    _, me = await cors_client.get(
        "/api/agent/me",
        headers={
            "Origin": ALLOWED,
            "Cookie": f"desk_session={login.cookies['desk_session']}",
        },
    )

    assert login.status == 200
    assert cors_headers(login) == {}
    assert me.status == 200
    assert cors_headers(me) == {}


async def test_service_call_with_token_gets_no_cors(cors_client):
    citizen = await start_citizen(cors_client)
    _, response = await cors_client.post(
        "/api/handoffs",
        json={"conversation_id": citizen.id, "reason": "requested"},
        headers={"Origin": ALLOWED, "X-Service-Token": SERVICE_TOKEN},
    )

    assert response.status == 201
    assert cors_headers(response) == {}


async def test_no_listed_origins_means_no_cors(org_client):
    _, response = await org_client.get("/api/agencies", headers={"Origin": ALLOWED})
    _, preflight = await org_client.options(
        "/api/conversations",
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"},
    )

    assert response.status == 200
    assert cors_headers(response) == {}
    assert "vary" not in response.headers
    assert preflight.status == 204
    assert cors_headers(preflight) == {}


async def test_rate_limit_counts_no_preflight_and_keeps_cors(cors_settings):
    settings = replace(cors_settings, requests_per_minute=3)
    client = create_app(settings, name="desk_widget_origins_limit").asgi_client
    preflight_headers = {"Origin": ALLOWED, "Access-Control-Request-Method": "GET"}

    preflights = [
        (await client.options("/api/agencies", headers=preflight_headers))[1]
        for _ in range(5)
    ]
    answers = [
        (await client.get("/api/agencies", headers={"Origin": ALLOWED}))[1]
        for _ in range(4)
    ]

    assert [response.status for response in preflights] == [204] * 5
    assert [response.status for response in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    # widget.js reads Retry-After to tell the citizen how long to wait.
    assert limited.headers["access-control-allow-origin"] == ALLOWED
    assert limited.headers["access-control-expose-headers"] == "Retry-After"
    assert int(limited.headers["retry-after"]) >= 1


# ------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    "value",
    [
        "https://www.taian.gov.cn/",
        "https://www.taian.gov.cn/portal",
        "www.taian.gov.cn",
        "ftp://www.taian.gov.cn",
        "*",
        "null",
        "https://www.taian.gov.cn:99999",
        "https://user@www.taian.gov.cn",
        "https://www.taian.gov.cn?x=1",
    ],
)
def test_invalid_widget_origin_raises(monkeypatch, value):
    monkeypatch.setenv("DESK_WIDGET_ORIGINS", f"https://rsj.taian.gov.cn,{value}")

    with pytest.raises(ValueError) as raised:
        Settings.from_env()

    message = str(raised.value)
    assert "DESK_WIDGET_ORIGINS" in message
    assert repr(value) in message
    assert "https://www.taian.gov.cn or http://127.0.0.1:8080" in message


def test_desk_does_not_start_with_invalid_origin(monkeypatch):
    monkeypatch.setenv("DESK_WIDGET_ORIGINS", "https://www.taian.gov.cn/")

    with pytest.raises(ValueError, match="ends with a slash"):
        create_app(name="desk_invalid_origins")


def test_widget_origins_are_normalised(monkeypatch):
    monkeypatch.setenv(
        "DESK_WIDGET_ORIGINS",
        " HTTPS://WWW.Taian.gov.cn:443 , http://127.0.0.1:8080,,http://[::1]:80,",
    )

    settings = Settings.from_env()

    assert settings.widget_origins == (
        "https://www.taian.gov.cn",
        "http://127.0.0.1:8080",
        "http://[::1]",
    )


def test_widget_origins_default_to_none(monkeypatch):
    monkeypatch.delenv("DESK_WIDGET_ORIGINS", raising=False)

    assert Settings.from_env().widget_origins == ()


# ----------------------------------------------------------------- WebSocket


@pytest.fixture
async def desk_url(serve_desk, cors_settings) -> AsyncIterator[str]:
    yield await serve_desk(cors_settings)


async def socket_url(desk_url: str) -> str:
    """Create a conversation and return the URL of its WebSocket."""
    async with httpx.AsyncClient(base_url=desk_url, timeout=10) as http:
        response = await http.post("/api/conversations", json={})
    assert response.status_code == 201, response.text
    conversation = response.json()
    return (
        "ws"
        + desk_url.removeprefix("http")
        + f"/api/conversations/{conversation['conversation_id']}/ws"
        + f"?token={conversation['token']}&after=0"
    )


async def ping(url: str, origin: str | None) -> dict[str, Any]:
    """Open the socket with ``origin``, send a ping and return the reply."""
    async with connect(url, origin=Origin(origin) if origin else None) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        return json.loads(await socket.recv())


async def test_socket_from_listed_origin_is_accepted(desk_url):
    url = await socket_url(desk_url)

    assert await ping(url, ALLOWED) == {"type": "pong"}


async def test_socket_from_desk_or_program_is_accepted(desk_url):
    url = await socket_url(desk_url)

    assert await ping(url, desk_url) == {"type": "pong"}
    assert await ping(url, None) == {"type": "pong"}


async def test_socket_from_foreign_origin_is_rejected(desk_url, caplog):
    url = await socket_url(desk_url)

    with pytest.raises(InvalidStatus) as rejected:
        await ping(url, FOREIGN)

    assert rejected.value.response.status_code == 403
    logged = [
        record.getMessage()
        for record in caplog.records
        if "rejected_origin" in record.getMessage()
    ]
    assert logged == [f"conversation.socket.rejected_origin origin={FOREIGN}"]
    # The log line names the site, never the conversation's token.
    assert "token" not in caplog.text


async def test_agent_socket_refuses_listed_origin(desk_url):
    async with httpx.AsyncClient(base_url=desk_url, timeout=10) as http:
        login = await http.post(
            "/api/agent/login", json={"username": "alpha_window", "password": PASSWORD}
        )
    cookie = f"desk_session={login.cookies['desk_session']}"
    url = "ws" + desk_url.removeprefix("http") + "/api/agent/ws"

    async with connect(
        url,
        origin=Origin(ALLOWED),
        additional_headers={"Cookie": cookie},
    ) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
