"""Replies built from knowledge-base results, shared by the answer actions."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.places import place_note

INTENT_CHOOSE_KB_ENTRY = "choose_kb_entry"
HUMAN_PAYLOAD = "/request_human"
DECLINE_PAYLOAD = "/deny"
HUMAN_BUTTON = {"title": "转人工", "payload": HUMAN_PAYLOAD}
MAX_RELATED_BUTTONS = 3
MAX_SUGGESTIONS = 3
# After this many misunderstood questions in a row the bot offers a human.
MISUNDERSTANDINGS_BEFORE_OFFER = 2

# Categories with a guided procedure, and the button that starts it.
GUIDE_BUTTONS = {
    "family_account_sharing": {
        "title": "一步步带我办理个账共济",
        "payload": "/start_family_sharing_guide",
    },
    "insurance_transfer": {
        "title": "一步步带我办理养老保险转移",
        "payload": "/start_pension_transfer_guide",
    },
    "retirement_approval": {
        "title": "一步步带我办理退休申请",
        "payload": "/start_retirement_guide",
    },
}

TEXT_SUGGEST = "您是不是想问下面的问题？请点选一个："
TEXT_REPHRASE = (
    "抱歉，我没有找到能回答这个问题的内容。请换个说法再问一次，"
    "最好说清楚具体事项，例如“灵活就业怎么交养老保险”。也可以点“转人工”。"
)
TEXT_OUT_OF_SCOPE = (
    "这个问题我帮不上忙。我能解答的是社保和医保业务：参保缴费、转移接续、养老待遇、"
    "退休审批、医保报销、个账家庭共济、社保卡、工伤和失业保险。"
    "您可以换个问题问我，或者说“转人工”。"
)
TEXT_OFFER_HUMAN = "抱歉，我还是没能找到答案。需要为您转接人工服务吗？"
TEXT_KB_UNAVAILABLE = (
    "抱歉，知识库暂时无法访问，我现在答不了这个问题。"
    "您可以稍后再问，或点“转人工”由工作人员解答。"
)


def entry_button(entry: dict[str, Any]) -> dict[str, str]:
    """Return a button whose payload requests one knowledge-base entry."""
    entities = json.dumps({"kb_entry_id": entry["id"]}, ensure_ascii=False)
    return {
        "title": entry["question"],
        "payload": f"/{INTENT_CHOOSE_KB_ENTRY}{entities}",
    }


def send_entry(
    dispatcher: CollectingDispatcher,
    entry: dict[str, Any],
    others: list[dict[str, Any]] | None = None,
) -> list[EventType]:
    """Send an entry's answer with up to three related questions as buttons.

    Related entries named by the entry come first; other search results fill
    the remaining places. Categories with a guided procedure add a button
    that starts it.
    """
    related = list(entry.get("related") or [])
    seen = {entry["id"]} | {item["id"] for item in related}
    for other in others or []:
        if other["id"] not in seen:
            related.append(other)
            seen.add(other["id"])
    buttons = [entry_button(item) for item in related[:MAX_RELATED_BUTTONS]]
    guide = GUIDE_BUTTONS.get(entry["category"])
    if guide:
        buttons.append(guide)
    dispatcher.utter_message(text=entry["answer"].strip(), buttons=buttons)
    return [
        SlotSet("topic", entry["category"]),
        SlotSet("misunderstanding_count", 0.0),
        SlotSet("human_offered", False),
    ]


def send_suggestions(
    dispatcher: CollectingDispatcher, results: list[dict[str, Any]]
) -> list[EventType]:
    """Offer the best candidates as buttons when no entry is clearly best.

    When the first candidate's category has a guided procedure, its start
    button comes too, as under an answer of that category.
    """
    buttons = [entry_button(item) for item in results[:MAX_SUGGESTIONS]]
    guide = GUIDE_BUTTONS.get(results[0].get("category", "")) if results else None
    if guide:
        buttons.append(guide)
    dispatcher.utter_message(text=TEXT_SUGGEST, buttons=[*buttons, HUMAN_BUTTON])
    return [SlotSet("human_offered", False)]


def send_misunderstanding(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str = TEXT_REPHRASE
) -> list[EventType]:
    """Send ``text`` with a human button; from the second miss in a row, offer one.

    Questions outside the assistant's scope count as misses too, so a citizen
    who keeps asking what the bot cannot answer is offered a human.
    """
    count = int(tracker.get_slot("misunderstanding_count") or 0) + 1
    if count >= MISUNDERSTANDINGS_BEFORE_OFFER:
        dispatcher.utter_message(
            text=TEXT_OFFER_HUMAN,
            buttons=[
                {"title": "是，转人工", "payload": HUMAN_PAYLOAD},
                {"title": "不用了", "payload": DECLINE_PAYLOAD},
            ],
        )
        return [
            SlotSet("misunderstanding_count", float(count)),
            SlotSet("human_offered", True),
        ]
    dispatcher.utter_message(text=text, buttons=[HUMAN_BUTTON])
    return [
        SlotSet("misunderstanding_count", float(count)),
        SlotSet("human_offered", False),
    ]


def send_search_result(
    dispatcher: CollectingDispatcher, tracker: Tracker, result: dict[str, Any]
) -> list[EventType]:
    """Reply to a search result according to its outcome.

    A question that names another city first gets a note that the answer
    follows the agency's own rules.
    """
    results = result.get("results") or []
    outcome = result.get("outcome")
    note = place_note(tracker.latest_message.get("text") or "")
    if note and outcome in ("answer", "suggest"):
        dispatcher.utter_message(text=note)
    if outcome == "answer" and results:
        return send_entry(dispatcher, results[0], results[1:])
    if outcome == "suggest" and results:
        return send_suggestions(dispatcher, results)
    return send_misunderstanding(dispatcher, tracker)


def send_kb_unavailable(dispatcher: CollectingDispatcher) -> list[EventType]:
    """Apologise that the knowledge base is down and offer a human."""
    dispatcher.utter_message(text=TEXT_KB_UNAVAILABLE, buttons=[HUMAN_BUTTON])
    return [SlotSet("human_offered", False)]
