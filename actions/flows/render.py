"""Turning responses and questions into replies, with slot values filled in."""

from __future__ import annotations

import re
from typing import Any

from actions.flows.model import CollectStep, FlowSet, ResponseDef, Variation
from actions.flows.repair import answer_payload
from actions.flows.turns import FlowReply

# `{slot}` is replaced by the slot's value; `{{` and `}}` stand for braces.
_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def placeholders(text: str) -> list[str]:
    """Return the names inside single braces in ``text``."""
    return [m.group(1) for m in _FIELD.finditer(text) if m.group(1) is not None]


def display_value(flow_set: FlowSet, slot: str, value: Any) -> str:
    """Return a slot value as a citizen reads it: a button title where one fits."""
    if value is None:
        return ""
    for option in flow_set.options_for_slot(slot):
        if type(option.value) is type(value) and option.value == value:
            return option.title
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_text(flow_set: FlowSet, text: str, slots: dict[str, Any]) -> str:
    """Fill the ``{slot}`` fields of ``text``."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        return display_value(flow_set, name, slots.get(name))

    return _FIELD.sub(replace, text)


def pick_variation(response: ResponseDef, turns: int) -> Variation:
    """Pick a variation, rotating with the conversation's turn count."""
    return response.variations[turns % len(response.variations)]


def response_reply(
    flow_set: FlowSet,
    name: str,
    slots: dict[str, Any],
    turns: int,
    prefix: str = "",
) -> FlowReply:
    """Build the reply of response ``name``."""
    variation = pick_variation(flow_set.responses[name], turns)
    return FlowReply(
        text=prefix + render_text(flow_set, variation.text, slots),
        buttons=[{"title": b.title, "payload": b.payload} for b in variation.buttons],
        image=variation.image,
    )


def question_reply(
    flow_set: FlowSet,
    step: CollectStep,
    slots: dict[str, Any],
    turns: int,
    prefix: str = "",
) -> FlowReply:
    """Build a collect step's question with its answer and repair buttons."""
    reply = response_reply(flow_set, step.utter, slots, turns, prefix)
    config = flow_set.config
    for option in step.options:
        payload = answer_payload(config, step.slot, option.value)
        reply.buttons.append({"title": option.title, "payload": payload})
    reply.buttons.extend(command.button() for command in config.repair.values())
    return reply
