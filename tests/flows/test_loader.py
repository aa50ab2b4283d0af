"""Loading flow files: schema, CALM features this runner rejects, step building."""

from __future__ import annotations

import pytest

from actions.flows.errors import FlowError
from actions.flows.loader import load_folder
from actions.flows.model import END, CollectStep, FlowSet
from tests.flows.conftest import MakeFolder

BASE = """\
flows:
  demo:
    description: demo flow
    steps:
      - collect: answer
        {extra}
slots:
  answer:
    type: text
responses:
  utter_ask_answer:
    - text: 请回答
"""


def load(make_folder: MakeFolder, text: str) -> tuple[FlowSet | None, list[FlowError]]:
    return load_folder(make_folder(demo=text))


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ("description: the answer", "guide an LLM slot filler"),
        ("silence_timeout: 10", "voice channels only"),
        ("dtmf: {length: 4}", "voice channels only"),
        ("metadata: {owner: me}", "YAML comments"),
        ("exit_if: [slots.answer]", "sub agents"),
    ],
)
def test_loader_rejects_unsupported_step_keys(
    make_folder: MakeFolder, extra: str, reason: str
) -> None:
    flow_set, errors = load(make_folder, BASE.format(extra=extra))

    assert flow_set is None
    assert len(errors) == 1
    assert errors[0].file.endswith("demo.yml")
    assert errors[0].line == 6
    assert reason in errors[0].message
    assert "is not supported" in errors[0].message


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            "flows:\n  demo:\n    description: d\n    always_include_in_prompt: true\n"
            "    steps:\n      - action: utter_x\n",
            4,
            "LLM prompt",
        ),
        (
            "flows:\n  demo:\n    description: d\n    run_pattern_completed: false\n"
            "    steps:\n      - action: utter_x\n",
            4,
            "pattern_completed",
        ),
        (
            "intents: [greet]\nflows:\n  demo:\n    description: d\n"
            "    steps:\n      - action: utter_x\n",
            1,
            "domain keys belong in domain/",
        ),
        (
            "flows:\n  demo:\n    description: d\n    steps:\n      - action: utter_x\n"
            "slots:\n  x:\n    type: text\n    mappings: [{type: from_text}]\n",
            9,
            "slot mappings do not run",
        ),
        (
            "flows:\n  demo:\n    description: d\n    steps:\n      - action: utter_x\n"
            "slots:\n  x:\n    type: list\n",
            8,
            "slot type 'list' is not supported",
        ),
        (
            "flows:\n  demo:\n    description: d\n    steps:\n      - action: utter_x\n"
            "responses:\n  utter_x:\n    - text: hi\n      channel: socketio\n",
            9,
            "channel-specific",
        ),
        (
            "flows:\n  pattern_chitchat:\n    description: d\n    steps:\n"
            "      - action: utter_x\n",
            2,
            "reserved",
        ),
    ],
)
def test_loader_rejects_unsupported_calm_features(
    make_folder: MakeFolder, text: str, line: int, reason: str
) -> None:
    _, errors = load(make_folder, text)

    assert any(e.line == line and reason in e.message for e in errors), errors


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ("colect_typo: true", 6, "unknown key 'colect_typo'"),
        ("ask_before_filling: yes please", 6, "is not of type 'boolean'"),
        ("answer: free", 6, "is not one of"),
        ("action: utter_x", 5, "has exactly one of the keys"),
    ],
)
def test_loader_reports_schema_errors_with_line(
    make_folder: MakeFolder, extra: str, line: int, message: str
) -> None:
    _, errors = load(make_folder, BASE.format(extra=extra))

    assert any(e.line == line and message in e.message for e in errors), errors


def test_loader_requires_a_step_kind(make_folder: MakeFolder) -> None:
    text = "flows:\n  demo:\n    description: d\n    steps:\n      - id: lonely\n"

    _, errors = load(make_folder, text)

    assert [(e.line, e.message) for e in errors] == [
        (5, "a step needs one of the keys action, collect, set_slots, link, call, noop")
    ]


def test_loader_requires_next_on_noop(make_folder: MakeFolder) -> None:
    text = "flows:\n  demo:\n    description: d\n    steps:\n      - noop: true\n"

    _, errors = load(make_folder, text)

    assert any(
        e.line == 5 and "'next' is a required property" in e.message for e in errors
    )


def test_loader_reports_missing_config(make_folder: MakeFolder) -> None:
    folder = make_folder(demo=BASE.format(extra=""))
    (folder / "config.yml").unlink()

    _, errors = load_folder(folder)

    assert errors[0].file.endswith("config.yml")
    assert "missing config.yml" in errors[0].message


def test_loader_reports_invalid_config(make_folder: MakeFolder) -> None:
    folder = make_folder(demo=BASE.format(extra=""))
    (folder / "config.yml").write_text("engine: {}\nrepair: {}\n", "utf-8")

    _, errors = load_folder(folder)

    assert all(error.file.endswith("config.yml") for error in errors)
    assert any("'texts' is a required property" in error.message for error in errors)


def test_loader_builds_ids_and_implicit_next(make_folder: MakeFolder) -> None:
    text = """\
    flows:
      demo:
        description: d
        steps:
          - action: utter_x
          - id: ask
            collect: answer
            next:
              - if: slots.answer = "a"
                then:
                  - action: utter_x
                    next: END
              - else:
                  - set_slots:
                      - answer: null
                    next: ask
    slots:
      answer:
        type: text
    responses:
      utter_x:
        - text: x
      utter_ask_answer:
        - text: q
    """

    flow_set, errors = load(make_folder, text)

    assert errors == []
    flow = flow_set.flows["demo"]
    assert list(flow.steps) == [
        "1_action_utter_x",
        "ask",
        "3_action_utter_x",
        "4_set_slots",
    ]
    assert flow.first_step == "1_action_utter_x"
    assert flow.steps["1_action_utter_x"].next == "ask"
    branches = flow.steps["ask"].next
    assert [(b.condition, b.target) for b in branches] == [
        ('slots.answer = "a"', "3_action_utter_x"),
        (None, "4_set_slots"),
    ]
    assert flow.steps["3_action_utter_x"].next == END
    assert flow.steps["4_set_slots"].next == "ask"


def test_loader_accepts_a_bare_nested_step_list(make_folder: MakeFolder) -> None:
    text = """\
    flows:
      demo:
        description: d
        steps:
          - collect: answer
            next:
              - action: utter_x
                next: END
    slots:
      answer:
        type: text
    responses:
      utter_x:
        - text: x
      utter_ask_answer:
        - text: q
    """

    flow_set, errors = load(make_folder, text)

    assert errors == []
    branches = flow_set.flows["demo"].steps["1_collect_answer"].next
    assert [(b.condition, b.target) for b in branches] == [(None, "2_action_utter_x")]


def test_loader_resolves_buttons_from_config(make_folder: MakeFolder) -> None:
    text = BASE.format(extra="buttons_from: family_relations").replace(
        "type: text",
        "type: categorical\n    values: [spouse, parent, child, "
        "spouse_parent, sibling, grandparent, grandchild, other]",
    )

    flow_set, errors = load(make_folder, text)

    assert errors == []
    step = flow_set.flows["demo"].steps["1_collect_answer"]
    assert isinstance(step, CollectStep)
    assert step.answer == "choice"
    assert [option.title for option in step.options][:2] == ["配偶", "父母"]


def test_loader_rejects_unknown_buttons_from(make_folder: MakeFolder) -> None:
    _, errors = load(make_folder, BASE.format(extra="buttons_from: colours"))

    assert [e.line for e in errors] == [6]
    assert "buttons_from names 'colours'" in errors[0].message


def test_loader_reads_guard_and_triggers(make_folder: MakeFolder) -> None:
    text = """\
    flows:
      demo:
        description: d
        if: false
        nlu_trigger:
          - intent: start_demo
          - intent:
              name: start_demo_too
              confidence_threshold: 0.6
        steps:
          - action: utter_x
    responses:
      utter_x:
        - text: x
    """

    flow_set, errors = load(make_folder, text)

    assert errors == []
    flow = flow_set.flows["demo"]
    assert flow.guard == "false"
    assert [(t.intent, t.confidence_threshold) for t in flow.triggers] == [
        ("start_demo", None),
        ("start_demo_too", 0.6),
    ]
