"""Conditions: CALM's predicate language evaluated by pypred."""

from __future__ import annotations

from typing import Any

import pytest

from actions.flows import conditions

SLOTS: dict[str, Any] = {
    "relation": "spouse",
    "age": 52.0,
    "employee": True,
    "resident": False,
    "missing": None,
    "text": "泰安市社保中心",
}
CONFIG = {"family_sharing": {"eligible_relations": ["spouse", "parent"]}}
CONTEXT = {"today": "2025-06-01", "age_years": 60}


def holds(condition: str) -> bool:
    assert conditions.syntax_errors(condition) == []
    document = conditions.build_document(SLOTS, CONFIG, CONTEXT)
    return conditions.evaluate(condition, document)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # Comparisons.
        ('slots.relation = "spouse"', True),
        ('slots.relation == "spouse"', True),
        ('slots.relation != "spouse"', False),
        ("slots.age > 50", True),
        ("slots.age >= 52", True),
        ("slots.age < 52", False),
        ("slots.age <= 51.5", False),
        # Booleans and not.
        ("slots.employee", True),
        ("not slots.resident", True),
        ("slots.employee = true", True),
        ("slots.resident is false", True),
        ("false", False),
        ("False", False),
        # is / is not, null and undefined.
        ('slots.relation is "spouse"', True),
        ('slots.relation is not "parent"', True),
        ("slots.missing is null", True),
        ("slots.missing is not null", False),
        ("slots.relation is not null", True),
        ("slots.nowhere is undefined", True),
        # and / or with parentheses.
        ("slots.employee and slots.age > 50", True),
        ("slots.resident or slots.age > 60", False),
        ("(slots.resident and slots.employee) or slots.age > 50", True),
        ('not (slots.relation = "parent" or slots.resident)', True),
        # contains: set literals, config lists and substrings.
        ('{"spouse" "parent"} contains slots.relation', True),
        ("{'child' 'parent'} contains slots.relation", False),
        ("config.family_sharing.eligible_relations contains slots.relation", True),
        ('slots.text contains "社保"', True),
        ('slots.text contains "医保"', False),
        # matches: regular expressions.
        ('slots.text matches "^泰安"', True),
        ('slots.relation matches "(?i)^SPO"', True),
        ('slots.missing matches "x"', False),
        # The context namespace.
        ("context.age_years >= 60", True),
        ('context.today = "2025-06-01"', True),
    ],
)
def test_condition_forms(condition: str, expected: bool) -> None:
    assert holds(condition) is expected


def test_comparison_with_null_counts_as_false() -> None:
    assert holds("slots.missing > 18") is False


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ("slots.a and slots.b or slots.c", "mixes 'and' and 'or'"),
        ("slots.a or slots.b and slots.c", "mixes 'and' and 'or'"),
        ('{"a", "b"} contains slots.x', "separate set items with spaces"),
        ("{{ slots.x }} = 1", "Jinja"),
        ("slots.x = ", "Unexpected end"),
        ("slots.x @ 3", "cannot read '@'"),
    ],
)
def test_syntax_errors(condition: str, problem: str) -> None:
    problems = conditions.syntax_errors(condition)

    assert any(problem in message for message in problems), problems


def test_parenthesised_mix_is_accepted() -> None:
    assert conditions.syntax_errors("slots.a and (slots.b or slots.c)") == []


def test_names_lists_unquoted_identifiers() -> None:
    names = conditions.names('slots.a = "x" and {"y" config.z} contains slots.b or q')

    assert names == ["slots.a", "config.z", "slots.b", "q"]


def test_slot_literals_finds_equality_strings() -> None:
    pairs = conditions.slot_literals(
        'slots.a = "x" and ("y" != slots.b) and {"p" "q"} contains slots.c'
    )

    assert sorted(pairs) == [("a", "x"), ("b", "y"), ("c", "p"), ("c", "q")]
