"""Checks across flow files; each error names the file and line at fault."""

from __future__ import annotations

import textwrap

import pytest

from actions.flows.loader import load_folder
from tests.flows.conftest import MakeFolder

# Slots and responses every case below may use.
TAIL = """\
slots:
  answer: {type: text}
  choice: {type: categorical, values: [a, b]}
  flag: {type: bool}
  count: {type: float}
  birth_date: {type: text}
  retirement_category: {type: categorical, values: [male, female_cadre, female_worker]}
responses:
  utter_x: [{text: x}]
  utter_ask_answer: [{text: q}]
  utter_ask_choice: [{text: q}]
  utter_ask_flag: [{text: q}]
  utter_ask_count: [{text: q}]
"""
HEAD = "flows:\n  demo:\n    description: d\n    steps:\n"
MARK = "# <-"


def case(steps: str, flows: str = "") -> str:
    """Build a flow file from the demo flow's steps and further flows."""
    return HEAD + textwrap.indent(textwrap.dedent(steps), "      ") + flows + TAIL


def marked_line(text: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if MARK in line]
    assert len(lines) == 1, "mark exactly one line with # <-"
    return lines[0]


INVALID = {
    "unknown next step": (
        case("- action: utter_x\n  next: nowhere  # <-\n"),
        "next names step 'nowhere', which does not exist",
    ),
    "unknown slot in collect": (
        case("- collect: colour  # <-\n"),
        "slot 'colour' is not declared",
    ),
    "unknown slot in condition": (
        case(
            '- collect: answer\n  next:\n    - if: slots.colour = "red"  # <-\n'
            "      then: END\n    - else: END\n"
        ),
        "slot 'colour' is not declared",
    ),
    "unknown response in action": (
        case("- action: utter_missing  # <-\n"),
        "response 'utter_missing' is not defined",
    ),
    "unknown action": (
        case("- action: action_check_balance  # <-\n"),
        "unknown action 'action_check_balance'",
    ),
    "unreachable step": (
        case("- action: utter_x\n  next: END\n- collect: answer  # <-\n"),
        "can never be reached",
    ),
    "loop without a question": (
        case(
            "- id: first  # <-\n  action: utter_x\n- id: second\n  action: utter_x\n"
            "  next: first\n"
        ),
        "form a loop that never waits for an answer",
    ),
    "loop through an answered question": (
        case("- id: ask  # <-\n  collect: answer\n- action: utter_x\n  next: ask\n"),
        "form a loop that never waits for an answer",
    ),
    "link not last": (
        case(
            "- action: utter_x\n- link: other  # <-\n- action: utter_x\n",
            "  other:\n    description: o\n    steps:\n      - action: utter_x\n",
        ),
        "a link step must be the last step of its list",
    ),
    "nested list without next": (
        case(
            "- collect: flag\n  next:\n    - if: slots.flag\n      then:\n"
            "        - action: utter_x  # <-\n    - else: END\n"
        ),
        "needs an explicit next",
    ),
    "branches without else": (
        case("- collect: flag\n  next:\n    - if: slots.flag  # <-\n      then: END\n"),
        "need an else as their last entry",
    ),
    "else before the last branch": (
        case(
            "- collect: flag\n  next:\n    - else: END  # <-\n"
            "    - if: slots.flag\n      then: END\n"
        ),
        "else must be the last branch",
    ),
    "categorical value not declared": (
        case(
            "- collect: choice\n"
            "  buttons: [{title: A, value: a}, {title: B, value: b}]\n"
            '  next:\n    - if: slots.choice = "c"  # <-\n      then: END\n'
            "    - else: END\n"
        ),
        "'c' is not a value of the categorical slot 'choice'",
    ),
    "mixed and/or": (
        case(
            "- collect: flag\n  next:\n"
            "    - if: slots.flag and slots.count > 1 or slots.count < 0  # <-\n"
            "      then: END\n    - else: END\n"
        ),
        "mixes 'and' and 'or'",
    ),
    "unquoted text in a condition": (
        case(
            "- collect: answer\n  next:\n    - if: slots.answer = yes  # <-\n"
            "      then: END\n    - else: END\n"
        ),
        "unknown name 'yes'",
    ),
    "rejection reads another slot": (
        case(
            "- collect: count\n  answer: number\n  rejections:\n"
            "    - if: slots.flag  # <-\n      utter: utter_x\n"
        ),
        "rejections may read only slots.count",
    ),
    "context key outside date rejections": (
        case(
            "- collect: count\n  answer: number\n  rejections:\n"
            "    - if: context.age_years > 3  # <-\n      utter: utter_x\n"
        ),
        "'context.age_years' is not available here",
    ),
    "config path not set": (
        case(
            "- collect: choice\n  buttons: [{title: A, value: a}]\n  next:\n"
            "    - if: config.lists.colours contains slots.choice  # <-\n"
            "      then: END\n    - else: END\n"
        ),
        "'config.lists.colours' is not set",
    ),
    "call of a flow with a link": (
        case(
            "- call: child  # <-\n",
            "  child:\n    description: c\n    steps:\n      - link: third\n"
            "  third:\n    description: t\n    steps:\n      - action: utter_x\n",
        ),
        "contains a link step, so it cannot be called",
    ),
    "unknown link target": (
        case("- link: elsewhere  # <-\n"),
        "flow 'elsewhere' does not exist",
    ),
    "flows calling each other": (
        case(
            "- call: child\n",
            "  child:  # <-\n    description: c\n    steps:\n      - call: demo\n",
        ),
        "call each other in a loop",
    ),
    "intent starting two flows": (
        case(
            "- action: utter_x\n",
            "  other:\n    description: o\n    nlu_trigger:\n"
            "      - intent: start_demo  # <-\n    steps:\n      - action: utter_x\n",
        ).replace(
            "    description: d\n",
            "    description: d\n    nlu_trigger:\n      - intent: start_demo\n",
            1,
        ),
        "intent 'start_demo' already starts flow 'demo'",
    ),
    "built-in action with a wrong slot type": (
        case("- action: action_compute_retirement_age  # <-\n").replace(
            "birth_date: {type: text}", "birth_date: {type: float}"
        ),
        "needs slot 'birth_date' of type text, not float",
    ),
    "built-in action with an undeclared slot": (
        case("- action: action_compute_retirement_age  # <-\n"),
        "slot 'retirement_age_text' is not declared",
    ),
    "button value of the wrong type": (
        case(
            "- collect: flag\n  buttons:  # <-\n    - {title: 是, value: 'yes'}\n"
            "    - {title: 否, value: false}\n"
        ),
        "the value must be true or false",
    ),
    "answer type that does not fit the slot": (
        case("- collect: answer  # <-\n  answer: number\n"),
        "answer: number fills float slots, but 'answer' is text",
    ),
    "choice without buttons": (
        case("- collect: choice\n  answer: choice  # <-\n"),
        "answer: choice needs buttons or buttons_from",
    ),
    "set_slots of an undeclared slot": (
        case("- set_slots:  # <-\n    - colour: red\n"),
        "slot 'colour' is not declared",
    ),
    "set_slots with a wrong type": (
        case("- set_slots:  # <-\n    - count: many\n"),
        "the value must be a number",
    ),
    "duplicate step id": (
        case("- id: same\n  action: utter_x\n- id: same  # <-\n  action: utter_x\n"),
        "duplicate step id 'same'",
    ),
    "unknown slot in a response": (
        case("- action: utter_x\n").replace(
            "  utter_x: [{text: x}]", "  utter_x: [{text: '{colour}'}]  # <-"
        ),
        "uses {colour}, which is not a declared slot",
    ),
    "persisted slot not declared": (
        case("- action: utter_x\n").replace(
            "    steps:\n", "    persisted_slots: [colour]  # <-\n    steps:\n", 1
        ),
        "slot 'colour' is not declared",
    ),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_validator_reports_error_with_line(make_folder: MakeFolder, name: str) -> None:
    text, message = INVALID[name]
    folder = make_folder(demo=text)

    flow_set, errors = load_folder(folder)

    assert flow_set is None
    located = [
        (e.file.rsplit("/", 1)[-1], e.line) for e in errors if message in e.message
    ]
    assert located, f"{message!r} not in {[str(e) for e in errors]}"
    assert ("demo.yml", marked_line(text)) in located


VALID = {
    "loop through a question asked every time": case(
        "- id: ask\n  collect: answer\n  ask_before_filling: true\n"
        "- action: utter_x\n  next: ask\n"
    ),
    "loop that clears the answer": case(
        "- id: ask\n  collect: answer\n- set_slots:\n    - answer: null\n  next: ask\n"
    ),
    "link to the handoff pattern": case(
        "- action: utter_x\n- link: pattern_human_handoff\n"
    ),
    "escaped braces in a response": case("- action: utter_x\n").replace(
        "  utter_x: [{text: x}]", "  utter_x: [{text: '{{not a slot}}'}]"
    ),
}


@pytest.mark.parametrize("name", list(VALID))
def test_validator_accepts(make_folder: MakeFolder, name: str) -> None:
    _, errors = load_folder(make_folder(demo=VALID[name]))

    assert errors == []


def test_validator_names_duplicate_files(make_folder: MakeFolder) -> None:
    first = case("- action: utter_x\n")
    second = (
        "flows:\n  demo:\n    description: again\n    steps:\n      - action: utter_y\n"
    )
    second += "responses:\n  utter_y: [{text: y}]\n"

    _, errors = load_folder(make_folder(a_first=first, b_second=second))

    assert len(errors) == 1
    assert errors[0].file.endswith("b_second.yml")
    assert errors[0].line == 2
    assert "flow 'demo' is already defined at" in errors[0].message
    assert "a_first.yml:2" in errors[0].message


def test_validator_lists_every_error(make_folder: MakeFolder) -> None:
    text = case("- action: utter_missing\n- collect: colour\n- link: elsewhere\n")

    _, errors = load_folder(make_folder(demo=text))

    assert [(e.line, e.message.split(" is ")[0]) for e in errors] == [
        (5, "response 'utter_missing'"),
        (6, "response 'utter_ask_colour'"),
        (6, "slot 'colour'"),
        (7, "flow 'elsewhere' does not exist"),
    ]
