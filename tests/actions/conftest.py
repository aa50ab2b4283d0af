"""A real desk with the real seeds, for the actions to call over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker

from desk.devstack import ServiceStack, free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceStack]:
    stack = ServiceStack(workdir=tmp_path_factory.mktemp("desk"))
    stack.prepare_desk_database()
    stack.start_desk()
    saved = {name: os.environ.get(name) for name in ("DESK_URL", "DESK_SERVICE_TOKEN")}
    os.environ["DESK_URL"] = stack.desk_url
    os.environ["DESK_SERVICE_TOKEN"] = stack.service_token
    try:
        yield stack
    finally:
        stack.stop_all()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def desk_down(desk: ServiceStack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the actions at a loopback port where nothing listens."""
    monkeypatch.setenv("DESK_URL", f"http://127.0.0.1:{free_port()}")


@pytest.fixture(scope="session")
def kb_entries() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for path in sorted((ROOT / "seeds" / "kb").glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            entries.extend(yaml.safe_load(handle)["entries"])
    return entries


def make_tracker(
    text: str,
    intent: str,
    *,
    slots: dict[str, Any] | None = None,
    sender_id: str = "test-conversation",
) -> Tracker:
    """Build the tracker that Rasa would send after one citizen message."""
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
