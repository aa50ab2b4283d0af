"""Citizens ask through the desk; the real Rasa model and actions answer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desk.devstack import http_json
from tests.e2e.conftest import Citizen

# One question per consultation topic, in words that are not any entry's own.
TOPIC_QUESTIONS = [
    (
        "contribution_payment",
        "我没有单位，想以灵活就业身份自己交职工养老保险，怎么办？",
    ),
    ("insurance_transfer", "我从江苏换工作回泰安了，那边交的养老保险怎么转过来"),
    ("pension_benefits", "退休金每个月什么时候发到卡上"),
    ("retirement_approval", "改革以后男职工到底多少岁才能退休"),
    ("family_account_sharing", "我想用职工医保个人账户给父母交医保费，怎么操作"),
]


def answers_of(entries: list[dict[str, Any]], category: str) -> set[str]:
    return {
        entry["answer"].strip() for entry in entries if entry["category"] == category
    }


@pytest.mark.parametrize(("category", "question"), TOPIC_QUESTIONS)
def test_topic_question_gets_answer_of_topic(
    citizen: Citizen, kb_entries: list[dict[str, Any]], category: str, question: str
) -> None:
    # A direct answer from the topic, or, when its entries are near a tie,
    # suggestions led by an entry of the topic.
    reply = citizen.say(question)

    assert reply["status"] == "bot"
    texts = [message.get("text") for message in reply["messages"]]
    if (texts[0] or "").startswith("您是不是想问"):
        first = reply["messages"][0]["buttons"][0]["payload"]
        assert f'"kb_entry_id": "{category}.' in first, first
    else:
        assert any(text in answers_of(kb_entries, category) for text in texts), texts


def test_standard_question_gets_its_own_answer(
    citizen: Citizen, kb_entries: list[dict[str, Any]]
) -> None:
    # Each topic's first entry, asked with its standard question.
    firsts: dict[str, dict[str, Any]] = {}
    for entry in kb_entries:
        firsts.setdefault(entry["category"], entry)
    for entry in firsts.values():
        reply = citizen.say(entry["question"])
        texts = [message.get("text") for message in reply["messages"]]
        assert entry["answer"].strip() in texts, (entry["id"], texts)


def test_related_question_button_answers_that_entry(
    citizen: Citizen, kb_entries: list[dict[str, Any]]
) -> None:
    by_question = {entry["question"]: entry for entry in kb_entries}
    reply = citizen.say(TOPIC_QUESTIONS[0][1])
    buttons = [b for m in reply["messages"] for b in (m.get("buttons") or [])]
    entry_buttons = [b for b in buttons if b["payload"].startswith("/choose_kb_entry")]
    assert entry_buttons, reply

    chosen = entry_buttons[0]
    follow_up = citizen.press(chosen["payload"])

    expected = by_question[chosen["title"]]["answer"].strip()
    assert [m.get("text") for m in follow_up["messages"]][0] == expected


def test_payload_not_offered_is_rejected(citizen: Citizen) -> None:
    forged = "/choose_kb_entry" + json.dumps({"kb_entry_id": "pension_benefits.001"})

    status, body = citizen.send({"payload": forged})

    assert status == 422
    assert "error" in body


def test_near_tie_offers_candidates_as_buttons(citizen: Citizen) -> None:
    # Several certification entries (how, where, by phone) fit this question
    # almost equally well.
    reply = citizen.say("养老金认证怎么弄")

    buttons = [b for m in reply["messages"] for b in m.get("buttons") or []]
    payloads = [b["payload"] for b in buttons]
    assert reply["messages"][0]["text"].startswith("您是不是想问")
    assert sum(p.startswith("/choose_kb_entry") for p in payloads) >= 2
    assert "/request_human" in payloads


def test_typed_slash_command_sets_no_slot(
    citizen: Citizen, kb_entries: list[dict[str, Any]]
) -> None:
    entry = kb_entries[-1]
    typed = "/choose_kb_entry" + json.dumps({"kb_entry_id": entry["id"]})

    reply = citizen.say(typed)

    texts = [m.get("text") for m in reply["messages"]]
    assert entry["answer"].strip() not in texts
    assert citizen.transcript()[0]["text"] == typed


@pytest.mark.parametrize("text", ["你好", "您好呀"])
def test_greeting_gets_greeting(citizen: Citizen, text: str) -> None:
    reply = citizen.say(text)

    assert reply["messages"], reply
    assert "您好" in reply["messages"][0]["text"]


def test_other_agency_matter_names_the_agency(citizen: Citizen) -> None:
    reply = citizen.say("住房公积金怎么提取出来")

    text = " ".join(m.get("text") or "" for m in reply["messages"])
    assert "公积金管理中心" in text


def test_out_of_scope_says_what_bot_can_do(citizen: Citizen) -> None:
    reply = citizen.say("明天泰山天气怎么样")

    text = " ".join(m.get("text") or "" for m in reply["messages"])
    assert "参保缴费" in text or "转人工" in text


def test_short_and_odd_inputs_get_replies(citizen: Citizen) -> None:
    # Single characters, emoji and spaced words each get a reply and are kept.
    inputs = ["是", "嗯", "好", "😀😀", "社保   怎么   交"]
    for text in inputs:
        reply = citizen.say(text)
        assert reply["messages"], (text, reply)
    stored = [m["text"] for m in citizen.transcript() if m["sender"] == "citizen"]
    assert stored == inputs


def test_health_reports_all_services(citizen: Citizen) -> None:
    status, body = http_json("GET", citizen.stack.desk_url + "/health")

    assert status == 200
    assert body["rasa"] == "ok"
    assert body["action_server"] == "ok"
    assert body["database"] == "ok"


def test_other_city_gets_note_before_answer(citizen: Citizen) -> None:
    reply = citizen.say("深圳社保卡丢了怎么补办？")

    texts = [m.get("text") or "" for m in reply["messages"]]
    assert texts[0].startswith("您问到的是深圳的情况")
    assert len(texts) >= 2


@pytest.mark.parametrize("text", ["1", "1966/08/15", "2015年1月"])
def test_bare_number_or_date_gets_no_goodbye(citizen: Citizen, text: str) -> None:
    reply = citizen.say(text)

    joined = " ".join(message.get("text") or "" for message in reply["messages"])
    assert "再见" not in joined
