"""Guided procedures ("flows") written in a subset of Rasa Pro CALM's format.

The engine is plain Python: given the flows, the stored engine state and one
citizen turn, ``FlowEngine`` returns what to say and the new state. The file
format is described in flows/README.md.
"""

from actions.flows.errors import FlowError, FlowLoadError
from actions.flows.registry import FlowRegistry
from actions.flows.runner import FlowEngine
from actions.flows.turns import FlowReply, TurnResult, UserTurn

__all__ = [
    "FlowEngine",
    "FlowError",
    "FlowLoadError",
    "FlowRegistry",
    "FlowReply",
    "TurnResult",
    "UserTurn",
]
