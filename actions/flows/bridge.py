"""Shared pieces of the Rasa side of the flow engine.

The action server runs flows with `action_run_flow`, and the Rasa server's
`FlowPolicy` decides when to call it. Both build the citizen's turn the same
way and use one engine per process.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from actions.flows.registry import FlowRegistry
from actions.flows.runner import FlowEngine
from actions.flows.turns import UserTurn

ACTION_RUN_FLOW = "action_run_flow"
# Slot with the engine's JSON state; empty while no flow runs.
FLOW_STATE_SLOT = "flow_state"
# Slot with the values flows keep after they end (their persisted_slots).
FLOW_MEMORY_SLOT = "flow_memory"
DEFAULT_FLOWS_DIR = Path(__file__).resolve().parents[2] / "flows"


@functools.lru_cache(maxsize=1)
def shared_engine() -> FlowEngine:
    """Return the process's engine; its registry reloads edited flow files.

    FLOWS_DIR names another folder of flow files, as the e2e tests do.
    """
    folder = Path(os.environ.get("FLOWS_DIR") or DEFAULT_FLOWS_DIR)
    return FlowEngine(FlowRegistry(folder))


def turn_from_parse_data(parse_data: dict[str, Any]) -> UserTurn:
    """Build the engine's turn from Rasa's parse data of the latest message."""
    text = (parse_data.get("text") or "").strip()
    intent = parse_data.get("intent") or {}
    return UserTurn(
        text=text,
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        payload=text if text.startswith("/") else None,
    )
