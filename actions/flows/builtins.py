"""Built-in actions that flow steps may name besides responses.

Rasa custom actions run in the action server and cannot be called from this
engine, so a flow's `action:` names either a response or one of these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from actions.flows.retirement import statutory_retirement

ACTION_START_HANDOFF = "action_start_handoff"
ACTION_COMPUTE_RETIREMENT_AGE = "action_compute_retirement_age"
# CALM's handoff pattern; `link: pattern_human_handoff` hands off like the action.
HANDOFF_PATTERN = "pattern_human_handoff"


class BuiltinActionError(Exception):
    """A built-in action could not run with the slots it was given."""


@dataclass(frozen=True)
class BuiltinAction:
    """A built-in action and the slots it reads and writes, with their types."""

    name: str
    reads: dict[str, str] = field(default_factory=dict)
    writes: dict[str, str] = field(default_factory=dict)


BUILTIN_ACTIONS = {
    ACTION_START_HANDOFF: BuiltinAction(ACTION_START_HANDOFF),
    ACTION_COMPUTE_RETIREMENT_AGE: BuiltinAction(
        ACTION_COMPUTE_RETIREMENT_AGE,
        reads={"birth_date": "text", "retirement_category": "categorical"},
        writes={
            "retirement_age_text": "text",
            "retirement_month_text": "text",
            "original_retirement_age_text": "text",
            "retirement_delay_text": "text",
            "retirement_reached": "bool",
        },
    ),
}


def compute_retirement_slots(slots: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the slots that action_compute_retirement_age sets.

    Raises:
        BuiltinActionError: the birth date or the category is missing or invalid.
    """
    try:
        birth = date.fromisoformat(str(slots.get("birth_date")))
        age = statutory_retirement(birth, str(slots.get("retirement_category")))
    except ValueError as error:
        raise BuiltinActionError(str(error)) from error
    return {
        "retirement_age_text": age.age_text,
        "retirement_month_text": age.month_text,
        "original_retirement_age_text": f"{age.original_years}岁",
        "retirement_delay_text": age.delay_text,
        "retirement_reached": age.reached(today),
    }
