"""Action that hands the conversation to the agency's staff."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.desk_client import DeskClient, DeskError
from actions.latest_message import latest_intent

logger = logging.getLogger(__name__)

ACTION_START_HANDOFF = "action_start_handoff"

# Handoff reasons stored on the ticket.
REASON_REQUESTED = "requested"
REASON_OFFER_ACCEPTED = "offer_accepted"

TEXT_HANDED_OFF = (
    "已为您转接人工服务，工作人员会在这个对话里回复您，请稍候。"
    "您可以继续留言说明情况，留言会一并转给工作人员。"
)
# The desk's system message before this one gives the time of the staff's
# reply, so this text only requests the question and a contact.
TEXT_LEFT_MESSAGE = (
    "工作人员暂时无法接入，您的问题已经记下。请在这个对话里留下您的问题和联系方式，"
    "工作人员会在这里回复您。"
)
TEXT_HANDOFF_FAILED = (
    "抱歉，转接人工暂时没有成功。请稍后再说一次“转人工”，或拨打12333人社服务热线咨询。"
)


def handoff_reason(tracker: Tracker) -> str:
    """Return why the handoff starts: asked directly or an accepted offer."""
    if latest_intent(tracker) == "request_human":
        return REASON_REQUESTED
    return REASON_OFFER_ACCEPTED


def handoff_context(tracker: Tracker) -> dict[str, Any]:
    """Collect what the agent needs to know about the bot's part."""
    intent = tracker.latest_message.get("intent") or {}
    return {
        "intent": intent.get("name"),
        "misunderstanding_count": tracker.get_slot("misunderstanding_count"),
        "channel": tracker.get_latest_input_channel(),
    }


async def hand_off(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    reason: str,
    context: dict[str, Any],
    topic: str | None = None,
) -> list[EventType]:
    """Create the conversation's handoff ticket and tell the citizen.

    ``topic`` is the knowledge-base category that routes the ticket; the
    last consultation topic of the conversation when it is None.
    """
    topic = topic or tracker.get_slot("topic")
    try:
        ticket = await DeskClient().create_handoff(
            conversation_id=tracker.sender_id,
            reason=reason,
            topic=topic,
            context=context,
        )
    except DeskError as error:
        logger.error(
            "handoff.failed conversation=%s error=%s", tracker.sender_id, error
        )
        dispatcher.utter_message(text=TEXT_HANDOFF_FAILED)
        return [SlotSet("human_offered", False)]
    logger.info(
        "handoff.started conversation=%s ticket=%s topic=%s",
        tracker.sender_id,
        ticket.get("ticket_id"),
        topic,
    )
    waiting = ticket.get("state") == "left_message"
    dispatcher.utter_message(text=TEXT_LEFT_MESSAGE if waiting else TEXT_HANDED_OFF)
    return [SlotSet("human_offered", False), SlotSet("misunderstanding_count", 0.0)]


class ActionStartHandoff(Action):
    """Create a handoff ticket in the desk and tell the citizen."""

    def name(self) -> str:
        return ACTION_START_HANDOFF

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        return await hand_off(
            dispatcher,
            tracker,
            reason=handoff_reason(tracker),
            context=handoff_context(tracker),
        )
