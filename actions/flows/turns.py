"""Types of one citizen turn and of the engine's result for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class UserTurn:
    """One citizen message as Rasa understood it."""

    text: str  # what the citizen typed, or the button title
    intent: str | None  # NLU intent name (None if unknown)
    confidence: float
    payload: str | None = None  # button payload when the citizen pressed a button


@dataclass
class FlowReply:
    """One bot message."""

    text: str
    buttons: list[dict[str, str]]  # [{"title", "payload"}]
    image: str | None = None


@dataclass
class TurnResult:
    """Replies to send and the engine state to store until the next turn.

    ``state`` is None when no flow is active. ``handoff`` contains flow, step and
    collected slots (ID-card and mobile numbers masked) when the citizen asked
    for a human. ``digression`` is the text of an off-flow question to answer
    from the knowledge base before ``replies``, which then ask the current
    question again. ``persisted_slots`` contains the slots kept after the
    last flow ended. Pass them back as ``{"slots": …}`` in the state of the
    next ``start`` so that later flows see them.
    """

    replies: list[FlowReply]
    state: dict[str, Any] | None
    handoff: dict[str, Any] | None
    digression: str | None
    persisted_slots: dict[str, Any] = field(default_factory=dict)
