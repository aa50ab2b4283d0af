"""Settings of the desk, read once from the environment."""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

# Longest message text the desk accepts, in characters. Longer text is rejected
# with HTTP 413 so the citizen can shorten it; nothing is stored.
MAX_MESSAGE_CHARS = 2000

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

# Ports that browsers leave out of an Origin header.
DEFAULT_PORTS = {"http": 80, "https": 443}
# Host name of an origin: letters, digits, dots and hyphens (urlsplit's
# ``hostname`` is lowercase already).
HOST_NAME = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
ORIGIN_EXAMPLE = "https://www.taian.gov.cn or http://127.0.0.1:8080"


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
    # Seconds the desk waits for Rasa before it answers the citizen without
    # the bot: with a notice while the call goes on, or with an apology.
    rasa_timeout: float = 2.5
    # Seconds from the start of a call to Rasa until the desk stops waiting
    # for a late reply and stores an apology. At least rasa_timeout.
    rasa_late_timeout: float = 30.0
    seeds_dir: Path = ROOT / "seeds"
    # Load changed seed files into the database while serving (desk.kb.watcher).
    watch_seeds: bool = False
    # Seconds between two checks of the seed files when watch_seeds is on.
    watch_interval: float = 2.0
    # Shared secret the action server sends in the X-Service-Token header.
    service_token: str = ""
    # Token of Rasa's HTTP API, for the tracker event sent when a ticket closes.
    rasa_auth_token: str = ""
    # An agent session ends after this many seconds without a request.
    session_idle_seconds: int = 8 * 3600
    # Seconds after an agent's last console WebSocket closes before the agent
    # counts as offline; a reload of the console reconnects well within them.
    presence_grace_seconds: float = 60.0
    # Send the session cookie with the Secure flag; turn on behind HTTPS.
    cookie_secure: bool = False
    # Rate limits of the citizen endpoints, per minute.
    messages_per_minute: int = 30
    requests_per_minute: int = 120
    conversations_per_minute: int = 10
    # Origins of other sites whose pages may embed the widget and call the
    # citizen API (desk.services.cors), as browsers write them in the Origin
    # header. When empty, only the desk's own pages may use the widget.
    widget_origins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Check the Rasa timeouts.

        Raises:
            ValueError: a timeout is not a positive number of seconds, or
                rasa_late_timeout is lower than rasa_timeout.
        """
        _check_seconds("DESK_RASA_TIMEOUT", self.rasa_timeout)
        _check_seconds("DESK_RASA_LATE_TIMEOUT", self.rasa_late_timeout)
        if self.rasa_late_timeout < self.rasa_timeout:
            raise ValueError(
                f"DESK_RASA_LATE_TIMEOUT={self.rasa_late_timeout:g} is lower than "
                f"DESK_RASA_TIMEOUT={self.rasa_timeout:g}; the late timeout counts "
                "from the same start, so set it to at least the Rasa timeout"
            )

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from DESK_* variables, DATABASE_URL and RASA_URL.

        Raises:
            ValueError: a variable has a value of the wrong type,
                DESK_WIDGET_ORIGINS contains an invalid origin, or the Rasa
                timeouts are invalid (see ``__post_init__``).
        """
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
            rasa_timeout=_seconds(env, "DESK_RASA_TIMEOUT", defaults.rasa_timeout),
            rasa_late_timeout=_seconds(
                env, "DESK_RASA_LATE_TIMEOUT", defaults.rasa_late_timeout
            ),
            seeds_dir=Path(env.get("DESK_SEEDS_DIR", defaults.seeds_dir)),
            watch_seeds=_flag(env, "DESK_WATCH_SEEDS", defaults.watch_seeds),
            watch_interval=float(
                env.get("DESK_WATCH_INTERVAL", defaults.watch_interval)
            ),
            service_token=env.get("DESK_SERVICE_TOKEN", ""),
            rasa_auth_token=env.get("RASA_AUTH_TOKEN", ""),
            session_idle_seconds=int(
                env.get("DESK_SESSION_IDLE_SECONDS", defaults.session_idle_seconds)
            ),
            presence_grace_seconds=float(
                env.get("DESK_PRESENCE_GRACE_SECONDS", defaults.presence_grace_seconds)
            ),
            cookie_secure=_flag(env, "DESK_COOKIE_SECURE", defaults.cookie_secure),
            messages_per_minute=int(
                env.get("DESK_MESSAGES_PER_MINUTE", defaults.messages_per_minute)
            ),
            requests_per_minute=int(
                env.get("DESK_REQUESTS_PER_MINUTE", defaults.requests_per_minute)
            ),
            conversations_per_minute=int(
                env.get(
                    "DESK_CONVERSATIONS_PER_MINUTE", defaults.conversations_per_minute
                )
            ),
            widget_origins=parse_origins(
                "DESK_WIDGET_ORIGINS", env.get("DESK_WIDGET_ORIGINS", "")
            ),
        )


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """Return the boolean environment variable ``name``.

    Raises:
        ValueError: the value is not one of 1, 0, true, false, yes, no, on, off.
    """
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueError(
        f"{name}={value!r} is not a boolean; use 1 or 0 (true/false, yes/no, "
        "on/off also work)"
    )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """Return the environment variable ``name`` as seconds.

    Raises:
        ValueError: the value is not a number.
    """
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"{name}={value!r} is not a number; write seconds such as 2.5"
        ) from None


def _check_seconds(name: str, value: float) -> None:
    """Raise ValueError unless ``value`` is a positive, finite number of seconds."""
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"{name}={value!r} is invalid; write a positive number of seconds, "
            "such as 2.5"
        )


def parse_origins(name: str, value: str) -> tuple[str, ...]:
    """Return the comma-separated origins of ``value`` in the form browsers send.

    Scheme and host are lowercased and a default port is dropped, so
    ``HTTPS://WWW.Taian.gov.cn:443`` becomes ``https://www.taian.gov.cn``.
    Blank items, such as after a trailing comma, are skipped.

    Raises:
        ValueError: an item is not an http or https origin; the message names
            ``name``, the item and a valid example.
    """
    origins: list[str] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            origin = _normalise_origin(item)
        except ValueError as problem:
            raise ValueError(
                f"{name}: {item!r} is not a valid origin because {problem}. Write "
                f"scheme, host and optional port, such as {ORIGIN_EXAMPLE}, and "
                "separate several origins with commas."
            ) from None
        if origin not in origins:
            origins.append(origin)
    return tuple(origins)


def _normalise_origin(item: str) -> str:
    """Return ``item`` as a browser's Origin header writes it.

    Raises:
        ValueError: ``item`` is not an origin, with the reason as message.
    """
    if item == "*":
        raise ValueError("a wildcard is not allowed, so list each site")
    parts = urlsplit(item)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError("the scheme must be http or https")
    if not parts.hostname:
        raise ValueError("the host is missing")
    if parts.username is not None or parts.password is not None:
        raise ValueError("a user name or password is not allowed")
    if parts.path == "/":
        raise ValueError("it ends with a slash, which an origin never has")
    if parts.path or parts.query or parts.fragment or item.endswith(("?", "#")):
        raise ValueError("a path, query or fragment is not allowed")
    host = _origin_host(parts.hostname)
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ValueError("the port must be a number from 1 to 65535")
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _origin_host(hostname: str) -> str:
    """Return a lowercased host name, or an IPv6 address in brackets.

    Raises:
        ValueError: the host is not ASCII or not a valid name or address.
    """
    if not hostname.isascii():
        raise ValueError(
            "the host is not ASCII; write an internationalised domain name in "
            "its xn-- (Punycode) form, as browsers send it"
        )
    if ":" in hostname:
        try:
            return f"[{ipaddress.IPv6Address(hostname).compressed}]"
        except ValueError:
            raise ValueError(f"{hostname!r} is not an IPv6 address") from None
    if not HOST_NAME.match(hostname):
        raise ValueError(f"{hostname!r} is not a valid host name")
    return hostname
