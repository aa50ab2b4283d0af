"""Checks across flow files: references, conditions and step graphs.

Every error names the file and line of the element at fault.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from actions.flows import conditions
from actions.flows.builtins import BUILTIN_ACTIONS, HANDOFF_PATTERN
from actions.flows.config import FlowConfig
from actions.flows.errors import FlowError
from actions.flows.graph import call_loops, endless_loops, unreachable_steps
from actions.flows.model import (
    END,
    ActionStep,
    Branch,
    CallStep,
    CollectStep,
    Flow,
    FlowSet,
    LinkStep,
    Option,
    ResponseDef,
    SetSlotsStep,
    SlotDef,
    Step,
)
from actions.flows.render import placeholders

# Slot types each answer type can fill; `choice` fills any slot type.
ANSWER_SLOT_TYPES = {"text": ("text",), "date": ("text",), "number": ("float",)}


class FileParts(Protocol):
    """Parts of one loaded flow file that the validator reads."""

    name: str
    flows: dict[str, Flow]
    slots: dict[str, SlotDef]
    responses: dict[str, ResponseDef]


def assemble(
    contents: Iterable[FileParts], config: FlowConfig
) -> tuple[FlowSet | None, list[FlowError]]:
    """Merge loaded files into one flow set and check it as a whole."""
    flow_set = FlowSet(flows={}, slots={}, responses={}, config=config)
    errors: list[FlowError] = []
    for content in contents:
        flow_set.files.append(content.name)
        _merge(flow_set.flows, content.flows, "flow", errors)
        _merge(flow_set.slots, content.slots, "slot", errors)
        _merge(flow_set.responses, content.responses, "response", errors)
    errors.extend(validate(flow_set))
    if errors:
        return None, sorted(set(errors))
    return flow_set, []


def _merge(
    into: dict[str, Any], items: dict[str, Any], kind: str, errors: list[FlowError]
) -> None:
    for name, item in items.items():
        first = into.get(name)
        if first is None:
            into[name] = item
            continue
        where = f"{first.location.file}:{first.location.line}"
        errors.append(
            FlowError(
                item.location.file,
                item.location.line,
                f"{kind} '{name}' is already defined at {where}",
            )
        )


def validate(flow_set: FlowSet) -> list[FlowError]:
    """Check references, conditions and step graphs of a merged flow set."""
    checker = _Checker(flow_set)
    checker.check_triggers()
    for response in flow_set.responses.values():
        checker.check_response(response)
    for flow in flow_set.flows.values():
        checker.check_flow(flow)
    checker.check_calls()
    return checker.errors


class _Checker:
    def __init__(self, flow_set: FlowSet) -> None:
        self.flow_set = flow_set
        self.config: FlowConfig = flow_set.config
        self.errors: list[FlowError] = []

    def error(self, file: str, line: int, message: str) -> None:
        self.errors.append(FlowError(file, line, message))

    def check_triggers(self) -> None:
        owners: dict[str, str] = {}
        for flow in self.flow_set.flows.values():
            for trigger in flow.triggers:
                owner = owners.setdefault(trigger.intent, flow.id)
                if owner != flow.id:
                    self.error(
                        flow.location.file,
                        trigger.line,
                        f"intent '{trigger.intent}' already starts flow '{owner}'; "
                        "an intent may start one flow only",
                    )

    def check_response(self, response: ResponseDef) -> None:
        for variation in response.variations:
            for name in placeholders(variation.text):
                if name not in self.flow_set.slots:
                    self.error(
                        response.location.file,
                        response.location.line,
                        f"response '{response.name}' uses {{{name}}}, which is not "
                        "a declared slot; write {slot_name}, or double the braces",
                    )

    def check_flow(self, flow: Flow) -> None:
        file = flow.location.file
        if flow.guard is not None:
            self.check_condition(flow.guard, file, flow.guard_line)
        for slot in flow.persisted_slots:
            self.require_slot(slot, file, flow.persisted_line)
        for step in flow.steps.values():
            self.check_next(flow, step)
            self.check_step(flow, step)
        self.check_graph(flow)

    def require_slot(self, name: str, file: str, line: int) -> SlotDef | None:
        slot = self.flow_set.slots.get(name)
        if slot is None:
            self.error(
                file,
                line,
                f"slot '{name}' is not declared; add it under slots: in a flow file",
            )
        return slot

    def require_response(self, name: str, file: str, line: int) -> None:
        if name not in self.flow_set.responses:
            self.error(
                file,
                line,
                f"response '{name}' is not defined; add it under responses: "
                "in a flow file",
            )

    def check_condition(
        self,
        text: str,
        file: str,
        line: int,
        context_keys: tuple[str, ...] = conditions.CONTEXT_KEYS,
        only_slot: str | None = None,
    ) -> None:
        problems = conditions.syntax_errors(text)
        for problem in problems:
            self.error(file, line, f"invalid condition '{text}': {problem}")
        if problems:
            return
        for name in conditions.names(text):
            problem = conditions.name_problem(
                name,
                slots=set(self.flow_set.slots),
                config=self.config,
                context_keys=context_keys,
                only_slot=only_slot,
            )
            if problem:
                self.error(file, line, f"condition '{text}': {problem}")
        for slot_name, literal in conditions.slot_literals(text):
            slot = self.flow_set.slots.get(slot_name)
            if slot and slot.type == "categorical" and literal not in slot.values:
                self.error(
                    file,
                    line,
                    f"condition '{text}': '{literal}' is not a value of the "
                    f"categorical slot '{slot_name}' ({', '.join(slot.values)})",
                )

    def check_next(self, flow: Flow, step: Step) -> None:
        file, line = flow.location.file, step.line_of("next")
        if isinstance(step, LinkStep):
            if step.next != END:
                self.error(
                    file,
                    step.location.line,
                    "a link step must be the last step of its list: the flow ends "
                    "there and the linked flow starts",
                )
            return
        if step.ends_nested_list and not step.explicit_next:
            self.error(
                file,
                step.location.line,
                "the last step of a nested step list needs an explicit next "
                "(a step id or END)",
            )
        if isinstance(step.next, str):
            self._check_target(flow, step.next, line)
            return
        self._check_branches(flow, step.next)

    def _check_branches(self, flow: Flow, branches: list[Branch]) -> None:
        file = flow.location.file
        for index, branch in enumerate(branches):
            last = index == len(branches) - 1
            if branch.condition is None and not last:
                self.error(file, branch.line, "else must be the last branch")
            if branch.condition is not None:
                self.check_condition(branch.condition, file, branch.line)
                if last:
                    self.error(
                        file,
                        branch.line,
                        "the branches need an else as their last entry, so that "
                        "the flow never ends silently when no condition holds",
                    )
            self._check_target(flow, branch.target, branch.line)

    def _check_target(self, flow: Flow, target: str, line: int) -> None:
        if target != END and target not in flow.steps:
            self.error(
                flow.location.file,
                line,
                f"next names step '{target}', which does not exist in flow "
                f"'{flow.id}' (use a step id or END)",
            )

    def check_step(self, flow: Flow, step: Step) -> None:
        file = flow.location.file
        if isinstance(step, ActionStep):
            self.check_action(step, file)
        elif isinstance(step, CollectStep):
            self.check_collect(step, file)
        elif isinstance(step, SetSlotsStep):
            for name, value in step.values.items():
                slot = self.require_slot(name, file, step.line_of("set_slots"))
                if slot and value is not None:
                    self._check_value(slot, value, file, step.line_of("set_slots"))
        elif isinstance(step, LinkStep):
            if step.target != HANDOFF_PATTERN:
                self._require_flow(step.target, file, step.line_of("link"))
        elif isinstance(step, CallStep):
            self._check_call(step, file)

    def check_action(self, step: ActionStep, file: str) -> None:
        line = step.line_of("action")
        if step.action.startswith("utter_"):
            self.require_response(step.action, file, line)
            return
        builtin = BUILTIN_ACTIONS.get(step.action)
        if builtin is None:
            known = ", ".join(sorted(BUILTIN_ACTIONS))
            self.error(
                file,
                line,
                f"unknown action '{step.action}': name a response (utter_…) or a "
                f"built-in action ({known}); Rasa custom actions cannot run here",
            )
            return
        for name, slot_type in {**builtin.reads, **builtin.writes}.items():
            slot = self.require_slot(name, file, line)
            if slot and slot.type != slot_type:
                self.error(
                    file,
                    line,
                    f"{step.action} needs slot '{name}' of type {slot_type}, "
                    f"not {slot.type}",
                )

    def check_collect(self, step: CollectStep, file: str) -> None:
        slot = self.require_slot(step.slot, file, step.line_of("collect"))
        self.require_response(step.utter, file, step.line_of("utter"))
        if step.invalid_utter:
            self.require_response(
                step.invalid_utter, file, step.line_of("invalid_utter")
            )
        context_keys = (
            conditions.DATE_CONTEXT_KEYS
            if step.answer == "date"
            else conditions.CONTEXT_KEYS
        )
        for rejection in step.rejections:
            self.check_condition(
                rejection.condition, file, rejection.line, context_keys, step.slot
            )
            self.require_response(rejection.utter, file, rejection.line)
        if step.answer == "choice" and not step.options:
            if not step.options_list:
                self.error(
                    file,
                    step.line_of("answer"),
                    "answer: choice needs buttons or buttons_from",
                )
        if step.answer != "choice" and step.options:
            self.error(
                file,
                step.line_of("answer"),
                f"buttons need answer: choice, not answer: {step.answer}",
            )
        if slot is None:
            return
        allowed = ANSWER_SLOT_TYPES.get(step.answer)
        if allowed and slot.type not in allowed:
            self.error(
                file,
                step.line_of("collect"),
                f"answer: {step.answer} fills {' or '.join(allowed)} slots, but "
                f"'{slot.name}' is {slot.type}",
            )
        self._check_options(step, slot, file)

    def _check_options(self, step: CollectStep, slot: SlotDef, file: str) -> None:
        key = "buttons_from" if step.options_list else "buttons"
        line = step.line_of(key)
        seen: set[str] = set()
        for option in step.options:
            self._check_value(slot, option.value, file, line, option)
            if option.title in seen:
                self.error(file, line, f"two buttons have the title '{option.title}'")
            seen.add(option.title)

    def _check_value(
        self,
        slot: SlotDef,
        value: Any,
        file: str,
        line: int,
        option: Option | None = None,
    ) -> None:
        problem = slot.value_problem(value)
        if problem:
            subject = f"button '{option.title}'" if option else "set_slots"
            self.error(file, line, f"{subject}: {problem}")

    def _require_flow(self, name: str, file: str, line: int) -> Flow | None:
        flow = self.flow_set.flows.get(name)
        if flow is None:
            self.error(file, line, f"flow '{name}' does not exist")
        return flow

    def _check_call(self, step: CallStep, file: str) -> None:
        called = self._require_flow(step.target, file, step.line_of("call"))
        if called is None:
            return
        if any(isinstance(item, LinkStep) for item in called.steps.values()):
            self.error(
                file,
                step.line_of("call"),
                f"flow '{called.id}' contains a link step, so it cannot be called: "
                "a link would end the calling flow too",
            )

    def check_graph(self, flow: Flow) -> None:
        file = flow.location.file
        for step in unreachable_steps(flow):
            self.error(
                file,
                step.location.line,
                f"step '{step.id}' can never be reached: no next leads to it",
            )
        for loop in endless_loops(flow):
            first = min(loop, key=lambda step: step.location.line)
            names = ", ".join(sorted(step.id for step in loop))
            self.error(
                file,
                first.location.line,
                f"steps {names} form a loop that never waits for an answer: put a "
                "collect step with ask_before_filling: true on it, or clear the "
                "collected slot with set_slots before the collect step",
            )

    def check_calls(self) -> None:
        for loop in call_loops(self.flow_set.flows):
            flow = self.flow_set.flows[min(loop)]
            self.error(
                flow.location.file,
                flow.location.line,
                f"flows {', '.join(sorted(loop))} call each other in a loop",
            )
