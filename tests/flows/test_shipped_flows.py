"""The three shipped procedures and their configuration."""

from __future__ import annotations

from actions.flows import FlowRegistry
from actions.flows.model import CollectStep


def test_shipped_flows_have_their_triggers(registry: FlowRegistry) -> None:
    flows = registry.current().flows

    triggers = {
        flow_id: [trigger.intent for trigger in flow.triggers]
        for flow_id, flow in flows.items()
    }

    assert triggers == {
        "family_account_sharing": ["start_family_sharing_guide"],
        "face_check_help": [],
        "pension_transfer": ["start_pension_transfer_guide"],
        "retirement_application": ["start_retirement_guide"],
    }


def test_shipped_flows_load_without_errors(registry: FlowRegistry) -> None:
    registry.current()

    assert registry.errors == []


def test_eligible_relations_are_configured(registry: FlowRegistry) -> None:
    config = registry.current().config

    eligible = config.data["family_sharing"]["eligible_relations"]
    titles = {
        option.value: option.title for option in config.options["family_relations"]
    }

    assert [titles[value] for value in eligible] == [
        "配偶",
        "父母",
        "子女",
        "配偶的父母",
    ]
    assert titles["other"] == "其他"


def test_every_question_is_a_single_message(registry: FlowRegistry) -> None:
    flow_set = registry.current()

    for flow in flow_set.flows.values():
        for step in flow.collect_steps():
            assert isinstance(step, CollectStep)
            assert len(flow_set.responses[step.utter].variations) == 1, step.id
