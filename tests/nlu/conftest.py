"""Fixtures for the NLU data checks and the held-out accuracy test.

The accuracy test needs a trained model: the path in the ``RASA_MODEL``
environment variable, else the newest ``models/*.tar.gz`` of the repository.
"""

import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
TRAINING_DATA_DIRECTORY = REPOSITORY_ROOT / "data" / "nlu"
HELDOUT_FILE = Path(__file__).resolve().parent / "heldout.yml"
MODELS_DIRECTORY = REPOSITORY_ROOT / "models"


def normalize_text(text: str) -> str:
    """Fold width and case and drop whitespace, punctuation and symbols.

    Two utterances that differ only in spacing, punctuation, symbols such as
    ``～``, full-width forms or letter case normalize to the same string.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()

    return "".join(
        character
        for character in folded
        if not character.isspace()
        and not unicodedata.category(character).startswith(("P", "S"))
    )


def find_model_path() -> Path | None:
    """Return the model named by ``RASA_MODEL``, else the newest in ``models/``."""
    configured = os.environ.get("RASA_MODEL")
    if configured:
        return Path(configured)

    candidates = sorted(
        MODELS_DIRECTORY.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime
    )
    return candidates[-1] if candidates else None


@pytest.fixture(scope="session")
def normalize() -> Callable[[str], str]:
    """Text normalization used to compare utterances for near-verbatim copies."""
    return normalize_text


@pytest.fixture(scope="session")
def training_data() -> TrainingData:
    """NLU training examples from every file under ``data/nlu``."""
    return load_data(str(TRAINING_DATA_DIRECTORY))


@pytest.fixture(scope="session")
def heldout_data() -> TrainingData:
    """Held-out utterances, never part of the training data."""
    return load_data(str(HELDOUT_FILE))


@pytest.fixture(scope="session")
def model_path() -> Path | None:
    """Path of the trained model to evaluate, or None when there is none."""
    return find_model_path()
