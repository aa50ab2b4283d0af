"""Readers of the citizen's latest message in a tracker."""

from __future__ import annotations

from rasa_sdk import Tracker


def latest_text(tracker: Tracker) -> str:
    """Return the text of the citizen's latest message, stripped."""
    return (tracker.latest_message.get("text") or "").strip()


def latest_intent(tracker: Tracker) -> str | None:
    """Return the intent Rasa chose for the latest message.

    Unlike ``Tracker.get_intent_of_latest_message`` this does not skip
    ``nlu_fallback`` and does not depend on the intent ranking, which button
    payloads carry only partly.
    """
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name")
