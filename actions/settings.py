"""Settings of the action server, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSettings:
    """Location of the desk and the token that authenticates to it."""

    desk_url: str
    service_token: str
    # Seconds to wait for the desk; Rasa itself waits about 10 s for an action.
    desk_timeout: float

    @classmethod
    def from_env(cls) -> ActionSettings:
        """Read DESK_URL, DESK_SERVICE_TOKEN and DESK_TIMEOUT."""
        return cls(
            desk_url=os.environ.get("DESK_URL", "http://127.0.0.1:8000").rstrip("/"),
            service_token=os.environ.get("DESK_SERVICE_TOKEN", ""),
            desk_timeout=float(os.environ.get("DESK_TIMEOUT", "3")),
        )
