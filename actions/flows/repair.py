"""Recognising repair commands, button answers and digressions in a turn."""

from __future__ import annotations

import json
import re
from typing import Any

from actions.flows.answers import normalize
from actions.flows.config import FlowConfig
from actions.flows.turns import UserTurn

BACK = "back"
REPEAT = "repeat"
CANCEL = "cancel"
HUMAN = "human"

# Keys of the JSON part of an answer button's payload.
PAYLOAD_SLOT = "flow_slot"
PAYLOAD_VALUE = "flow_value"

_PAYLOAD = re.compile(r"^/([A-Za-z_][A-Za-z0-9_]*)(\{.*\})?$", re.DOTALL)


def turn_payload(turn: UserTurn) -> str | None:
    """Return the button payload of ``turn``; typed text starting with / counts."""
    if turn.payload:
        return turn.payload.strip()
    text = turn.text.strip()
    return text if text.startswith("/") else None


def parse_payload(payload: str) -> tuple[str, dict[str, Any]] | None:
    """Split a Rasa-style payload ``/intent{"entity": value}`` into its parts."""
    match = _PAYLOAD.match(payload)
    if match is None:
        return None
    entities: dict[str, Any] = {}
    if match.group(2):
        try:
            loaded = json.loads(match.group(2))
        except json.JSONDecodeError:
            return None
        if not isinstance(loaded, dict):
            return None
        entities = loaded
    return match.group(1), entities


def answer_payload(config: FlowConfig, slot: str, value: Any) -> str:
    """Return the payload of a button that answers ``slot`` with ``value``."""
    entities = json.dumps(
        {PAYLOAD_SLOT: slot, PAYLOAD_VALUE: value},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return f"/{config.answer_intent}{entities}"


def button_answer(turn: UserTurn, config: FlowConfig) -> tuple[str, Any] | None:
    """Return (slot, value) when ``turn`` is a press of an answer button."""
    payload = turn_payload(turn)
    parsed = parse_payload(payload) if payload else None
    if parsed is None or parsed[0] != config.answer_intent:
        return None
    entities = parsed[1]
    if not isinstance(entities.get(PAYLOAD_SLOT), str) or PAYLOAD_VALUE not in entities:
        return None
    return entities[PAYLOAD_SLOT], entities[PAYLOAD_VALUE]


def repair_command(turn: UserTurn, config: FlowConfig) -> str | None:
    """Return the repair command ``turn`` asks for: back, repeat, cancel or human.

    A button payload is compared with each command's payload. Typed text must
    equal one of a command's words, contain one of its phrases, or be
    classified as one of its intents with enough confidence.
    """
    payload = turn_payload(turn)
    if payload is not None:
        intent = payload.split("{", 1)[0]
        for command in config.repair.values():
            if intent == command.payload:
                return command.name
        return None
    text = normalize(turn.text)
    for command in config.repair.values():
        if text in {normalize(word) for word in command.words}:
            return command.name
    if turn.confidence >= config.intent_min_confidence:
        for command in config.repair.values():
            if turn.intent in command.intents:
                return command.name
    for command in config.repair.values():
        if any(normalize(phrase) in text for phrase in command.phrases):
            return command.name
    return None


# Words that make a typed reply a question rather than an answer, and the
# length above which a reply counts as a question even without them.
_QUESTION_MARKERS = (
    "吗", "么", "嘛", "呢", "？", "?", "如何", "哪", "啥", "咋", "几",
    "多少", "能不能", "可不可以", "是不是", "有没有", "是否", "请问",
)  # fmt: skip
MAX_ANSWER_LENGTH = 12


def looks_like_question(text: str) -> bool:
    """Return whether typed ``text`` reads as a question, not a short answer.

    "我老婆" or "45" answers the question asked; "配偶能用我的个账吗" asks
    one, even when NLU is equally sure of its topic for both.
    """
    folded = normalize(text)
    if len(folded) > MAX_ANSWER_LENGTH:
        return True
    return any(marker in text or marker in folded for marker in _QUESTION_MARKERS)


def is_digression(turn: UserTurn, config: FlowConfig) -> bool:
    """Return whether ``turn`` is a confident consultation question."""
    if turn.intent is None or turn.confidence < config.digression_min_confidence:
        return False
    return any(turn.intent.startswith(prefix) for prefix in config.digression_prefixes)


def yes_no(turn: UserTurn, config: FlowConfig) -> bool | None:
    """Return True for a confident affirmation, False for a denial, else None."""
    if turn.confidence < config.intent_min_confidence:
        return None
    return {"affirm": True, "deny": False}.get(turn.intent or "")
