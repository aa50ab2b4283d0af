"""Agent passwords: Argon2 hashes, `desk set-password` and `desk demo-passwords`."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.models.organisation import Agent

logger = logging.getLogger(__name__)

# argon2-cffi's defaults (Argon2id, 64 MiB, 3 passes) follow RFC 9106's
# second recommended option.
_hasher = PasswordHasher()
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 256
# Verified for unknown usernames, so that they take as long as wrong passwords.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class PasswordError(ValueError):
    """A password or username that `desk set-password` cannot use."""


def hash_password(password: str) -> str:
    """Return the Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether ``password`` matches the hash; None never matches.

    A missing hash is checked against a dummy hash all the same, so that the
    time taken does not tell whether the agent has a password.
    """
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str) -> None:
    """Raise PasswordError unless ``password`` is long enough and printable."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordError(
            f"the password has {len(password)} characters; use at least "
            f"{MIN_PASSWORD_CHARS}"
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise PasswordError(
            f"the password has {len(password)} characters; use at most "
            f"{MAX_PASSWORD_CHARS}"
        )
    if not password.isprintable():
        raise PasswordError("the password contains a control character or newline")


async def set_password(*, session: AsyncSession, username: str, password: str) -> None:
    """Store the hash of a new password for ``username`` and commit.

    Raises:
        PasswordError: the agent does not exist or the password is too short.
    """
    check_new_password(password)
    agent = await session.get(Agent, username)
    if agent is None:
        raise PasswordError(
            f"no agent {username!r}; agents come from seeds/organisation.yml "
            "(run `desk load-seeds` after adding one)"
        )
    agent.password_hash = hash_password(password)
    await session.commit()
    logger.info("agent.password.set agent=%s", username)


@dataclass(frozen=True)
class DemoPasswords:
    """Result of `desk demo-passwords`: who got a password and the file."""

    created: list[str]
    path: Path


async def create_demo_passwords(*, session: AsyncSession, path: Path) -> DemoPasswords:
    """Give every agent without a password a random one and list them in ``path``.

    The file keeps earlier lines of agents that still exist, holds one
    "username password" line per agent, and is written with mode 600.
    A password changed later with `desk set-password` makes its line stale.
    """
    agents = (await session.scalars(select(Agent).order_by(Agent.username))).all()
    known = read_password_file(path)
    created = []
    for agent in agents:
        if agent.password_hash is None:
            password = secrets.token_urlsafe(12)
            agent.password_hash = hash_password(password)
            known[agent.username] = password
            created.append(agent.username)
    await session.commit()

    usernames = {agent.username for agent in agents}
    lines = [f"{name} {known[name]}\n" for name in sorted(known) if name in usernames]
    write_private_file(path, "".join(lines))
    logger.info("agent.password.demo created=%d path=%s", len(created), path)
    return DemoPasswords(created=created, path=path)


def read_password_file(path: Path) -> dict[str, str]:
    """Return the "username password" pairs of an earlier demo-passwords file."""
    if not path.exists():
        return {}
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        username, _, password = line.strip().partition(" ")
        if username and password:
            pairs[username] = password
    return pairs


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable and writable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # os.open's mode applies only to new files, so an older file is fixed too.
    os.chmod(path, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
