"""Start the real desk, Rasa server and action server once for the e2e tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from desk.devstack import ServiceStack, http_json

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceStack]:
    # E2E_DESK_DATABASE_URL and E2E_TRACKER_STORE_URL run the suite on other
    # databases, such as PostgreSQL; by default both are SQLite files.
    services = ServiceStack(
        workdir=tmp_path_factory.mktemp("stack"),
        log_level="DEBUG",
        desk_database_url=os.environ.get("E2E_DESK_DATABASE_URL", ""),
        tracker_store_url=os.environ.get("E2E_TRACKER_STORE_URL", ""),
    )
    try:
        services.start_all()
        yield services
    finally:
        services.stop_all()


@pytest.fixture(scope="session")
def kb_entries() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for path in sorted((ROOT / "seeds" / "kb").glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            entries.extend(yaml.safe_load(handle)["entries"])
    return entries


class Citizen:
    """One conversation with the desk, as the chat page keeps it."""

    def __init__(self, stack: ServiceStack) -> None:
        self.stack = stack
        status, body = http_json("POST", stack.desk_url + "/api/conversations", {})
        assert status == 201, body
        self.conversation_id: str = body["conversation_id"]
        self.token: str = body["token"]

    @property
    def messages_url(self) -> str:
        return (
            f"{self.stack.desk_url}/api/conversations/{self.conversation_id}/messages"
        )

    def send(self, body: dict[str, Any]) -> tuple[int, Any]:
        return http_json(
            "POST",
            self.messages_url,
            body,
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def say(self, text: str) -> dict[str, Any]:
        status, body = self.send({"text": text})
        assert status == 200, body
        return body

    def press(self, payload: str) -> dict[str, Any]:
        status, body = self.send({"payload": payload})
        assert status == 200, body
        return body

    def transcript(self) -> list[dict[str, Any]]:
        status, body = http_json(
            "GET", self.messages_url, headers={"Authorization": f"Bearer {self.token}"}
        )
        assert status == 200, body
        return body["messages"]


@pytest.fixture
def citizen(stack: ServiceStack) -> Citizen:
    return Citizen(stack)
