"""Action that runs guided procedures (flows) one citizen turn at a time."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.flows.bridge import (
    ACTION_RUN_FLOW,
    FLOW_MEMORY_SLOT,
    FLOW_STATE_SLOT,
    shared_engine,
    turn_from_parse_data,
)
from actions.flows.errors import FlowLoadError
from actions.flows.turns import TurnResult, UserTurn
from actions.handoff import REASON_REQUESTED, hand_off
from actions.knowledge import answer_from_search

logger = logging.getLogger(__name__)

# Knowledge-base category of each flow, which routes its handoff tickets to
# the department of that topic.
FLOW_TOPICS = {
    "family_account_sharing": "family_account_sharing",
    "pension_transfer": "insurance_transfer",
    "retirement_application": "retirement_approval",
}

TEXT_FLOW_FAILED = (
    "抱歉，办事引导暂时无法使用。您可以直接提问，或说“转人工”由工作人员帮您。"
)


def run_engine(
    state: dict[str, Any] | None, memory: dict[str, Any] | None, turn: UserTurn
) -> TurnResult | None:
    """Hand the turn to the running flow, or start the flow it triggers."""
    engine = shared_engine()
    if state:
        return engine.handle(state, turn)
    flow_id = engine.trigger_for(turn, None)
    if flow_id is None:
        return None
    return engine.start(flow_id, {"slots": memory} if memory else None, turn)


class ActionRunFlow(Action):
    """Run one turn of a guided procedure and store the engine's state."""

    def name(self) -> str:
        return ACTION_RUN_FLOW

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        turn = turn_from_parse_data(tracker.latest_message)
        try:
            result = run_engine(
                tracker.get_slot(FLOW_STATE_SLOT),
                tracker.get_slot(FLOW_MEMORY_SLOT),
                turn,
            )
        except (FlowLoadError, ValueError) as error:
            logger.error(
                "flow.turn.failed conversation=%s error=%s", tracker.sender_id, error
            )
            dispatcher.utter_message(text=TEXT_FLOW_FAILED)
            return [SlotSet(FLOW_STATE_SLOT, None)]
        if result is None:
            return []
        events: list[EventType] = []
        if result.digression:
            events += await answer_from_search(dispatcher, tracker, result.digression)
        if result.handoff:
            events += await hand_off(
                dispatcher,
                tracker,
                reason=REASON_REQUESTED,
                context={"flow": result.handoff},
                topic=FLOW_TOPICS.get(result.handoff.get("flow", "")),
            )
        for reply in result.replies:
            dispatcher.utter_message(
                text=reply.text, buttons=reply.buttons, image=reply.image
            )
        events.append(SlotSet(FLOW_STATE_SLOT, result.state))
        if result.persisted_slots:
            events.append(SlotSet(FLOW_MEMORY_SLOT, result.persisted_slots))
        return events
