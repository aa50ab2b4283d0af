"""Helpers of the Rasa client that need no server."""

from __future__ import annotations

import pytest

from desk.services.rasa import BotReply, escape_intent_prefix, parse_reply


@pytest.mark.parametrize(
    ("typed", "forwarded"),
    [
        ("/request_human", "／request_human"),
        ("//restart", "／／restart"),
        ("  /greet", "／greet"),
        ("\u3000/greet", "／greet"),
        ("/", "／"),
        ("请问 /a 是什么", "请问 /a 是什么"),
        ("退休手续", "退休手续"),
        ("／already", "／already"),
    ],
)
def test_escape_intent_prefix(typed, forwarded):
    assert escape_intent_prefix(typed) == forwarded


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"recipient_id": "x", "text": "好"}, BotReply(text="好")),
        (
            {"text": "选", "buttons": [{"title": "是", "payload": "/affirm"}]},
            BotReply(text="选", buttons=[{"title": "是", "payload": "/affirm"}]),
        ),
        (
            {"buttons": [{"title": "是", "payload": ""}, {"payload": "/x"}]},
            None,
        ),
        (
            {"image": "https://example.org/a.png"},
            BotReply(image="https://example.org/a.png"),
        ),
        ({"custom": {"a": 1}}, None),
        ({"text": 5}, None),
        ("text", None),
    ],
    ids=["text", "buttons", "bad-buttons", "image", "custom", "number-text", "string"],
)
def test_parse_reply(item, expected):
    assert parse_reply(item) == expected
