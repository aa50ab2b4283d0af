"""The conversations migration matches the models and can be undone."""

from __future__ import annotations

import sqlite3

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from desk.migrations.runner import alembic_config
from desk.models import Base

CONVERSATION_TABLES = {"conversations", "messages", "handoff_tickets"}


def table_names(path) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_conversation_tables_match_models(database_path):
    engine = create_engine(f"sqlite:///{database_path}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()

    ours = [d for d in differences if CONVERSATION_TABLES & set(map(str, d))]
    assert ours == []


def test_conversations_migration_upgrades_and_downgrades(tmp_path):
    path = tmp_path / "round-trip.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")

    command.upgrade(config, "0001_conversations")
    created = table_names(path)
    command.downgrade(config, "base")
    dropped = table_names(path)

    assert CONVERSATION_TABLES <= created
    assert CONVERSATION_TABLES & dropped == set()
