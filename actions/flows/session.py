"""Step execution for one turn: frames, slots and the replies built so far."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from actions.flows import conditions
from actions.flows.builtins import (
    ACTION_COMPUTE_RETIREMENT_AGE,
    ACTION_START_HANDOFF,
    HANDOFF_PATTERN,
    BuiltinActionError,
    compute_retirement_slots,
)
from actions.flows.model import (
    END,
    ActionStep,
    CallStep,
    CollectStep,
    Flow,
    FlowSet,
    LinkStep,
    SetSlotsStep,
    Step,
)
from actions.flows.render import question_reply, render_text, response_reply
from actions.flows.state import EngineState, Frame
from actions.flows.turns import FlowReply, TurnResult
from desk.privacy import mask_personal_data

logger = logging.getLogger(__name__)

# Steps one turn may run before the engine stops the flow. The validator
# rejects loops that never wait for an answer, so this is a safety net.
MAX_STEPS_PER_TURN = 200


class FlowRuntimeError(Exception):
    """A flow could not continue; the engine ends it and apologises."""


def fill(text: str, **fields: str) -> str:
    """Replace ``{name}`` fields of an engine text, leaving other braces alone."""
    for name, value in fields.items():
        text = text.replace("{" + name + "}", value)
    return text


class Session:
    """The engine state of one conversation while one turn is processed."""

    def __init__(self, flow_set: FlowSet, state: EngineState, today: date) -> None:
        self.flow_set = flow_set
        self.config = flow_set.config
        self.state = state
        self.today = today
        self.replies: list[FlowReply] = []
        self.handoff: dict[str, Any] | None = None
        self.digression: str | None = None
        self.steps_run = 0

    @property
    def frames(self) -> list[Frame]:
        """Return the frame stack; the last frame is active."""
        return self.state.frames

    @property
    def top(self) -> Frame:
        """Return the active frame."""
        return self.state.frames[-1]

    def flow_of(self, frame: Frame) -> Flow:
        """Return the flow a frame runs."""
        return self.flow_set.flows[frame.flow]

    def current_step(self) -> Step:
        """Return the step the active frame is at."""
        return self.flow_of(self.top).steps[self.top.step]

    def group_start(self) -> int:
        """Return the index of the root frame of the active flow and its calls."""
        index = len(self.frames) - 1
        while index > 0 and self.frames[index].kind == "call":
            index -= 1
        return index

    def slot_values(self) -> dict[str, Any]:
        """Return every declared slot with its value or initial value."""
        return {
            name: self.state.slots.get(name, slot.initial_value)
            for name, slot in self.flow_set.slots.items()
        }

    def set_slot(self, name: str, value: Any) -> None:
        """Set a slot, or reset it with None, on behalf of the active frame."""
        if value is None:
            self.state.slots.pop(name, None)
        else:
            self.state.slots[name] = value
        if self.frames:
            self.top.own(name)

    def holds(
        self,
        condition: str,
        slots: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
    ) -> bool:
        """Evaluate a condition against the slots, config and context."""
        document = conditions.build_document(
            self.slot_values() if slots is None else slots,
            self.config.data,
            {"today": self.today.isoformat(), **(context or {})},
        )
        return conditions.evaluate(condition, document)

    def say(self, response: str, prefix: str = "") -> None:
        """Send a response."""
        slots = self.slot_values()
        self.replies.append(
            response_reply(self.flow_set, response, slots, self.state.turns, prefix)
        )

    def say_text(self, text: str) -> None:
        """Send an engine text from the config."""
        self.replies.append(FlowReply(text=text, buttons=[]))

    def ask(self, step: CollectStep, prefix: str = "") -> None:
        """Send a collect step's question with its buttons."""
        slots = self.slot_values()
        self.replies.append(
            question_reply(self.flow_set, step, slots, self.state.turns, prefix)
        )

    def ask_current(self, prefix: str = "") -> None:
        """Ask the question the active frame waits on again."""
        step = self.current_step()
        if isinstance(step, CollectStep):
            self.ask(step, prefix)

    def next_of(self, step: Step) -> str:
        """Return the step id or END that follows ``step`` with the current slots."""
        if isinstance(step.next, str):
            return step.next
        slots = self.slot_values()
        for branch in step.next:
            if branch.condition is None or self.holds(branch.condition, slots):
                return branch.target
        return END

    def start_flow(self, flow_id: str) -> None:
        """Start a flow on top of the stack and run it to its first question."""
        flow = self.flow_set.flows[flow_id]
        logger.info("flows.flow.started flow=%s depth=%d", flow_id, len(self.frames))
        self.frames.append(Frame(flow=flow_id, step=flow.first_step))
        self.run_from(flow.first_step)

    def run_from(self, target: str) -> None:
        """Run steps of the active frame until a question waits or flows end."""
        next_target: str | None = target
        while next_target is not None and self.frames:
            self.steps_run += 1
            if self.steps_run > MAX_STEPS_PER_TURN:
                raise FlowRuntimeError(
                    f"more than {MAX_STEPS_PER_TURN} steps in one turn"
                )
            if next_target == END:
                next_target = self.end_frame()
                continue
            step = self.flow_of(self.top).steps[next_target]
            self.top.step = step.id
            next_target = self.execute(step)

    def execute(self, step: Step) -> str | None:
        """Run one step; return what follows, or None when a question waits."""
        if isinstance(step, CollectStep):
            if step.ask_before_filling:
                self.set_slot(step.slot, None)
            elif self.slot_values().get(step.slot) is not None:
                # Answered earlier: "back" from a later question returns here.
                self.top.trail.append(step.id)
                return self.next_of(step)
            self.ask(step)
            return None
        if isinstance(step, ActionStep):
            return self.run_action(step)
        if isinstance(step, SetSlotsStep):
            for name, value in step.values.items():
                self.set_slot(name, value)
            return self.next_of(step)
        if isinstance(step, LinkStep):
            return self.link(step)
        if isinstance(step, CallStep):
            called = self.flow_set.flows[step.target]
            self.frames.append(
                Frame(flow=called.id, step=called.first_step, kind="call")
            )
            return called.first_step
        return self.next_of(step)

    def run_action(self, step: ActionStep) -> str | None:
        """Send a response or run a built-in action."""
        if step.action.startswith("utter_"):
            self.say(step.action)
            return self.next_of(step)
        if step.action == ACTION_START_HANDOFF:
            self.start_handoff()
            return None
        if step.action == ACTION_COMPUTE_RETIREMENT_AGE:
            try:
                values = compute_retirement_slots(self.slot_values(), self.today)
            except BuiltinActionError as error:
                raise FlowRuntimeError(f"{step.action} failed: {error}") from error
            for name, value in values.items():
                self.set_slot(name, value)
            return self.next_of(step)
        raise FlowRuntimeError(f"unknown action {step.action!r}")

    def link(self, step: LinkStep) -> str | None:
        """End the active flow and start the linked one."""
        if step.target == HANDOFF_PATTERN:
            self.start_handoff()
            return None
        self.end_group()
        target = self.flow_set.flows[step.target]
        logger.info("flows.flow.linked flow=%s target=%s", step.flow_id, target.id)
        self.frames.append(Frame(flow=target.id, step=target.first_step))
        return target.first_step

    def end_frame(self) -> str | None:
        """End the active frame; return where its caller continues, if anywhere."""
        frame = self.frames.pop()
        if frame.kind == "call":
            for slot in frame.owned:
                self.top.own(slot)
            return self.next_of(self.current_step())
        self.finish_root(frame)
        logger.info("flows.flow.completed flow=%s", frame.flow)
        if self.frames:
            self.ask_current(self.config.texts["resume_prefix"])
        return None

    def end_group(self) -> Frame:
        """End the active flow with the flows it called; return its root frame."""
        while self.top.kind == "call":
            frame = self.frames.pop()
            for slot in frame.owned:
                self.top.own(slot)
        root = self.frames.pop()
        self.finish_root(root)
        return root

    def finish_root(self, frame: Frame) -> None:
        """Reset the slots a finished flow set, except the ones it persists."""
        persisted = self.persisted_slots(frame.flow, set())
        still_used = {slot for other in self.frames for slot in other.owned}
        for slot in frame.owned:
            if slot not in persisted and slot not in still_used:
                self.state.slots.pop(slot, None)

    def persisted_slots(self, flow_id: str, seen: set[str]) -> set[str]:
        """Return the slots a flow and the flows it calls keep after it ends."""
        seen.add(flow_id)
        flow = self.flow_set.flows[flow_id]
        persisted = set(flow.persisted_slots)
        for step in flow.steps.values():
            if isinstance(step, CollectStep) and not step.reset_after_flow_ends:
                persisted.add(step.slot)
            if isinstance(step, SetSlotsStep) and not step.reset_after_flow_ends:
                persisted.update(step.values)
            if isinstance(step, CallStep) and step.target not in seen:
                persisted |= self.persisted_slots(step.target, seen)
        return persisted

    def cancel(self) -> None:
        """Cancel the active flow, say so, and resume an interrupted one."""
        root = self.end_group()
        name = self.flow_set.flows[root.flow].name
        logger.info("flows.flow.cancelled flow=%s step=%s", root.flow, root.step)
        self.say_text(fill(self.config.texts["cancelled"], flow_name=name))
        if self.frames:
            self.ask_current(self.config.texts["resume_prefix"])

    def start_handoff(self) -> None:
        """End all flows and describe them for the human agent."""
        frame = self.top
        flow = self.flow_of(frame)
        slots = {
            name: mask_personal_data(value) if isinstance(value, str) else value
            for name, value in self.state.slots.items()
            if value is not None
        }
        self.handoff = {
            "flow": frame.flow,
            "flow_name": flow.name,
            "step": frame.step,
            "step_text": self.question_text(flow.steps[frame.step]),
            "slots": slots,
            "answers": self.answer_summary(),
        }
        logger.info("flows.handoff flow=%s step=%s", frame.flow, frame.step)
        self.frames.clear()
        self.state.slots.clear()

    def question_text(self, step: Step) -> str | None:
        """Return the question a collect step asks, masked, or None for other steps."""
        if not isinstance(step, CollectStep):
            return None
        reply = question_reply(self.flow_set, step, self.slot_values(), 0)
        return mask_personal_data(reply.text)

    def answer_summary(self) -> list[dict[str, str]]:
        """Pair each filled slot of the running flows with the question that asked it.

        The values read as the citizen saw them (button titles, dates), with
        ID-card and phone numbers masked, so the agent needs no slot names.
        """
        summary = []
        seen: set[str] = set()
        for frame in self.frames:
            for step in self.flow_of(frame).steps.values():
                if not isinstance(step, CollectStep) or step.slot in seen:
                    continue
                value = self.state.slots.get(step.slot)
                if value is None:
                    continue
                seen.add(step.slot)
                summary.append(
                    {
                        "question": self.question_text(step) or step.slot,
                        "answer": mask_personal_data(self.display(step.slot, value)),
                    }
                )
        return summary

    def fail(self, error: Exception) -> None:
        """End every flow after a runtime error and apologise."""
        where = f"{self.top.flow}/{self.top.step}" if self.frames else "-"
        logger.error("flows.run.failed at=%s error=%s", where, error)
        self.frames.clear()
        self.replies.append(
            FlowReply(
                text=self.config.texts["internal_error"],
                buttons=[self.config.repair["human"].button()],
            )
        )

    def display(self, slot: str, value: Any) -> str:
        """Return a slot value as the citizen reads it."""
        return render_text(self.flow_set, "{" + slot + "}", {slot: value})

    def result(self) -> TurnResult:
        """Return the replies and the state to store."""
        active = bool(self.frames)
        persisted = {} if active else dict(self.state.slots)
        return TurnResult(
            replies=self.replies,
            state=self.state.to_dict() if active else None,
            handoff=self.handoff,
            digression=self.digression,
            persisted_slots=persisted,
        )
