"""The flow engine: starts flows and handles one citizen turn at a time.

Every call takes the stored state and one turn, and returns the replies and
the new state. Nothing but the registry's flows is kept between calls.
Repair works at every question: back, repeat, cancel and handoff commands,
corrections of earlier answers, and digressions to consultation questions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from actions.flows.answers import (
    full_years,
    is_whole_answer,
    match_option,
    parse_answer,
    parse_date,
)
from actions.flows.model import CollectStep, Rejection
from actions.flows.registry import FlowRegistry
from actions.flows.repair import (
    BACK,
    CANCEL,
    HUMAN,
    REPEAT,
    button_answer,
    is_digression,
    looks_like_question,
    parse_payload,
    repair_command,
    turn_payload,
    yes_no,
)
from actions.flows.session import FlowRuntimeError, Session, fill
from actions.flows.state import EngineState
from actions.flows.turns import TurnResult, UserTurn

logger = logging.getLogger(__name__)


class FlowEngine:
    """Runs the flows of a registry for one turn at a time."""

    def __init__(
        self, registry: FlowRegistry, *, today: Callable[[], date] = date.today
    ) -> None:
        self.registry = registry
        self.today = today

    def trigger_for(self, turn: UserTurn, state: dict[str, Any] | None) -> str | None:
        """Return the flow that ``turn`` starts, if any.

        A flow matches when one of its nlu_trigger intents is the turn's
        intent (or the intent of its button payload) with at least the
        trigger's confidence_threshold, and its `if` guard holds. Flows
        already running in ``state`` do not match.
        """
        flow_set = self.registry.current()
        session = Session(flow_set, EngineState.from_dict(state), self.today())
        return find_trigger(session, turn)

    def start(
        self, flow_id: str, state: dict[str, Any] | None, turn: UserTurn
    ) -> TurnResult:
        """Start ``flow_id`` and run it to its first question.

        ``state`` may be None, ``{"slots": …}`` with slots kept from earlier
        flows, or an active state, whose flow the new one interrupts.

        Raises:
            ValueError: no flow has this id.
        """
        flow_set = self.registry.current()
        if flow_id not in flow_set.flows:
            raise ValueError(
                f"unknown flow {flow_id!r}; known: {sorted(flow_set.flows)}"
            )
        session = Session(flow_set, EngineState.from_dict(state), self.today())
        session.state.turns += 1
        try:
            if any(frame.flow == flow_id for frame in session.frames):
                session.ask_current()
            else:
                session.start_flow(flow_id)
        except FlowRuntimeError as error:
            session.fail(error)
        return session.result()

    def handle(self, state: dict[str, Any], turn: UserTurn) -> TurnResult:
        """Handle a turn while a flow waits for an answer.

        Raises:
            ValueError: ``state`` has no active flow; call ``start`` instead.
        """
        engine_state = EngineState.from_dict(state)
        if not engine_state.frames:
            raise ValueError("no flow is active in this state; call start instead")
        session = Session(self.registry.current(), engine_state, self.today())
        session.state.turns += 1
        try:
            if _restore(session):
                _TurnHandler(session, turn).handle()
        except FlowRuntimeError as error:
            session.fail(error)
        return session.result()


def find_trigger(session: Session, turn: UserTurn) -> str | None:
    """Return the first flow not yet running whose trigger and guard match."""
    intent, confidence = turn.intent, turn.confidence
    payload = turn_payload(turn)
    parsed = parse_payload(payload) if payload else None
    if parsed is not None:
        intent, confidence = parsed[0], 1.0
    running = {frame.flow for frame in session.frames}
    for flow in session.flow_set.flows.values():
        if flow.id in running:
            continue
        for trigger in flow.triggers:
            threshold = trigger.confidence_threshold or 0.0
            if trigger.intent != intent or confidence < threshold:
                continue
            if flow.guard is None or session.holds(flow.guard):
                return flow.id
    return None


def _restore(session: Session) -> bool:
    """Check that the stored frames still exist; restart the flow if not.

    A trainer's edit may remove the step a conversation waits on. The flow
    then starts again from its beginning, after a notice.
    """
    flows = session.flow_set.flows
    valid = all(
        frame.flow in flows and frame.step in flows[frame.flow].steps
        for frame in session.frames
    ) and isinstance(session.current_step(), CollectStep)
    if valid:
        return True
    bottom = session.frames[0].flow
    logger.warning("flows.state.stale flow=%s", bottom)
    session.frames.clear()
    session.state.slots.clear()
    session.say_text(session.config.texts["flow_updated"])
    if bottom in flows:
        session.start_flow(bottom)
    return False


# Words that mark a typed reply as a correction of an earlier answer.
CORRECTION_MARKERS = (
    "错", "不对", "改", "应该", "其实", "换成", "重新", "不是", "先", "还是",
)  # fmt: skip


class _TurnHandler:
    """Interprets one turn against the question the active frame waits on."""

    def __init__(self, session: Session, turn: UserTurn) -> None:
        self.session = session
        self.config = session.config
        self.turn = turn
        step = session.current_step()
        assert isinstance(step, CollectStep)
        self.step = step

    def handle(self) -> None:
        command = repair_command(self.turn, self.config)
        if command == BACK:
            self.go_back()
        elif command == REPEAT:
            self.session.ask(self.step)
        elif command == CANCEL:
            self.session.cancel()
        elif command == HUMAN:
            self.session.start_handoff()
        else:
            self.answer()

    def answer(self) -> None:
        pressed = button_answer(self.turn, self.config)
        if pressed is not None:
            self.answer_button(*pressed)
            return
        if self.restarts_running_flow():
            return
        step, turn = self.step, self.turn
        parsed = parse_answer(
            step, turn.text, yes_no(turn, self.config), today=self.session.today
        )
        free = not step.force_slot_filling
        question = free and looks_like_question(turn.text)
        topic = free and is_digression(turn, self.config)
        other = find_trigger(self.session, turn) if free else None
        # A typed question may merely contain a number, a date or a button
        # word. When NLU is sure it starts another procedure, or it reads as a
        # question that NLU is sure is a consultation topic, it is handled as
        # one, unless the whole reply is a button title or synonym. Short
        # replies without question words are answers, whatever topic NLU
        # reads in them.
        if parsed is not None and (other or (question and topic)):
            whole = step.answer == "choice" and is_whole_answer(turn.text, step.options)
            parsed = parsed if whole else None
        if parsed is not None:
            self.accept(step, parsed.value)
            return
        if free and not question and self.correct_from_text():
            return
        if topic:
            self.digress()
        elif other is not None:
            self.session.start_flow(other)
        elif question and not self.correct_from_text():
            # A question that fits nothing here goes to the knowledge base,
            # even when NLU is unsure of its topic.
            self.digress()
        elif not question:
            self.invalid()

    def digress(self) -> None:
        """Let the caller answer the turn from the knowledge base, then re-ask."""
        self.session.digression = self.turn.text
        self.session.ask(self.step, self.config.texts["resume_prefix"])

    def restarts_running_flow(self) -> bool:
        """Ask the current question again when the turn starts a running flow.

        A citizen who presses a flow's start button again, or types its start
        words, is already in that flow; starting over would lose the answers.
        """
        intent = self.turn.intent
        payload = turn_payload(self.turn)
        parsed = parse_payload(payload) if payload else None
        if parsed is not None:
            intent = parsed[0]
        elif self.turn.confidence < self.config.intent_min_confidence:
            return False
        session = self.session
        for frame in session.frames:
            flow = session.flow_of(frame)
            if any(trigger.intent == intent for trigger in flow.triggers):
                notice = fill(self.config.texts["already_running"], flow_name=flow.name)
                session.ask(self.step, notice)
                return True
        return False

    def answer_button(self, slot: str, value: Any) -> None:
        """Take a pressed answer button; only the values offered count."""
        if slot != self.step.slot:
            if not self.correct(slot, value, typed=False):
                self.invalid()
            return
        if not _offers(self.step, value):
            self.invalid()
            return
        self.accept(self.step, value)

    def rejection(self, step: CollectStep, value: Any) -> Rejection | None:
        """Return the first rejection that rejects ``value`` for ``step``."""
        slots = self.session.slot_values()
        slots[step.slot] = value
        context: dict[str, Any] = {}
        if step.answer == "date":
            context["age_years"] = full_years(
                date.fromisoformat(value), self.session.today
            )
        for rejection in step.rejections:
            if self.session.holds(rejection.condition, slots, context):
                return rejection
        return None

    def accept(self, step: CollectStep, value: Any) -> None:
        rejection = self.rejection(step, value)
        if rejection is not None:
            self.session.say(rejection.utter)
            self.session.ask(step)
            return
        frame = self.session.top
        self.session.set_slot(step.slot, value)
        frame.trail.append(step.id)
        frame.invalid_answers = 0
        self.session.run_from(self.session.next_of(step))

    def invalid(self) -> None:
        session, step = self.session, self.step
        frame = session.top
        frame.invalid_answers += 1
        if step.invalid_utter:
            session.say(step.invalid_utter)
        else:
            session.say_text(self.config.texts["invalid_answer"])
        if frame.invalid_answers >= self.config.invalid_answers_before_offer:
            session.replies[-1].text += self.config.texts["invalid_answer_offer_human"]
        session.ask(step)

    def go_back(self) -> None:
        """Ask the previous answered question again, leaving called flows."""
        session = self.session
        index = len(session.frames) - 1
        while not session.frames[index].trail and session.frames[index].kind == "call":
            index -= 1
        if not session.frames[index].trail:
            session.say_text(self.config.texts["first_question"])
            session.ask(self.step)
            return
        self._unwind(index, reset=True)
        frame = session.top
        previous = session.flow_of(frame).steps[frame.trail.pop()]
        assert isinstance(previous, CollectStep)
        session.set_slot(previous.slot, None)
        frame.step = previous.id
        frame.invalid_answers = 0
        session.ask(previous)

    def _unwind(self, index: int, *, reset: bool) -> None:
        """Pop the call frames above ``index``, resetting or handing over slots."""
        session = self.session
        while len(session.frames) - 1 > index:
            frame = session.frames.pop()
            for slot in frame.owned:
                if reset:
                    session.state.slots.pop(slot, None)
                else:
                    session.top.own(slot)

    def answered_steps(self) -> list[tuple[int, int, CollectStep]]:
        """Return (frame index, trail position, step) of answered questions.

        Only the active flow and the flows it called count, most recent first.
        """
        session = self.session
        found: list[tuple[int, int, CollectStep]] = []
        for index in range(len(session.frames) - 1, session.group_start() - 1, -1):
            frame = session.frames[index]
            steps = session.flow_of(frame).steps
            for position in range(len(frame.trail) - 1, -1, -1):
                step = steps[frame.trail[position]]
                if isinstance(step, CollectStep):
                    found.append((index, position, step))
        return found

    def correct(self, slot: str, value: Any, *, typed: bool) -> bool:
        """Change an earlier answer and continue from the step after it.

        A pressed button must carry one of the values its question offers;
        typed corrections come already read by ``correct_from_text``.
        """
        session = self.session
        match = next((m for m in self.answered_steps() if m[2].slot == slot), None)
        if match is None:
            return False
        index, position, step = match
        if _same(session.slot_values().get(slot), value):
            if typed:
                return False
            session.ask(self.step)
            return True
        if not typed and not _offers(step, value):
            return False
        rejection = self.rejection(step, value)
        if rejection is not None:
            session.say(rejection.utter)
            session.ask(self.step)
            return True
        self._unwind(index, reset=False)
        frame = session.top
        del frame.trail[position:]
        frame.step = step.id
        logger.info("flows.answer.corrected flow=%s slot=%s", frame.flow, slot)
        display_text = session.display(slot, value)
        session.say_text(fill(self.config.texts["corrected"], value=display_text))
        self.accept(step, value)
        return True

    def correct_from_text(self) -> bool:
        """Treat text that answers exactly one earlier question as a correction."""
        current = self.session.slot_values()
        announced = any(marker in self.turn.text for marker in CORRECTION_MARKERS)
        candidates: dict[str, Any] = {}
        whole: dict[str, Any] = {}
        for _index, _position, step in self.answered_steps():
            value = _typed_value(step, self.turn.text, self.session.today)
            if value is None or _same(current.get(step.slot), value):
                continue
            candidates.setdefault(step.slot, value)
            if step.answer == "choice" and is_whole_answer(
                self.turn.text, step.options
            ):
                whole.setdefault(step.slot, value)
        # A reply that is exactly one button's title wins over words that
        # merely occur in it, such as 居民医保 inside 给家人交居民医保. Without
        # such a title, only a reply with a correction word changes an
        # earlier answer: "我爸，他是居民医保" describes the relative.
        if whole and (len(candidates) > 1 or not announced):
            candidates = whole
        elif not announced:
            return False
        if len(candidates) != 1:
            return False
        slot, value = next(iter(candidates.items()))
        return self.correct(slot, value, typed=True)


def _typed_value(step: CollectStep, text: str, today: date) -> Any:
    if step.answer == "choice":
        option = match_option(text, step.options)
        return None if option is None else option.value
    if step.answer == "date":
        parsed = parse_date(text, today)
        return None if parsed is None else parsed.isoformat()
    return None


def _same(left: Any, right: Any) -> bool:
    """Compare slot values; numbers compare by value, anything else by type too."""
    if _is_number(left) and _is_number(right):
        return float(left) == float(right)
    return type(left) is type(right) and left == right


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _offers(step: CollectStep, value: Any) -> bool:
    return any(_same(option.value, value) for option in step.options)
