"""Fixtures of the human-handoff tests: an organisation database, agents, citizens.

The organisation comes from ``fixtures/organisation.yml``: agencies "alpha"
(the default) and "beta" are open around the clock and "gamma" is always
closed, so routing depends only on who is online. Every agent has the
password PASSWORD.

The database is a fresh SQLite file, or the database that
DESK_TEST_DATABASE_URL names, such as a PostgreSQL database from
scripts/start-postgres.sh. It is shared by the tests of this folder, so tests
look up their own tickets instead of counting rows.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sanic_testing.testing import SanicASGITestClient
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from desk.app import create_app
from desk.db import create_engine, create_sessionmaker
from desk.migrations.runner import upgrade_to_head
from desk.models.base import utcnow
from desk.models.kb import KnowledgeEntry
from desk.models.organisation import PRESENCE_OFFLINE, PRESENCE_ONLINE, Agent
from desk.models.staff import AgentSession
from desk.organisation.loader import load_organisation
from desk.organisation.passwords import hash_password
from desk.organisation.schema import read_organisation_file
from desk.services.auth import COOKIE_NAME, hash_session_token
from desk.settings import Settings
from tests.desk.conftest import SERVICE_TOKEN

FIXTURES = Path(__file__).parent / "fixtures"
ORGANISATION_FILE = FIXTURES / "organisation.yml"
PASSWORD = "correct-horse-battery"
ALPHA_CODE = "91370900MA3TE0001B"
BETA_CODE = "91370900MA3TE0002E"
CANNED_ENTRY_ID = "pension_benefits.901"

_app_numbers = itertools.count()


async def _prepare_database(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            seeds = read_organisation_file(ORGANISATION_FILE)
            await load_organisation(session=session, seeds=seeds)
            # One Argon2 hash for every agent keeps the set-up fast.
            await session.execute(
                update(Agent).values(password_hash=hash_password(PASSWORD))
            )
            if await session.get(KnowledgeEntry, CANNED_ENTRY_ID) is None:
                session.add(
                    KnowledgeEntry(
                        id=CANNED_ENTRY_ID,
                        category="pension_benefits",
                        question="养老金每月几号发放？",
                        phrasings=["养老金什么时候发"],
                        answer="养老金一般在每月中旬发放到社保卡。",
                        keywords=["养老金", "发放"],
                        source="test",
                        reviewed=date(2026, 1, 1),
                        review=None,
                        related=[],
                        content_hash="0" * 64,
                        updated_at=utcnow(),
                    )
                )
            await session.commit()
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def org_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return a migrated database with the test organisation loaded."""
    url = os.environ.get("DESK_TEST_DATABASE_URL") or (
        f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('handoff') / 'desk.db'}"
    )
    upgrade_to_head(url)
    asyncio.run(_prepare_database(url))
    return url


@pytest.fixture
def org_settings(org_database_url: str, settings: Settings) -> Settings:
    """Return settings of a desk on the organisation database, bot unreachable."""
    return replace(settings, database_url=org_database_url, presence_grace_seconds=0.3)


@pytest.fixture
def org_client(org_settings: Settings) -> SanicASGITestClient:
    """Return an ASGI test client of a desk on the organisation database."""
    app = create_app(org_settings, name=f"desk_handoff_{next(_app_numbers)}")
    return app.asgi_client


@pytest.fixture
async def org_db(
    org_database_url: str,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Return a session factory for direct reads and writes of the database."""
    engine = create_engine(org_database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def set_online(org_db: async_sessionmaker[AsyncSession]) -> Any:
    """Return a coroutine function that makes exactly the named agents online.

    Each online agent gets a live session, as a logged-in console has; the
    other agents are offline. Sessions of logged-in test clients stay valid.
    """

    async def apply(*usernames: str) -> None:
        now = utcnow()
        async with org_db() as session:
            await session.execute(
                update(Agent)
                .where(Agent.username.not_in(usernames))
                .values(presence=PRESENCE_OFFLINE)
            )
            await session.execute(
                update(Agent)
                .where(Agent.username.in_(usernames))
                .values(presence=PRESENCE_ONLINE)
            )
            for username in usernames:
                session.add(
                    AgentSession(
                        token_hash=hash_session_token(f"fixture-{username}-{now}"),
                        agent=username,
                        created_at=now,
                        last_seen_at=now,
                    )
                )
            await session.commit()

    return apply


@dataclass
class AgentClient:
    """A logged-in agent: requests carry the session cookie."""

    client: SanicASGITestClient
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": f"{COOKIE_NAME}={self.token}"}

    async def get(self, path: str) -> Any:
        _, response = await self.client.get(path, headers=self.headers)
        return response

    async def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        _, response = await self.client.post(
            path, json=body or {}, headers=self.headers
        )
        return response

    async def put(self, path: str, body: dict[str, Any]) -> Any:
        _, response = await self.client.put(path, json=body, headers=self.headers)
        return response


async def log_in(client: SanicASGITestClient, username: str) -> AgentClient:
    """Log ``username`` in with PASSWORD and return its client."""
    _, response = await client.post(
        "/api/agent/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status == 200, response.text
    token = response.cookies.get(COOKIE_NAME)
    assert token, response.headers
    return AgentClient(client=client, username=username, token=token)


@pytest.fixture
def agent_login(org_client: SanicASGITestClient) -> Any:
    """Return a coroutine function that logs an agent in on ``org_client``."""

    async def login(username: str) -> AgentClient:
        return await log_in(org_client, username)

    return login


@dataclass
class Citizen:
    """A conversation created through the API, with request helpers."""

    client: SanicASGITestClient
    id: str
    token: str
    status: str = "bot"
    sent: list[Any] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def say(self, text: str) -> Any:
        _, response = await self.client.post(
            f"/api/conversations/{self.id}/messages",
            json={"text": text},
            headers=self.headers,
        )
        return response

    async def post(self, suffix: str, body: dict[str, Any]) -> Any:
        _, response = await self.client.post(
            f"/api/conversations/{self.id}/{suffix}", json=body, headers=self.headers
        )
        return response

    async def transcript(self, after: int = 0) -> dict[str, Any]:
        _, response = await self.client.get(
            f"/api/conversations/{self.id}/messages?after={after}", headers=self.headers
        )
        assert response.status == 200, response.text
        return response.json


async def start_citizen(
    client: SanicASGITestClient, body: dict[str, Any] | None = None
) -> Citizen:
    """Create a conversation and return it."""
    _, response = await client.post("/api/conversations", json=body or {})
    assert response.status == 201, response.text
    return Citizen(
        client=client,
        id=response.json["conversation_id"],
        token=response.json["token"],
        status=response.json["status"],
    )


async def hand_off(
    client: SanicASGITestClient, citizen: Citizen, topic: str | None = None
) -> dict[str, Any]:
    """Open a ticket for the citizen as the action server does; return the body."""
    _, response = await client.post(
        "/api/handoffs",
        json={"conversation_id": citizen.id, "reason": "requested", "topic": topic},
        headers={"X-Service-Token": SERVICE_TOKEN},
    )
    assert response.status == 201, response.text
    return response.json


@pytest.fixture
def citizen_factory(org_client: SanicASGITestClient) -> Any:
    """Return a coroutine function that creates a conversation on ``org_client``."""

    async def start(body: dict[str, Any] | None = None) -> Citizen:
        return await start_citizen(org_client, body)

    return start


async def expire_sessions(
    org_db: async_sessionmaker[AsyncSession], username: str, hours: float
) -> None:
    """Move the last activity of the agent's sessions ``hours`` into the past."""
    async with org_db() as session:
        await session.execute(
            update(AgentSession)
            .where(AgentSession.agent == username)
            .values(last_seen_at=utcnow() - timedelta(hours=hours))
        )
        await session.commit()


async def agent_row(org_db: async_sessionmaker[AsyncSession], username: str) -> Agent:
    async with org_db() as session:
        agent = await session.get(Agent, username)
        assert agent is not None
        return agent


async def drop_sessions(
    org_db: async_sessionmaker[AsyncSession], username: str
) -> None:
    async with org_db() as session:
        await session.execute(
            delete(AgentSession).where(AgentSession.agent == username)
        )
        await session.commit()


async def scalar(org_db: async_sessionmaker[AsyncSession], query: Any) -> Any:
    async with org_db() as session:
        return await session.scalar(query)


async def scalars(org_db: async_sessionmaker[AsyncSession], query: Any) -> list[Any]:
    async with org_db() as session:
        return list((await session.scalars(query)).all())


@dataclass
class RasaRecorder:
    """A stand-in for Rasa's HTTP API that records tracker-event requests."""

    url: str = ""
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def rasa_recorder() -> Iterator[RasaRecorder]:
    """Run a server on 127.0.0.1 that records POSTs the way Rasa would take them.

    It replaces Rasa's tracker API only. The real Rasa is tested in
    tests/e2e.
    """
    recorder = RasaRecorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (name fixed by http.server)
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"null")
            recorder.requests.append({"path": self.path, "body": body})
            data = b"{}"
            self.send_response(recorder.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
