"""CALM features that Rasa Pro accepts but this runner does not support.

Each feature is rejected with the reason, so that a trainer who copies a
CALM example learns why it does not work here instead of seeing it ignored.
"""

from __future__ import annotations

from typing import Any

from actions.flows.errors import FlowError
from actions.flows.source import Path_, SourceFile

_LLM = "this runner has no LLM"

DOMAIN_KEYS = {
    key: "domain keys belong in domain/ of the Rasa project; flow files hold "
    "flows, slots and responses only"
    for key in ("intents", "entities", "actions", "forms", "session_config")
}
TRAINING_KEYS = {
    key: "training data belongs in data/ of the Rasa project"
    for key in ("nlu", "rules", "stories", "test_cases")
}
FLOW_KEYS = {
    "always_include_in_prompt": f"it controls an LLM prompt and {_LLM}",
    "run_pattern_completed": "this runner has no pattern_completed; end the "
    "flow with a response that closes the procedure",
    "file_path": "Rasa sets it itself when it exports flows",
}
STEP_KEYS = {
    "description": f"step descriptions guide an LLM slot filler and {_LLM}; "
    "put notes for trainers in YAML comments",
    "metadata": "step metadata is not used; put notes in YAML comments",
    "silence_timeout": "silence timeouts apply to voice channels only",
    "dtmf": "keypad input applies to voice channels only",
    "mcp_server": "MCP tool calls are not available",
    "mapping": "MCP tool calls are not available",
    "exit_if": "sub agents are not available",
    "generation_prompt": f"generated responses need an LLM and {_LLM}",
    "entry_prompt": f"prompt steps need an LLM and {_LLM}",
    "intent": "intent steps were removed from CALM; use nlu_trigger on the flow",
}
SLOT_KEYS = {
    "mappings": "flow slots are filled by collect, set_slots and built-in "
    "actions; Rasa slot mappings do not run on them",
    "influence_conversation": "flow slots live in the engine state, not in "
    "Rasa's tracker, so this option has no effect",
    "shared_for_coexistence": "flow slots live in the engine state, not in "
    "Rasa's tracker; use persisted_slots on the flow",
    "max_value": "float slot limits are not checked; use rejections",
    "min_value": "float slot limits are not checked; use rejections",
}
SLOT_TYPES = {
    "any": "use text, bool, float or categorical",
    "list": "list slots cannot be collected with buttons or typed answers",
}
RESPONSE_KEYS = {
    key: "conditional, channel-specific and custom responses are not supported; "
    "write text, buttons and image"
    for key in (
        "condition",
        "channel",
        "custom",
        "metadata",
        "quick_replies",
        "attachment",
        "id",
    )
}


def unsupported_features(source: SourceFile) -> tuple[list[FlowError], set[Path_]]:
    """Find CALM features in a flow file that this runner cannot run.

    Returns the errors and the paths of the rejected keys, so that the schema
    check does not report the same keys a second time as merely unknown.
    """
    scan = _Scan(source)
    data = source.data
    if not isinstance(data, dict):
        return [], set()
    scan.keys(data, (), {**DOMAIN_KEYS, **TRAINING_KEYS})
    for flow_id, flow in _items(data.get("flows")):
        path = ("flows", flow_id)
        if str(flow_id).startswith("pattern_"):
            scan.reject(
                path,
                "flow ids starting with pattern_ are reserved: "
                "this runner has its own conversation repair (see README)",
            )
        if isinstance(flow, dict):
            scan.keys(flow, path, FLOW_KEYS)
            scan.steps(flow.get("steps"), (*path, "steps"))
    for slot_name, slot in _items(data.get("slots")):
        path = ("slots", slot_name)
        if isinstance(slot, dict):
            scan.keys(slot, path, SLOT_KEYS)
            reason = SLOT_TYPES.get(str(slot.get("type")))
            if reason:
                scan.reject(
                    (*path, "type"),
                    f"slot type '{slot['type']}' is not supported: {reason}",
                )
    for response_name, variations in _items(data.get("responses")):
        if isinstance(variations, list):
            for index, variation in enumerate(variations):
                if isinstance(variation, dict):
                    path = ("responses", response_name, index)
                    scan.keys(variation, path, RESPONSE_KEYS)
    return scan.errors, scan.rejected


def _items(value: Any) -> list[tuple[Any, Any]]:
    return list(value.items()) if isinstance(value, dict) else []


class _Scan:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.errors: list[FlowError] = []
        self.rejected: set[Path_] = set()

    def reject(self, path: Path_, message: str) -> None:
        self.errors.append(self.source.error(path, message))
        self.rejected.add(path)

    def keys(self, mapping: dict[Any, Any], path: Path_, table: dict[str, str]) -> None:
        for key in mapping:
            if key in table:
                self.reject((*path, key), f"'{key}' is not supported: {table[key]}")

    def steps(self, steps: Any, path: Path_) -> None:
        if not isinstance(steps, list):
            return
        for index, step in enumerate(steps):
            if isinstance(step, dict):
                self.step(step, (*path, index))

    def step(self, step: dict[Any, Any], path: Path_) -> None:
        if "if" in step or "else" in step:
            # A branch of a `next` list: its targets may hold nested steps.
            for key in ("then", "else"):
                self.steps(step.get(key), (*path, key))
            return
        self.keys(step, path, STEP_KEYS)
        self.steps(step.get("next"), (*path, "next"))
