"""Fixtures for the flow engine: the shipped flows and throwaway flow folders."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from actions.flows import FlowEngine, FlowRegistry, TurnResult, UserTurn

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows"
# Conversations run on a fixed day, so ages and retirement months are stable.
TODAY = date(2025, 6, 1)

MakeFolder = Callable[..., Path]


@pytest.fixture(scope="session")
def registry() -> FlowRegistry:
    return FlowRegistry(FLOWS)


@pytest.fixture
def engine(registry: FlowRegistry) -> FlowEngine:
    return FlowEngine(registry, today=lambda: TODAY)


@pytest.fixture
def make_folder(tmp_path: Path) -> MakeFolder:
    """Return a function that writes flow files next to the shipped config."""

    def make(files: dict[str, str] | None = None, **named: str) -> Path:
        folder = tmp_path / "flows"
        folder.mkdir(exist_ok=True)
        shutil.copy(FLOWS / "config.yml", folder / "config.yml")
        for name, text in {**(files or {}), **named}.items():
            (folder / _file_name(name)).write_text(textwrap.dedent(text), "utf-8")
        return folder

    return make


def _file_name(name: str) -> str:
    return name if name.endswith((".yml", ".yaml")) else f"{name}.yml"


class Conversation:
    """Talks to the engine as the Rasa action that runs flows will."""

    def __init__(self, engine: FlowEngine) -> None:
        self.engine = engine
        self.state: dict[str, Any] | None = None
        self.result: TurnResult | None = None

    def start(self, text: str, intent: str, confidence: float = 0.95) -> TurnResult:
        """Send a message that should start a flow, and start it."""
        turn = UserTurn(text, intent, confidence)
        flow_id = self.engine.trigger_for(turn, self.state)
        assert flow_id is not None, f"no flow starts for intent {intent}"
        return self._keep(self.engine.start(flow_id, self.state, turn))

    def say(
        self, text: str, intent: str | None = None, confidence: float = 0.3
    ) -> TurnResult:
        """Send a typed message while a flow is active."""
        assert self.state is not None, "no flow is active"
        turn = UserTurn(text, intent, confidence)
        return self._keep(self.engine.handle(self.state, turn))

    def press(self, title: str) -> TurnResult:
        """Press the button titled ``title`` under the last message."""
        assert self.state is not None, "no flow is active"
        payload = self.button_payload(title)
        turn = UserTurn(title, None, 1.0, payload=payload)
        return self._keep(self.engine.handle(self.state, turn))

    def button_payload(self, title: str) -> str:
        """Return the payload of a button under the last message."""
        assert self.result is not None
        for button in self.result.replies[-1].buttons:
            if button["title"] == title:
                return button["payload"]
        raise AssertionError(f"no button {title!r} in {self.button_titles}")

    def _keep(self, result: TurnResult) -> TurnResult:
        self.result = result
        self.state = result.state
        return result

    @property
    def texts(self) -> list[str]:
        """Return the texts of the last turn's replies."""
        assert self.result is not None
        return [reply.text for reply in self.result.replies]

    @property
    def last_text(self) -> str:
        """Return the text of the last reply."""
        return self.texts[-1]

    @property
    def button_titles(self) -> list[str]:
        """Return the button titles under the last reply."""
        assert self.result is not None
        return [button["title"] for button in self.result.replies[-1].buttons]

    @property
    def step(self) -> str | None:
        """Return the step the active flow waits on."""
        return self.state["frames"][-1]["step"] if self.state else None

    @property
    def slots(self) -> dict[str, Any]:
        """Return the slots of the stored state."""
        return dict(self.state["slots"]) if self.state else {}


@pytest.fixture
def chat(engine: FlowEngine) -> Conversation:
    return Conversation(engine)


@pytest.fixture
def chat_in(make_folder: MakeFolder) -> Callable[..., Conversation]:
    """Return a function that builds a conversation over throwaway flow files."""

    def build(**files: str) -> Conversation:
        folder = make_folder(files)
        return Conversation(FlowEngine(FlowRegistry(folder), today=lambda: TODAY))

    return build
