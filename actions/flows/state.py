"""The engine state between turns: a stack of flow frames and the slots.

The state is a JSON-serialisable dict so that Rasa can keep it in a slot::

    {
      "version": 1,
      "frames": [
        {"flow": "pension_transfer", "step": "ask_age", "kind": "root",
         "trail": ["ask_scope", "ask_sex"], "owned": ["transfer_scope", "sex"],
         "invalid_answers": 0}
      ],
      "slots": {"transfer_scope": "cross_province", "sex": "male"},
      "turns": 3
    }

The last frame is the active one. A ``root`` frame is a flow started by a
trigger. A ``root`` frame above another one interrupted it, so the lower one
resumes when it ends. A ``call`` frame runs a flow called by the frame below
it. ``step`` is the collect step waiting for an answer, ``trail`` the
collect steps answered in this frame (for "back" and corrections), ``owned``
the slots the frame set (reset when its flow ends).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATE_VERSION = 1
FRAME_KINDS = ("root", "call")


class StateError(ValueError):
    """A stored engine state is malformed or from another version."""


@dataclass
class Frame:
    """One running flow."""

    flow: str
    step: str
    kind: str = "root"
    trail: list[str] = field(default_factory=list)
    owned: list[str] = field(default_factory=list)
    invalid_answers: int = 0

    def own(self, slot: str) -> None:
        """Record that this frame set ``slot``."""
        if slot not in self.owned:
            self.owned.append(slot)


@dataclass
class EngineState:
    """Frames and slots of one conversation."""

    frames: list[Frame] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    turns: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the state as a JSON-serialisable dict."""
        return {
            "version": STATE_VERSION,
            "frames": [asdict(frame) for frame in self.frames],
            "slots": dict(self.slots),
            "turns": self.turns,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> EngineState:
        """Read a state written by ``to_dict``, or a bare ``{"slots": …}``.

        Raises:
            StateError: the dict is not a state of this version.
        """
        if not data:
            return cls()
        if not isinstance(data, dict):
            raise StateError(f"engine state must be a dict, not {type(data).__name__}")
        version = data.get("version", STATE_VERSION)
        if version != STATE_VERSION:
            raise StateError(f"engine state version {version} is not {STATE_VERSION}")
        slots = data.get("slots") or {}
        if not isinstance(slots, dict):
            raise StateError("engine state slots must be a dict")
        try:
            frames = [_frame(item) for item in data.get("frames") or []]
        except (TypeError, KeyError) as error:
            raise StateError(f"invalid frame in engine state: {error}") from error
        return cls(frames=frames, slots=dict(slots), turns=int(data.get("turns", 0)))


def _frame(item: dict[str, Any]) -> Frame:
    frame = Frame(
        flow=str(item["flow"]),
        step=str(item["step"]),
        kind=str(item.get("kind", "root")),
        trail=[str(step) for step in item.get("trail", [])],
        owned=[str(slot) for slot in item.get("owned", [])],
        invalid_answers=int(item.get("invalid_answers", 0)),
    )
    if frame.kind not in FRAME_KINDS:
        raise TypeError(f"frame kind {frame.kind!r} is not one of {FRAME_KINDS}")
    return frame
