"""Settings of the flow engine and data the flows read, from flows/config.yml."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from actions.flows.errors import FlowError
from actions.flows.model import Option
from actions.flows.source import SourceFile

CONFIG_FILE_NAME = "config.yml"

# Repair commands in the order their buttons appear under every question.
REPAIR_COMMANDS = ("back", "repeat", "cancel", "human")

# Engine texts the config must define; `{…}` fields are filled by the engine.
REQUIRED_TEXTS = (
    "resume_prefix",
    "invalid_answer",
    "invalid_answer_offer_human",
    "first_question",
    "corrected",
    "cancelled",
    "flow_updated",
    "already_running",
    "internal_error",
)

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_OPTION = {
    "type": "object",
    "required": ["title", "value"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "value": {"type": ["string", "number", "boolean"]},
        "synonyms": _STRINGS,
    },
}
_COMMAND = {
    "type": "object",
    "required": ["title", "payload"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "payload": {"type": "string", "pattern": "^/[A-Za-z_][A-Za-z0-9_]*$"},
        "intents": _STRINGS,
        "words": _STRINGS,
        "phrases": _STRINGS,
    },
}
CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["engine", "repair", "texts"],
    "properties": {
        "engine": {
            "type": "object",
            "required": ["answer_intent", "digression", "intent_min_confidence"],
            "additionalProperties": False,
            "properties": {
                "answer_intent": {"type": "string", "pattern": "^[a-z_]+$"},
                "intent_min_confidence": {"type": "number", "minimum": 0, "maximum": 1},
                "invalid_answers_before_offer": {"type": "integer", "minimum": 1},
                "digression": {
                    "type": "object",
                    "required": ["intent_prefixes", "min_confidence"],
                    "additionalProperties": False,
                    "properties": {
                        "intent_prefixes": _STRINGS,
                        "min_confidence": {
                            "type": "number",
                            "minimum": 0,
                            "maximum": 1,
                        },
                    },
                },
            },
        },
        "repair": {
            "type": "object",
            "required": list(REPAIR_COMMANDS),
            "additionalProperties": False,
            "properties": {name: _COMMAND for name in REPAIR_COMMANDS},
        },
        "texts": {
            "type": "object",
            "required": list(REQUIRED_TEXTS),
            "additionalProperties": {"type": "string", "minLength": 1},
        },
        "options": {
            "type": "object",
            "additionalProperties": {"type": "array", "minItems": 1, "items": _OPTION},
        },
    },
}


@dataclass
class RepairCommand:
    """A repair command: its button and the words and intents that invoke it."""

    name: str
    title: str
    payload: str
    intents: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)

    def button(self) -> dict[str, str]:
        """Return the command's button."""
        return {"title": self.title, "payload": self.payload}


@dataclass
class FlowConfig:
    """Parsed flows/config.yml; ``data`` is what conditions see as ``config.*``."""

    file: str
    data: dict[str, Any]
    answer_intent: str
    repair: dict[str, RepairCommand]
    intent_min_confidence: float
    digression_prefixes: list[str]
    digression_min_confidence: float
    invalid_answers_before_offer: int
    texts: dict[str, str]
    options: dict[str, list[Option]]
    option_lines: dict[str, int]


def load_config(source: SourceFile) -> tuple[FlowConfig | None, list[FlowError]]:
    """Check the config file against its schema and build the config."""
    validator = Draft202012Validator(CONFIG_SCHEMA)
    errors = [
        source.error(tuple(error.absolute_path), f"config: {error.message}")
        for error in validator.iter_errors(source.data)
    ]
    if errors:
        return None, errors
    data: dict[str, Any] = source.data
    engine = data["engine"]
    repair = {
        name: RepairCommand(
            name=name,
            title=spec["title"],
            payload=spec["payload"],
            intents=list(spec.get("intents", [])),
            words=list(spec.get("words", [])),
            phrases=list(spec.get("phrases", [])),
        )
        for name, spec in data["repair"].items()
    }
    options = {
        name: [
            Option(item["title"], item["value"], list(item.get("synonyms", [])))
            for item in items
        ]
        for name, items in (data.get("options") or {}).items()
    }
    config = FlowConfig(
        file=source.name,
        data=data,
        answer_intent=engine["answer_intent"],
        repair={name: repair[name] for name in REPAIR_COMMANDS},
        intent_min_confidence=float(engine["intent_min_confidence"]),
        digression_prefixes=list(engine["digression"]["intent_prefixes"]),
        digression_min_confidence=float(engine["digression"]["min_confidence"]),
        invalid_answers_before_offer=int(engine.get("invalid_answers_before_offer", 2)),
        texts=dict(data["texts"]),
        options=options,
        option_lines={name: source.line(("options", name)) for name in options},
    )
    return config, []
