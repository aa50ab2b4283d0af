"""Guides started and steered by typing, through the desk and the real model."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Citizen


def texts(reply: dict[str, Any]) -> list[str]:
    return [message.get("text") or "" for message in reply["messages"]]


def titles(reply: dict[str, Any]) -> list[str]:
    return [
        button["title"]
        for message in reply["messages"]
        for button in message.get("buttons") or []
    ]


def test_typed_start_retirement_guide(citizen: Citizen) -> None:
    reply = citizen.say("一步步带我办理退休申请")

    assert texts(reply)[-1] == "请先选择您的情况："
    assert "企业职工" in titles(reply)

    # A short typed answer and a birth month without the day are enough.
    citizen.say("企业职工")
    citizen.say("男")
    result = citizen.say("1966年5月")

    assert "法定退休年龄是60岁5个月" in " ".join(texts(result))


def test_typed_start_transfer_guide(citizen: Citizen) -> None:
    reply = citizen.say("带我办养老保险转移，一步一步来")

    assert "跨省转移" in titles(reply)


def test_back_without_running_guide(citizen: Citizen) -> None:
    reply = citizen.say("上一步")

    assert texts(reply)[-1].startswith("现在没有正在进行的办事引导")
    assert "一步步带我办理退休申请" in titles(reply)
