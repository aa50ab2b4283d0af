"""Settings read from the environment: the Rasa timeouts."""

from __future__ import annotations

import pytest

from desk.settings import Settings


def test_late_timeout_defaults_to_30_s(monkeypatch):
    monkeypatch.delenv("DESK_RASA_TIMEOUT", raising=False)
    monkeypatch.delenv("DESK_RASA_LATE_TIMEOUT", raising=False)

    settings = Settings.from_env()

    assert settings.rasa_timeout == 2.5
    assert settings.rasa_late_timeout == 30.0


def test_timeouts_from_env(monkeypatch):
    monkeypatch.setenv("DESK_RASA_TIMEOUT", "4")
    monkeypatch.setenv("DESK_RASA_LATE_TIMEOUT", " 45.5 ")

    settings = Settings.from_env()

    assert settings.rasa_timeout == 4.0
    assert settings.rasa_late_timeout == 45.5


def test_late_timeout_equal_to_timeout_is_valid():
    settings = Settings(rasa_timeout=5, rasa_late_timeout=5)

    assert settings.rasa_late_timeout == 5


def test_late_timeout_below_timeout_is_rejected(monkeypatch):
    monkeypatch.setenv("DESK_RASA_TIMEOUT", "20")
    monkeypatch.setenv("DESK_RASA_LATE_TIMEOUT", "10")

    with pytest.raises(ValueError) as error:
        Settings.from_env()

    message = str(error.value)
    assert "DESK_RASA_LATE_TIMEOUT=10" in message
    assert "DESK_RASA_TIMEOUT=20" in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DESK_RASA_LATE_TIMEOUT", "abc"),
        ("DESK_RASA_LATE_TIMEOUT", "0"),
        ("DESK_RASA_LATE_TIMEOUT", "-5"),
        ("DESK_RASA_LATE_TIMEOUT", "nan"),
        ("DESK_RASA_LATE_TIMEOUT", "inf"),
        ("DESK_RASA_TIMEOUT", "2,5"),
        ("DESK_RASA_TIMEOUT", "0"),
    ],
)
def test_invalid_timeout_is_rejected(monkeypatch, name, value):
    monkeypatch.setenv(name, value)

    with pytest.raises(ValueError, match=name):
        Settings.from_env()
