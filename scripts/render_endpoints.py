"""Write a Rasa endpoints file whose SQL tracker store comes from a URL.

Rasa 3.6 configures its SQL tracker store with separate dialect, host, port,
database, user and password keys, and fails on an unset environment variable
in endpoints.yml. `make run` therefore copies endpoints.yml with the
tracker store taken from TRACKER_STORE_URL, for example
postgresql://rasa:secret@127.0.0.1:5432/rasa, when that variable is set.
"""

from __future__ import annotations

import argparse
import sys
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


def main() -> int:
    """Parse arguments and write the endpoints file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", help="database URL of the tracker store")
    parser.add_argument("--template", type=Path, default=Path("endpoints.yml"))
    parser.add_argument("--output", type=Path, default=Path("var/endpoints.yml"))
    args = parser.parse_args()
    try:
        text = render(args.template, args.url)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} with the tracker store at {redact(args.url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
