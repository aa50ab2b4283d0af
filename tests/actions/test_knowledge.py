"""Knowledge-base answer actions against a real desk and the real seeds."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import (
    YAMLStoryReader,
)
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionHandleFallback
from actions.knowledge import (
    TOPIC_CATEGORIES,
    ActionAnswerFromKnowledgeBase,
    ActionAnswerKnowledgeEntry,
    ActionReferOtherAgency,
)
from actions.replies import (
    GUIDE_BUTTONS,
    TEXT_KB_UNAVAILABLE,
    TEXT_OFFER_HUMAN,
    TEXT_OUT_OF_SCOPE,
    TEXT_REPHRASE,
    entry_button,
    send_suggestions,
)
from desk.devstack import ServiceStack
from tests.actions.conftest import ROOT, make_tracker

INTENT_OF_CATEGORY = {category: intent for intent, category in TOPIC_CATEGORIES.items()}
NONSENSE = "紫色的云朵在冰箱里唱歌"


def slot_value(events: list[dict[str, Any]], name: str) -> Any:
    values = [e["value"] for e in events if e["event"] == "slot" and e["name"] == name]
    assert values, f"no SlotSet for {name} in {events}"
    return values[-1]


@pytest.mark.parametrize(
    "category",
    [
        "contribution_payment",
        "insurance_transfer",
        "pension_benefits",
        "retirement_approval",
        "family_account_sharing",
    ],
)
async def test_standard_question_answers_its_entry(
    desk: ServiceStack, kb_entries: list[dict[str, Any]], category: str
) -> None:
    entry = next(e for e in kb_entries if e["category"] == category)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(entry["question"], INTENT_OF_CATEGORY[category])

    events = await ActionAnswerFromKnowledgeBase().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == entry["answer"].strip()
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert sum(p.startswith("/choose_kb_entry") for p in payloads) <= 3
    if category in GUIDE_BUTTONS:
        assert GUIDE_BUTTONS[category]["payload"] in payloads
    assert slot_value(events, "topic") == category
    assert slot_value(events, "misunderstanding_count") == 0.0


async def test_unmatched_question_asks_to_rephrase(desk: ServiceStack) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(NONSENSE, "ask_pension_benefits")

    events = await ActionAnswerFromKnowledgeBase().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == TEXT_REPHRASE
    assert slot_value(events, "misunderstanding_count") == 1.0
    assert slot_value(events, "human_offered") is False


async def test_second_miss_in_a_row_offers_human(desk: ServiceStack) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        NONSENSE, "nlu_fallback", slots={"misunderstanding_count": 1.0}
    )

    events = await ActionHandleFallback().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == TEXT_OFFER_HUMAN
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert "/request_human" in payloads
    assert slot_value(events, "human_offered") is True


async def test_out_of_scope_says_what_bot_covers(desk: ServiceStack) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("今天股票涨不涨", "out_of_scope")

    await ActionHandleFallback().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == TEXT_OUT_OF_SCOPE


async def test_fallback_answers_confident_match(
    desk: ServiceStack, kb_entries: list[dict[str, Any]]
) -> None:
    entry = kb_entries[0]
    dispatcher = CollectingDispatcher()

    await ActionHandleFallback().run(
        dispatcher, make_tracker(entry["question"], "nlu_fallback"), {}
    )

    assert dispatcher.messages[0]["text"] == entry["answer"].strip()


async def test_chosen_entry_is_answered(
    desk: ServiceStack, kb_entries: list[dict[str, Any]]
) -> None:
    entry = kb_entries[-1]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", "choose_kb_entry", slots={"kb_entry_id": entry["id"]})

    await ActionAnswerKnowledgeEntry().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == entry["answer"].strip()


async def test_unknown_chosen_entry_asks_to_rephrase(desk: ServiceStack) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("", "choose_kb_entry", slots={"kb_entry_id": "no.such"})

    await ActionAnswerKnowledgeEntry().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == TEXT_REPHRASE


async def test_other_agency_question_names_agency(desk: ServiceStack) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("住房公积金怎么提取", "ask_other_agency")

    await ActionReferOtherAgency().run(dispatcher, tracker, {})

    assert "公积金管理中心" in dispatcher.messages[0]["text"]


async def test_other_agency_intent_still_answers_insurance(
    desk: ServiceStack, kb_entries: list[dict[str, Any]]
) -> None:
    # 低保 makes NLU think of the civil-affairs bureau, but the question is
    # about the resident medical-insurance premium, which an entry answers.
    answers = {entry["id"]: entry["answer"].strip() for entry in kb_entries}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("低保户参加居民医保个人缴费有补助吗", "ask_other_agency")

    await ActionReferOtherAgency().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == answers["medical_insurance.054"]


async def test_other_agency_intent_suggests_insurance_entries(
    desk: ServiceStack,
) -> None:
    # 户口 points NLU to the police, but the search prefers insurance entries.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "孩子刚出生户口还没上，城乡居民医保怎么参保", "ask_other_agency"
    )

    await ActionReferOtherAgency().run(dispatcher, tracker, {})

    payloads = [button["payload"] for button in dispatcher.messages[-1]["buttons"]]
    assert any("contribution_payment.015" in payload for payload in payloads)
    assert all(
        "other_agencies" not in message.get("text", "")
        for message in dispatcher.messages
    )


@pytest.mark.usefixtures("desk_down")
async def test_desk_down_apologises_with_human_button() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("灵活就业怎么交社保", "ask_contribution_payment")

    await ActionAnswerFromKnowledgeBase().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == TEXT_KB_UNAVAILABLE
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_human"


def test_entry_button_payload_parses_in_rasa() -> None:
    domain = Domain.load(str(ROOT / "domain"))
    button = entry_button({"id": "pension_benefits.003", "question": "问题"})

    message = YAMLStoryReader.unpack_regex_message(
        Message(data={"text": button["payload"]}), domain
    )

    assert message.get("intent")["name"] == "choose_kb_entry"
    assert message.get("entities")[0]["value"] == "pension_benefits.003"


async def test_long_question_is_searched(
    desk: ServiceStack, kb_entries: list[dict[str, Any]]
) -> None:
    # A long story with the question at the end, near the desk's 2,000 limit.
    entry = kb_entries[0]
    story = "我家情况比较复杂，" * 180 + entry["question"]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(story, INTENT_OF_CATEGORY[entry["category"]])

    await ActionAnswerFromKnowledgeBase().run(dispatcher, tracker, {})

    assert len(story) > 1500
    assert dispatcher.messages[0]["text"] != TEXT_KB_UNAVAILABLE


@pytest.mark.parametrize(
    ("first_category", "has_guide"),
    [("family_account_sharing", True), ("medical_insurance", False)],
)
def test_suggestions_offer_guide_of_first_category(
    first_category: str, has_guide: bool
) -> None:
    results = [
        {"id": f"{first_category}.001", "category": first_category, "question": "一"},
        {"id": "work_injury.001", "category": "work_injury", "question": "二"},
    ]
    dispatcher = CollectingDispatcher()

    send_suggestions(dispatcher, results)

    payloads = [button["payload"] for button in dispatcher.messages[0]["buttons"]]
    guide = GUIDE_BUTTONS["family_account_sharing"]["payload"]
    assert (guide in payloads) is has_guide
    assert payloads[-1] == "/request_human"
