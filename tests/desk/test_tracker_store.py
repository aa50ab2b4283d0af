"""Rasa tracker-store settings rendered from a database URL."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from desk.tracker_store import redact, render, tracker_store_from_url

ROOT = Path(__file__).resolve().parents[2]


def test_postgresql_url_gives_every_field() -> None:
    settings = tracker_store_from_url("postgresql://rasa:s%40cret@db.local:5433/bot")

    assert settings == {
        "type": "SQL",
        "dialect": "postgresql",
        "db": "bot",
        "url": "db.local",
        "port": 5433,
        "username": "rasa",
        "password": "s@cret",
    }


@pytest.mark.parametrize(
    ("url", "database"),
    [
        ("sqlite:///var/tracker.db", "var/tracker.db"),
        ("sqlite:////tmp/t.db", "/tmp/t.db"),
    ],
)
def test_sqlite_url_gives_file(url: str, database: str) -> None:
    assert tracker_store_from_url(url)["db"] == database


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "postgresql://u@h", "redis://h:6379/0"]
)
def test_unsupported_or_incomplete_url_is_rejected(url: str) -> None:
    with pytest.raises(ValueError, match="TRACKER_STORE_URL"):
        tracker_store_from_url(url)


def test_error_hides_password() -> None:
    with pytest.raises(ValueError) as error:
        tracker_store_from_url("postgresql://rasa:topsecret@h:5432")

    assert "topsecret" not in str(error.value)
    assert redact("postgresql://rasa:topsecret@h/db") == "postgresql://rasa:***@h/db"


def test_render_keeps_action_endpoint() -> None:
    text = render(ROOT / "endpoints.yml", "postgresql://rasa@127.0.0.1/rasa")
    endpoints = yaml.safe_load(text)

    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
