"""The `desk set-password` and `desk demo-passwords` commands."""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path

from desk.db import create_engine, create_sessionmaker
from desk.organisation.passwords import (
    DemoPasswords,
    PasswordError,
    check_new_password,
    create_demo_passwords,
    set_password,
)
from desk.settings import Settings


def set_password_command(settings: Settings, username: str) -> int:
    """Read a password, store its hash for ``username`` and return the exit status.

    A terminal is prompted twice without echo. Otherwise the first line of
    standard input is the password, so scripts can pipe it in.
    """
    try:
        password = read_new_password()
        asyncio.run(_store_password(settings, username, password))
    except PasswordError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Password of {username} set.")
    return 0


def read_new_password() -> str:
    """Return a new password from the terminal (asked twice) or standard input.

    Raises:
        PasswordError: the two entries differ or the password is too short.
    """
    if sys.stdin.isatty():
        password = getpass.getpass("New password: ")
        if getpass.getpass("Repeat it: ") != password:
            raise PasswordError("the two passwords differ; nothing was changed")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    check_new_password(password)
    return password


async def _store_password(settings: Settings, username: str, password: str) -> None:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            await set_password(session=session, username=username, password=password)
    finally:
        await engine.dispose()


def demo_passwords_command(settings: Settings, output: Path) -> int:
    """Give agents without a password a random one and print the file's path."""
    result = asyncio.run(_create_demo_passwords(settings, output))
    print(f"{len(result.created)} new demo passwords; all are listed in {result.path}")
    return 0


async def _create_demo_passwords(settings: Settings, output: Path) -> DemoPasswords:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await create_demo_passwords(session=session, path=output)
    finally:
        await engine.dispose()
