"""Tests of how the bot benchmark reads replies (bench/bot_answers.py)."""

from __future__ import annotations

from pathlib import Path

from bench.bot_answers import BotReply, BotScore, read_reply, render_bot_section
from desk.kb.question_files import Question

ANSWERS = {"带身份证到窗口办理。": "card.001", "在掌上12333申请。": "card.002"}


def question(entry_id: str) -> Question:
    return Question(text="问题", entry_id=entry_id, path=Path("q.yml"), line=1)


def button(entry_id: str) -> dict[str, str]:
    return {
        "title": "问题",
        "payload": f'/choose_kb_entry{{"kb_entry_id": "{entry_id}"}}',
    }


def test_answer_text_names_the_entry() -> None:
    body = {
        "messages": [
            {"text": " 带身份证到窗口办理。\n", "buttons": [button("card.002")]},
        ]
    }

    assert read_reply(body, ANSWERS) == BotReply("card.001", [])


def test_suggestions_are_read_in_order() -> None:
    body = {
        "messages": [
            {
                "text": "您是不是想问：",
                "buttons": [button("card.002"), button("card.001")],
            },
            {
                "text": "都不是？",
                "buttons": [{"title": "转人工", "payload": "/request_human"}],
            },
        ]
    }

    assert read_reply(body, ANSWERS) == BotReply(None, ["card.002", "card.001"])


def test_broken_payload_and_error_give_nothing() -> None:
    broken = {
        "messages": [{"text": "x", "buttons": [{"payload": "/choose_kb_entry{"}]}]
    }

    assert read_reply(broken, ANSWERS) == BotReply(None, [])
    assert read_reply(None, ANSWERS) == BotReply(None, [])


def test_score_counts_offers() -> None:
    score = BotScore("blind")

    score.add(question("card.001"), BotReply("card.001", []))
    score.add(question("card.001"), BotReply("card.002", []))
    score.add(question("card.001"), BotReply(None, ["card.002", "card.001"]))
    score.add(question("card.001"), BotReply(None, ["card.001"]))
    score.add(question("card.001"), BotReply(None, ["card.002"]))
    score.add(question("card.001"), BotReply(None, []))

    assert score.outcomes == {
        "answered right": 1,
        "answered wrong": 1,
        "suggested": 2,
        "suggested others": 1,
        "not found": 1,
    }
    assert score.offered_first == 2
    assert score.offered == 3
    row = render_bot_section([score])[-2]
    assert row == "| blind | 1 | 1 | 2 | 1 | 1 | 33.3 % | 50.0 % |"
