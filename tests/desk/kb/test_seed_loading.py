"""Tests of loading seeds into the database: counts, idempotency, deletion."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, text

from desk.db import sync_url
from desk.kb.errors import SeedError
from desk.seeds import load_seeds_from_dir
from desk.settings import Settings


def load(settings: Settings) -> dict[str, int]:
    return asyncio.run(load_seeds_from_dir(settings))


def table_rows(database_url: str, table: str) -> list[dict[str, Any]]:
    engine = create_engine(sync_url(database_url))
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
    engine.dispose()
    return [dict(row._mapping) for row in rows]


def edit_entries(seeds_dir: Path, file_name: str, edit: Any) -> None:
    path = seeds_dir / "kb" / file_name
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(document["entries"])
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


def test_first_load_inserts_everything(kb_loaded: dict[str, int]) -> None:
    assert kb_loaded == {
        "entries.inserted": 9,
        "entries.updated": 0,
        "entries.unchanged": 0,
        "entries.deleted": 0,
        "entries.kept": 0,
        "notices.inserted": 2,
        "notices.updated": 0,
        "notices.unchanged": 0,
        "notices.deleted": 0,
        "guides.inserted": 1,
        "guides.updated": 0,
        "guides.unchanged": 0,
        "guides.deleted": 0,
    }


def test_second_load_changes_nothing(
    kb_settings: Settings, kb_loaded: dict[str, int]
) -> None:
    tables = ("kb_entries", "notices", "guides")
    before = {table: table_rows(kb_settings.database_url, table) for table in tables}

    counts = load(kb_settings)

    assert counts["entries.unchanged"] == 9
    assert counts["notices.unchanged"] == 2
    assert counts["guides.unchanged"] == 1
    changed = {key: value for key, value in counts.items() if "unchanged" not in key}
    assert set(changed.values()) == {0}
    for table in tables:
        assert table_rows(kb_settings.database_url, table) == before[table]


def test_changed_entry_is_updated(
    kb_settings: Settings, kb_loaded: dict[str, int]
) -> None:
    def change_answer(entries: list[dict[str, Any]]) -> None:
        entries[0]["answer"] = "新的回答。"

    edit_entries(kb_settings.seeds_dir, "pension_benefits.yml", change_answer)

    counts = load(kb_settings)

    assert counts["entries.updated"] == 1
    assert counts["entries.unchanged"] == 8
    rows = table_rows(kb_settings.database_url, "kb_entries")
    answers = {row["id"]: row["answer"] for row in rows}
    assert answers["pension_benefits.001"] == "新的回答。"


def test_removed_entry_is_deleted(
    kb_settings: Settings, kb_loaded: dict[str, int]
) -> None:
    def drop_last(entries: list[dict[str, Any]]) -> None:
        entries.pop()

    edit_entries(kb_settings.seeds_dir, "pension_benefits.yml", drop_last)

    counts = load(kb_settings)

    assert counts["entries.deleted"] == 1
    ids = [row["id"] for row in table_rows(kb_settings.database_url, "kb_entries")]
    assert "pension_benefits.003" not in ids
    assert len(ids) == 8


def test_removed_file_deletes_notices(
    kb_settings: Settings, kb_loaded: dict[str, int]
) -> None:
    (kb_settings.seeds_dir / "notices.yml").unlink()

    counts = load(kb_settings)

    assert counts["notices.deleted"] == 2
    assert table_rows(kb_settings.database_url, "notices") == []


def test_invalid_seeds_write_nothing(
    kb_settings: Settings, kb_loaded: dict[str, int]
) -> None:
    before = table_rows(kb_settings.database_url, "kb_entries")

    def break_and_change(entries: list[dict[str, Any]]) -> None:
        entries[0]["answer"] = "这次改动不能写进数据库。"
        entries[1]["phrasings"] = ["只有一个"]

    edit_entries(kb_settings.seeds_dir, "pension_benefits.yml", break_and_change)

    with pytest.raises(SeedError, match="'phrasings' needs at least 2 items"):
        load(kb_settings)
    assert table_rows(kb_settings.database_url, "kb_entries") == before


def test_unmigrated_database_is_reported(tmp_path: Path, kb_seeds_dir: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}",
        seeds_dir=kb_seeds_dir,
    )

    with pytest.raises(SeedError, match="run `desk migrate` first"):
        load(settings)
