"""Fixtures for the desk tests: a migrated SQLite file, the app and fake servers.

Rasa is not running in these tests. By default the desk points at a closed
local port, so the "bot down" path runs for real. Tests that need replies
start ``fake_rasa``, a small HTTP server on 127.0.0.1 that plays Rasa's REST
channel and the action server's health endpoint.

NOTE: ``fake_rasa`` is a stand-in, not Rasa. It exists to make Rasa slow,
fail with 5xx or reply with odd shapes on demand, which a real Rasa server
cannot be made to do. The real path, with the trained model and the action
server, is tested in tests/e2e.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sanic import Sanic
from sanic.server.async_server import AsyncioServer
from sanic_testing.testing import SanicASGITestClient

from desk.app import create_app
from desk.migrations.runner import upgrade_to_head
from desk.settings import Settings

SERVICE_TOKEN = "test-service-token"

_app_numbers = itertools.count()


@pytest.fixture(scope="session")
def database_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an SQLite file migrated to the newest revision, shared by all tests."""
    path = tmp_path_factory.mktemp("desk") / "desk.db"
    upgrade_to_head(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def closed_port() -> int:
    """Return a local TCP port that nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def settings(database_path: Path, closed_port: int) -> Settings:
    """Return settings whose Rasa and action server are unreachable."""
    return Settings(
        database_url=f"sqlite+aiosqlite:///{database_path}",
        rasa_url=f"http://127.0.0.1:{closed_port}",
        action_server_url=f"http://127.0.0.1:{closed_port}",
        service_token=SERVICE_TOKEN,
    )


@pytest.fixture
def service_headers() -> dict[str, str]:
    """Return the header that authorises calls to the service endpoints."""
    return {"X-Service-Token": SERVICE_TOKEN}


@pytest.fixture
def make_client() -> Callable[[Settings], SanicASGITestClient]:
    """Return a factory of test clients, one fresh app per call."""

    def make(settings: Settings) -> SanicASGITestClient:
        app: Sanic = create_app(settings, name=f"desk_test_{next(_app_numbers)}")
        return app.asgi_client

    return make


@pytest.fixture
def client(
    settings: Settings, make_client: Callable[[Settings], SanicASGITestClient]
) -> SanicASGITestClient:
    """Return a test client of a desk whose bot is down."""
    return make_client(settings)


@pytest.fixture
async def serve_desk() -> AsyncIterator[Callable[[Settings], Awaitable[str]]]:
    """Return a coroutine function that runs a desk on a free port of 127.0.0.1.

    The ASGI test client starts and stops the app around every request, so
    requests sent at the same time would replace and close each other's
    database engine and HTTP client. Tests of concurrent requests send them
    to this server instead, which starts once and serves them all.
    """
    servers: list[AsyncioServer] = []

    async def serve(settings: Settings) -> str:
        app = create_app(settings, name=f"desk_test_{next(_app_numbers)}")
        # TouchUp rewrites Sanic's protocol methods in place at startup and
        # fails on the second app of a process, which it expects never to run.
        app.config.TOUCHUP = False
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        server = await app.create_server(sock=listener, access_log=False)
        assert server is not None
        await server.startup()
        await server.before_start()
        await server.start_serving()
        await server.after_start()
        servers.append(server)
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield serve
    for server in servers:
        await server.before_stop()
        await server.close()
        await server.after_stop()


@dataclass
class Conversation:
    """A conversation created through the API, with request helpers."""

    client: SanicASGITestClient
    id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def messages_url(self) -> str:
        return f"/api/conversations/{self.id}/messages"

    async def send(self, body: dict[str, Any]) -> Any:
        """Post a message body and return the response."""
        _, response = await self.client.post(
            self.messages_url, json=body, headers=self.headers
        )
        return response

    async def transcript(self) -> dict[str, Any]:
        """Return the body of GET messages, asserting that it succeeded."""
        _, response = await self.client.get(self.messages_url, headers=self.headers)
        assert response.status == 200, response.text
        return response.json


@pytest.fixture
def start_conversation(
    client: SanicASGITestClient,
) -> Callable[..., Any]:
    """Return a coroutine function that creates a conversation."""

    async def start(
        body: dict[str, Any] | None = None,
        test_client: SanicASGITestClient | None = None,
    ) -> Conversation:
        used_client = test_client or client
        _, response = await used_client.post("/api/conversations", json=body or {})
        assert response.status == 201, response.text
        return Conversation(
            client=used_client,
            id=response.json["conversation_id"],
            token=response.json["token"],
        )

    return start


@dataclass
class FakeRasa:
    """State of the fake Rasa server: what it returns and what it received.

    ``replies`` is the JSON body of the webhook response, ``status`` its HTTP
    status, ``delay`` seconds to wait first. ``reply_to``, when set, builds
    the response body from the decoded request body in place of ``replies``.
    ``before_reply`` runs in the server thread with the decoded request body
    before the response is sent. ``one_at_a_time`` makes webhook requests wait
    for each other, as Rasa's lock makes the messages of one conversation
    wait. ``max_in_flight`` is the largest number of webhook requests that
    the server handled at the same time.
    """

    url: str = ""
    replies: Any = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    reply_to: Callable[[dict[str, Any]], Any] | None = None
    before_reply: Callable[[dict[str, Any]], None] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    one_at_a_time: bool = False
    in_flight: int = 0
    max_in_flight: int = 0
    counter_lock: threading.Lock = field(default_factory=threading.Lock)
    webhook_lock: threading.Lock = field(default_factory=threading.Lock)


def _handler_for(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (name fixed by http.server)
            if self.path in ("/", "/health"):
                self._send_json(200, {"status": "ok"})
            else:
                self._send_json(404, {"error": "not found"})

        def do_POST(self) -> None:  # noqa: N802 (name fixed by http.server)
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            with fake.counter_lock:
                fake.requests.append(body)
            if fake.one_at_a_time:
                with fake.webhook_lock:
                    replies = self._handle_webhook(body)
            else:
                replies = self._handle_webhook(body)
            self._send_json(fake.status, replies)

        def _handle_webhook(self, body: dict[str, Any]) -> Any:
            with fake.counter_lock:
                fake.in_flight += 1
                fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
            try:
                if fake.before_reply is not None:
                    fake.before_reply(body)
                time.sleep(fake.delay)
                return fake.replies if fake.reply_to is None else fake.reply_to(body)
            finally:
                with fake.counter_lock:
                    fake.in_flight -= 1

        def _send_json(self, status: int, value: Any) -> None:
            data = json.dumps(value).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # The desk gave up waiting, as a timeout test intends.

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    """Run a fake Rasa and action server on a free port of 127.0.0.1."""
    fake = FakeRasa()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def bot_client(
    settings: Settings,
    fake_rasa: FakeRasa,
    make_client: Callable[[Settings], SanicASGITestClient],
) -> SanicASGITestClient:
    """Return a test client of a desk whose Rasa and action server are fake."""
    return make_client(
        replace(settings, rasa_url=fake_rasa.url, action_server_url=fake_rasa.url)
    )
