"""Actions for messages the NLU model could not place, and declined offers."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.knowledge import answer_from_search
from actions.latest_message import latest_intent, latest_text
from actions.replies import (
    TEXT_OUT_OF_SCOPE,
    send_misunderstanding,
)

ACTION_HANDLE_FALLBACK = "action_handle_fallback"
ACTION_DECLINE_HUMAN = "action_decline_human"

TEXT_DECLINED = "好的，那您换个说法再问我一次，或者问其他问题。"


class ActionHandleFallback(Action):
    """Reply to out-of-scope questions and to messages no intent fits.

    Citizens often ask in words the NLU model has not seen, so a message
    without a confident intent is searched in the whole knowledge base, and
    only a miss counts as a misunderstanding. Out-of-scope questions are not
    searched: the reply lists what the assistant can help with.
    """

    def name(self) -> str:
        return ACTION_HANDLE_FALLBACK

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        if latest_intent(tracker) == "out_of_scope":
            return send_misunderstanding(dispatcher, tracker, TEXT_OUT_OF_SCOPE)
        query = latest_text(tracker)
        if not query:
            return send_misunderstanding(dispatcher, tracker)
        return await answer_from_search(dispatcher, tracker, query)


class ActionDeclineHuman(Action):
    """Accept that the citizen does not want a human and start afresh."""

    def name(self) -> str:
        return ACTION_DECLINE_HUMAN

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        dispatcher.utter_message(text=TEXT_DECLINED)
        return [SlotSet("human_offered", False), SlotSet("misunderstanding_count", 0.0)]
