"""Rasa policy that hands every turn of a running flow to `action_run_flow`.

Rules cannot say "whatever the intent, while a flow runs", so this policy
does: it predicts `action_run_flow` when a flow is active (its state slot is
set) or when the latest message matches a flow's `nlu_trigger`, and listening
right after that action. Triggers are read from the flow files at prediction
time, so editing them needs no retraining. Its priority is above RulePolicy,
so a flow keeps the conversation until it ends.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from actions.flows.bridge import (
    ACTION_RUN_FLOW,
    FLOW_STATE_SLOT,
    shared_engine,
    turn_from_parse_data,
)
from actions.flows.errors import FlowLoadError

logger = logging.getLogger(__name__)

# Above RulePolicy's default priority of 6.
FLOW_POLICY_PRIORITY = 7


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class FlowPolicy(Policy):
    """Predict `action_run_flow` while a flow runs or a trigger matches."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the default configuration: only the priority."""
        return {"priority": FLOW_POLICY_PRIORITY}

    def train(
        self,
        training_trackers: list[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Learn nothing: the flow files decide, at prediction time."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Predict the flow action, listening after it, or nothing."""
        probabilities = self._default_predictions(domain)
        action = self._next_action(tracker)
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)

    def _next_action(self, tracker: DialogueStateTracker) -> str | None:
        if tracker.latest_action_name == ACTION_RUN_FLOW:
            return ACTION_LISTEN_NAME
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            return None
        if tracker.get_slot(FLOW_STATE_SLOT):
            return ACTION_RUN_FLOW
        message = tracker.latest_message
        if message is None:
            return None
        try:
            flow_id = shared_engine().trigger_for(
                turn_from_parse_data(message.parse_data), None
            )
        except FlowLoadError as error:
            logger.error("flow.policy.trigger_failed error=%s", error)
            return None
        return ACTION_RUN_FLOW if flow_id else None
