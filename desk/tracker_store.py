"""Rasa SQL tracker-store settings from a database URL.

Rasa 3.6 configures its SQL tracker store with separate dialect, host, port,
database, user and password keys rather than one URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

SUPPORTED_DIALECTS = ("postgresql", "sqlite")


def tracker_store_from_url(url: str) -> dict[str, Any]:
    """Return Rasa's SQL tracker-store settings for a database URL.

    Raises:
        ValueError: the URL's scheme is not a supported dialect or it has no
            database name.
    """
    parts = urlsplit(url)
    dialect = parts.scheme.split("+", 1)[0]
    if dialect not in SUPPORTED_DIALECTS:
        raise ValueError(
            f"TRACKER_STORE_URL scheme {parts.scheme!r} is not supported; "
            f"use one of {', '.join(SUPPORTED_DIALECTS)}"
        )
    # As in SQLAlchemy URLs, the path after the first slash is the database:
    # a name for PostgreSQL, a relative or (with "////") absolute file for SQLite.
    database = unquote(parts.path[1:])
    if not database:
        raise ValueError(
            f"TRACKER_STORE_URL {redact(url)} has no database name; "
            "add it as the path, e.g. postgresql://user@host/rasa"
        )
    settings: dict[str, Any] = {"type": "SQL", "dialect": dialect, "db": database}
    if parts.hostname:
        settings["url"] = parts.hostname
    if parts.port:
        settings["port"] = parts.port
    if parts.username:
        settings["username"] = unquote(parts.username)
    if parts.password:
        settings["password"] = unquote(parts.password)
    return settings


def redact(url: str) -> str:
    """Return ``url`` with its password replaced by ``***``."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def render(template: Path, url: str) -> str:
    """Return the endpoints file ``template`` with the tracker store from ``url``."""
    with template.open(encoding="utf-8") as handle:
        endpoints = yaml.safe_load(handle) or {}
    endpoints["tracker_store"] = tracker_store_from_url(url)
    return yaml.safe_dump(endpoints, allow_unicode=True, sort_keys=False)
