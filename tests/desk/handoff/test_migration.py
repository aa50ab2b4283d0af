"""The human-handoff migration matches the models and can be undone."""

from __future__ import annotations

import sqlite3

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from desk.migrations.runner import alembic_config
from desk.models import Base

HANDOFF_TABLES = {
    "agencies",
    "departments",
    "agents",
    "enterprises",
    "agent_sessions",
    "audit_log",
    "ticket_notes",
    "contacts",
    "ratings",
    "attachments",
}
CHANGED_TABLES = {"handoff_tickets", "messages"}


def table_columns(path) -> dict[str, set[str]]:
    with sqlite3.connect(path) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table'"
            )
        ]
        return {
            table: {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            for table in tables
        }


def test_handoff_tables_match_models(tmp_path):
    path = tmp_path / "desk.db"
    command.upgrade(alembic_config(f"sqlite+aiosqlite:///{path}"), "head")
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection), Base.metadata
        )
    engine.dispose()

    ours = [
        d for d in differences if (HANDOFF_TABLES | CHANGED_TABLES) & set(map(str, d))
    ]
    assert ours == []


def test_handoff_migration_downgrades_and_upgrades(tmp_path):
    path = tmp_path / "round-trip.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")

    command.upgrade(config, "0004_human_handoff")
    upgraded = table_columns(path)
    command.downgrade(config, "-1")
    downgraded = table_columns(path)
    command.upgrade(config, "head")

    assert HANDOFF_TABLES <= set(upgraded)
    assert HANDOFF_TABLES & set(downgraded) == set()
    assert {"queue", "assigned_to", "resolution"} <= upgraded["handoff_tickets"]
    assert "queue" not in downgraded["handoff_tickets"]
    assert "agent_name" not in downgraded["messages"]
    assert HANDOFF_TABLES <= set(table_columns(path))
