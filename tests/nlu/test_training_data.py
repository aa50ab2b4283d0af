"""Size and uniqueness checks of the NLU training data under data/nlu."""

from collections import Counter, defaultdict
from collections.abc import Callable

import pytest
from rasa.shared.nlu.training_data.training_data import TrainingData

MINIMUM_TOPIC_EXAMPLES = 60

CONSULTATION_TOPIC_INTENTS = [
    "ask_contribution_payment",
    "ask_insurance_transfer",
    "ask_pension_benefits",
    "ask_retirement_approval",
    "ask_family_account_sharing",
    "ask_medical_insurance",
    "ask_social_security_card",
    "ask_work_injury",
    "ask_unemployment",
    "ask_other_agency",
]

# Selected by a button payload only, so typed examples would compete with the
# consultation intents.
PAYLOAD_ONLY_INTENTS = ["choose_kb_entry", "flow_answer", "flow_cancel"]


@pytest.mark.parametrize("intent", CONSULTATION_TOPIC_INTENTS)
def test_topic_intent_has_enough_examples(
    intent: str, training_data: TrainingData
) -> None:
    counts = Counter(message.get("intent") for message in training_data.intent_examples)

    assert counts[intent] >= MINIMUM_TOPIC_EXAMPLES, (
        f"{intent} has {counts[intent]} examples, "
        f"expected at least {MINIMUM_TOPIC_EXAMPLES}"
    )


@pytest.mark.parametrize("intent", PAYLOAD_ONLY_INTENTS)
def test_payload_only_intent_has_no_examples(
    intent: str, training_data: TrainingData
) -> None:
    assert intent not in training_data.intents


def test_training_examples_are_unique(
    training_data: TrainingData, normalize: Callable[[str], str]
) -> None:
    labels_by_text: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for message in training_data.intent_examples:
        text = message.get("text")
        labels_by_text[normalize(text)].append((text, message.get("intent")))

    duplicates = {
        key: labels for key, labels in labels_by_text.items() if len(labels) > 1
    }

    assert not duplicates, f"duplicate training examples: {duplicates}"
