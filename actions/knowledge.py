"""Actions that answer consultation questions from the desk's knowledge base."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.desk_client import DeskClient, DeskError
from actions.latest_message import latest_intent, latest_text
from actions.replies import (
    send_entry,
    send_kb_unavailable,
    send_misunderstanding,
    send_search_result,
)

logger = logging.getLogger(__name__)

ACTION_ANSWER_FROM_KB = "action_answer_from_kb"
ACTION_ANSWER_KB_ENTRY = "action_answer_kb_entry"
ACTION_REFER_OTHER_AGENCY = "action_refer_other_agency"

# Knowledge-base category searched first for each consultation-topic intent.
TOPIC_CATEGORIES = {
    "ask_contribution_payment": "contribution_payment",
    "ask_insurance_transfer": "insurance_transfer",
    "ask_pension_benefits": "pension_benefits",
    "ask_retirement_approval": "retirement_approval",
    "ask_family_account_sharing": "family_account_sharing",
    "ask_medical_insurance": "medical_insurance",
    "ask_social_security_card": "social_security_card",
    "ask_work_injury": "work_injury",
    "ask_unemployment": "unemployment",
}
OTHER_AGENCIES_CATEGORY = "other_agencies"

TEXT_OTHER_AGENCY = (
    "这件事不归社保中心和医保局办理，我不便替其他部门答复。常见的对应部门："
    "住房公积金找住房公积金管理中心，个人所得税找税务部门，户口找公安机关，"
    "低保和社会救助找民政部门，劳动纠纷和欠薪找劳动保障监察或劳动人事争议仲裁机构。"
    "如果您的问题其实和社保、医保有关，请换个说法再问我。"
)


async def search_topic(
    client: DeskClient, query: str, category: str | None
) -> dict[str, Any]:
    """Search everywhere, and within the intent's category where that helps.

    On the held-out retrieval questions the whole knowledge base ranked the
    right entry first more often (79 %) than preferring the topic's category
    did (68 %), because the NLU topic is sometimes a neighbour of the entry's
    category. The category search has a lower bar. Its direct answer is used
    when its entry is among the first three of the whole base, which raised
    direct answers from 22 % to 37 % of those questions at 96 % precision.
    It also replaces a whole-base search that finds nothing.
    """
    everywhere = await client.search(query)
    if not category or everywhere.get("outcome") == "answer":
        return everywhere
    within_topic = await client.search(query, category=category)
    if within_topic.get("outcome") == "answer":
        leading = [result["id"] for result in everywhere.get("results", [])[:3]]
        if within_topic["results"][0]["id"] in leading:
            return within_topic
    if everywhere.get("outcome") != "none" or within_topic.get("outcome") == "none":
        return everywhere
    return within_topic


async def answer_from_search(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    query: str,
    category: str | None = None,
) -> list[EventType]:
    """Search for ``query`` and reply by the outcome; apologise if the desk fails."""
    try:
        result = await search_topic(DeskClient(), query, category)
    except DeskError as error:
        logger.error(
            "kb.search.failed conversation=%s error=%s", tracker.sender_id, error
        )
        return send_kb_unavailable(dispatcher)
    logger.info(
        "kb.search.done conversation=%s category=%s outcome=%s",
        tracker.sender_id,
        category,
        result.get("outcome"),
    )
    return send_search_result(dispatcher, tracker, result)


class ActionAnswerFromKnowledgeBase(Action):
    """Answer a consultation-topic question with the best knowledge-base entry."""

    def name(self) -> str:
        return ACTION_ANSWER_FROM_KB

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        category = TOPIC_CATEGORIES.get(latest_intent(tracker) or "")
        return await answer_from_search(
            dispatcher, tracker, latest_text(tracker), category
        )


class ActionAnswerKnowledgeEntry(Action):
    """Answer the entry whose button the citizen pressed."""

    def name(self) -> str:
        return ACTION_ANSWER_KB_ENTRY

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        entry_id = tracker.get_slot("kb_entry_id")
        if not entry_id:
            return send_misunderstanding(dispatcher, tracker)
        try:
            entry = await DeskClient().get_entry(str(entry_id))
        except DeskError as error:
            logger.error(
                "kb.entry.failed conversation=%s entry=%s error=%s",
                tracker.sender_id,
                entry_id,
                error,
            )
            return send_kb_unavailable(dispatcher)
        if entry is None:
            logger.warning("kb.entry.missing entry=%s", entry_id)
            return send_misunderstanding(dispatcher, tracker)
        return send_entry(dispatcher, entry)


class ActionReferOtherAgency(Action):
    """Name the agency that handles a matter outside social insurance.

    NLU recognises the intent from words such as 户口, 低保 or 公积金, which
    also occur in social-insurance questions (a newborn's medical insurance
    before the hukou is registered, subsidies for low-income residents). So
    the whole knowledge base is searched as for a topic, with other_agencies
    as the topic's category. A social-insurance entry is answered or
    suggested when the search prefers it. Otherwise the matching
    other_agencies entry names the agency, or the general list does.
    """

    def name(self) -> str:
        return ACTION_REFER_OTHER_AGENCY

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        try:
            result = await search_topic(
                DeskClient(), latest_text(tracker), OTHER_AGENCIES_CATEGORY
            )
        except DeskError as error:
            logger.error(
                "kb.search.failed conversation=%s error=%s", tracker.sender_id, error
            )
            result = {"outcome": "none", "results": []}
        results = result.get("results") or []
        outcome = result.get("outcome")
        if outcome not in ("answer", "suggest") or not results:
            dispatcher.utter_message(text=TEXT_OTHER_AGENCY)
            return []
        if results[0].get("category") == OTHER_AGENCIES_CATEGORY:
            return send_entry(dispatcher, results[0], results[1:])
        return send_search_result(dispatcher, tracker, result)
