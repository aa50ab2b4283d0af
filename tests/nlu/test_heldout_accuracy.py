"""Intent accuracy of the trained model on the held-out utterances."""

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.training_data import TrainingData

MINIMUM_ACCURACY = 0.90

Prediction = tuple[str, str, str, float]


def predict_intents(model_path: Path, heldout_data: TrainingData) -> list[Prediction]:
    """Parse every held-out utterance with the trained model.

    Returns (text, expected intent, predicted intent, confidence) per utterance.
    """
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    examples = [
        (message.get("text"), message.get("intent"))
        for message in heldout_data.intent_examples
    ]

    async def parse_all() -> list[Prediction]:
        predictions = []
        for text, expected in examples:
            result = await agent.parse_message(text)
            intent = result.get("intent") or {}
            predicted = intent.get("name") or ""
            confidence = float(intent.get("confidence") or 0.0)
            predictions.append((text, expected, predicted, confidence))
        return predictions

    return asyncio.run(parse_all())


def format_report(predictions: list[Prediction]) -> str:
    """Render per-intent accuracy and the misclassified utterances as text."""
    totals = Counter(expected for _, expected, _, _ in predictions)
    correct = Counter(
        expected for _, expected, predicted, _ in predictions if predicted == expected
    )
    lines = ["intent                        correct / total  accuracy"]
    for intent in sorted(totals):
        share = correct[intent] / totals[intent]
        lines.append(
            f"{intent:<30}{correct[intent]:>7} / {totals[intent]:<6}{share:>8.1%}"
        )

    errors = [
        prediction for prediction in predictions if prediction[2] != prediction[1]
    ]
    lines.append(f"misclassified utterances: {len(errors)}")
    for text, expected, predicted, confidence in errors:
        lines.append(
            f"  {text!r}: expected {expected}, got {predicted} ({confidence:.2f})"
        )
    return "\n".join(lines)


def test_heldout_intent_accuracy(
    model_path: Path | None, heldout_data: TrainingData
) -> None:
    if model_path is None:
        pytest.fail(
            "No trained model found: models/ contains no *.tar.gz and RASA_MODEL "
            "is not set. Run `make train` first, or set RASA_MODEL to the path "
            "of a model archive."
        )
    if not model_path.is_file():
        pytest.fail(
            f"Model archive not found: {model_path} (from RASA_MODEL). Run "
            "`make train` or point RASA_MODEL to an existing model archive."
        )

    heldout_predictions = predict_intents(model_path, heldout_data)
    # nlu_fallback never equals a label, so a fallback counts as a wrong prediction.
    correct = sum(
        1 for _, expected, predicted, _ in heldout_predictions if predicted == expected
    )
    total = len(heldout_predictions)
    accuracy = correct / total
    report = format_report(heldout_predictions)
    print(f"\nheld-out intent accuracy: {accuracy:.1%} ({correct}/{total})")
    print(report)

    assert accuracy >= MINIMUM_ACCURACY, (
        f"held-out intent accuracy {accuracy:.1%} is below "
        f"{MINIMUM_ACCURACY:.0%}\n{report}"
    )


def test_heldout_not_copied_from_training(
    training_data: TrainingData,
    heldout_data: TrainingData,
    normalize: Callable[[str], str],
) -> None:
    training_texts = {
        normalize(message.get("text")) for message in training_data.intent_examples
    }
    copied = [
        message.get("text")
        for message in heldout_data.intent_examples
        if normalize(message.get("text")) in training_texts
    ]

    assert not copied, f"held-out utterances also found in data/nlu: {copied}"


def test_heldout_intents_exist_in_training(
    training_data: TrainingData, heldout_data: TrainingData
) -> None:
    unknown = sorted(heldout_data.intents - training_data.intents)

    assert not unknown, f"held-out intents without training examples: {unknown}"


def test_heldout_covers_every_trained_intent(
    training_data: TrainingData, heldout_data: TrainingData
) -> None:
    uncovered = sorted(training_data.intents - heldout_data.intents)

    assert not uncovered, f"trained intents missing from heldout.yml: {uncovered}"
