"""Settings of the desk, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Longest message text the desk accepts, in characters. Longer text is rejected
# with HTTP 413 so the citizen can shorten it; nothing is stored.
MAX_MESSAGE_CHARS = 2000


def _default_database_url() -> str:
    return f"sqlite+aiosqlite:///{ROOT / 'var' / 'desk.db'}"


@dataclass(frozen=True)
class Settings:
    """Desk configuration; every field has an environment variable."""

    database_url: str = field(default_factory=_default_database_url)
    host: str = "127.0.0.1"
    port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    # Seconds the desk waits for Rasa before it apologises and offers a human.
    rasa_timeout: float = 2.5
    seeds_dir: Path = ROOT / "seeds"
    # Shared secret the action server sends in the X-Service-Token header.
    service_token: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from DESK_* variables, DATABASE_URL and RASA_URL."""
        env = os.environ
        defaults = cls()
        return cls(
            database_url=env.get("DATABASE_URL") or defaults.database_url,
            host=env.get("DESK_HOST", defaults.host),
            port=int(env.get("DESK_PORT", defaults.port)),
            rasa_url=env.get("RASA_URL", defaults.rasa_url).rstrip("/"),
            action_server_url=env.get(
                "ACTION_SERVER_URL", defaults.action_server_url
            ).rstrip("/"),
            rasa_timeout=float(env.get("DESK_RASA_TIMEOUT", defaults.rasa_timeout)),
            seeds_dir=Path(env.get("DESK_SEEDS_DIR", defaults.seeds_dir)),
            service_token=env.get("DESK_SERVICE_TOKEN", ""),
        )
