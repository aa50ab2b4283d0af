"""Notes on questions about places outside the agency's area."""

from __future__ import annotations

import pytest

from actions.places import load_places, place_note


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("深圳社保卡怎么补办", "深圳"),
        ("黑龙江灵活就业缴费标准", "黑龙江"),
        ("济南市社保缴费比例", "济南"),
    ],
)
def test_other_place_gets_note_naming_it(text: str, place: str) -> None:
    note = place_note(text)

    assert note is not None
    assert note.startswith(f"您问到的是{place}的情况")
    assert "泰安" in note


@pytest.mark.parametrize(
    "text",
    [
        "灵活就业怎么交养老保险",
        "在泰安交的社保怎么转到深圳",
        "我从江苏换工作回泰安了，养老保险怎么转",
        "肥城的社保卡怎么补办",
    ],
)
def test_home_or_no_place_gets_no_note(text: str) -> None:
    assert place_note(text) is None


def test_places_file_lists_home_first() -> None:
    places = load_places()

    assert places.home[0] == "泰安"
    assert not set(places.home) & set(places.elsewhere)
