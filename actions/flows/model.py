"""Flows, steps, slots and responses as the loader builds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

END = "END"

# Slot types of the flow files' `slots:` section, a subset of Rasa's.
SLOT_TYPES = ("text", "bool", "float", "categorical")

# Answer types of collect steps (an extension). `choice` needs buttons.
ANSWER_TYPES = ("choice", "text", "date", "number")


@dataclass(frozen=True)
class Location:
    """File and line where a flow element is written."""

    file: str
    line: int


@dataclass
class SlotDef:
    """A slot declared in a flow file."""

    name: str
    type: str
    location: Location
    values: list[str] = field(default_factory=list)
    initial_value: Any = None

    def value_problem(self, value: Any) -> str:
        """Return why ``value`` does not fit this slot, or an empty string."""
        if self.type == "bool" and not isinstance(value, bool):
            return f"slot '{self.name}' is bool, so the value must be true or false"
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if self.type == "float" and not is_number:
            return f"slot '{self.name}' is float, so the value must be a number"
        if self.type in ("text", "categorical") and not isinstance(value, str):
            return (
                f"slot '{self.name}' is {self.type}, so the value must be quoted text"
            )
        if self.type == "categorical" and value not in self.values:
            return (
                f"'{value}' is not a value of the categorical slot '{self.name}' "
                f"({', '.join(self.values)})"
            )
        return ""


@dataclass
class Button:
    """A button of a response, sent as it is written."""

    title: str
    payload: str


@dataclass
class Variation:
    """One variation of a response: text with optional buttons and image."""

    text: str
    buttons: list[Button] = field(default_factory=list)
    image: str | None = None


@dataclass
class ResponseDef:
    """A response declared in a flow file, with its variations."""

    name: str
    variations: list[Variation]
    location: Location


@dataclass
class Option:
    """An answer a collect step offers as a button.

    ``value`` goes into the slot; ``title`` is the button text; ``synonyms``
    are further words a citizen may type for the same answer.
    """

    title: str
    value: Any
    synonyms: list[str] = field(default_factory=list)


@dataclass
class Branch:
    """One entry of a conditional ``next``; ``condition`` is None for ``else``."""

    condition: str | None
    target: str
    line: int


@dataclass
class Rejection:
    """A collect step's check that rejects a value with a response."""

    condition: str
    utter: str
    line: int


@dataclass
class Step:
    """Fields every step has.

    ``next`` is a step id, END, or a list of branches. ``explicit_next`` is
    True when the file wrote it and False when the loader filled in the
    following step. ``key_lines`` maps each key written in the step to its line.
    """

    id: str
    flow_id: str
    location: Location
    next: str | list[Branch] = END
    explicit_next: bool = False
    key_lines: dict[str, int] = field(default_factory=dict)
    # True when the step is the last one of a list nested under `then`/`else`.
    ends_nested_list: bool = False

    def line_of(self, key: str) -> int:
        """Return the line of one of the step's keys, or the step's own line."""
        return self.key_lines.get(key, self.location.line)


@dataclass
class ActionStep(Step):
    """Send a response or run a built-in action, then continue."""

    action: str = ""


@dataclass
class CollectStep(Step):
    """Ask a question and wait until the answer fills ``slot``."""

    slot: str = ""
    utter: str = ""
    ask_before_filling: bool = False
    reset_after_flow_ends: bool = True
    rejections: list[Rejection] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    options_list: str | None = None
    answer: str = "text"
    invalid_utter: str | None = None
    force_slot_filling: bool = False


@dataclass
class SetSlotsStep(Step):
    """Set slots to fixed values, or clear them with null."""

    values: dict[str, Any] = field(default_factory=dict)
    reset_after_flow_ends: bool = True


@dataclass
class LinkStep(Step):
    """End this flow and start another one."""

    target: str = ""


@dataclass
class CallStep(Step):
    """Run another flow as part of this one, then continue here."""

    target: str = ""


@dataclass
class NoopStep(Step):
    """Do nothing; exists to branch with ``next``."""


@dataclass
class Trigger:
    """An intent that starts a flow, with an optional minimum confidence."""

    intent: str
    confidence_threshold: float | None
    line: int


@dataclass
class Flow:
    """A guided procedure: its triggers, guard and steps."""

    id: str
    name: str
    description: str
    location: Location
    steps: dict[str, Step]
    first_step: str
    triggers: list[Trigger] = field(default_factory=list)
    guard: str | None = None
    guard_line: int = 0
    persisted_slots: list[str] = field(default_factory=list)
    persisted_line: int = 0

    def collect_steps(self) -> list[CollectStep]:
        """Return the flow's collect steps in file order."""
        return [step for step in self.steps.values() if isinstance(step, CollectStep)]


@dataclass
class FlowSet:
    """Everything loaded from a flows folder, checked and ready to run."""

    flows: dict[str, Flow]
    slots: dict[str, SlotDef]
    responses: dict[str, ResponseDef]
    config: Any
    files: list[str] = field(default_factory=list)

    def options_for_slot(self, slot: str) -> list[Option]:
        """Return every option any collect step offers for ``slot``."""
        options: list[Option] = []
        for flow in self.flows.values():
            for step in flow.collect_steps():
                if step.slot == slot:
                    options.extend(step.options)
        return options
