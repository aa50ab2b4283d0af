"""Database engine and the session-per-request middleware."""

from __future__ import annotations

import json

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def create_engine(database_url: str) -> AsyncEngine:
    """Create the async engine; SQLite files get WAL and foreign keys on."""
    engine = create_async_engine(
        database_url, pool_pre_ping=True, json_serializer=_dump_json
    )
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    return engine


def _dump_json(value: object) -> str:
    # Keep Chinese as characters. An escape such as "\u53f7" ends in a digit,
    # and desk.privacy masks an ID number only after a non-digit.
    return json.dumps(value, ensure_ascii=False)


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # In WAL mode NORMAL still survives a crash of the desk process; only an
    # operating-system crash or power loss can lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_sessionmaker(
    engine: AsyncEngine, info: dict[str, object] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Return a session factory whose objects stay usable after commit.

    Each session starts with a copy of ``info``, such as the desk's event hub.
    """
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


def sync_url(database_url: str) -> str:
    """Return the synchronous driver URL that Alembic uses for a desk URL."""
    return database_url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")


__all__ = ["Engine", "create_engine", "create_sessionmaker", "sync_url"]
