"""Tests of `desk export-kb`: seed files written back from the database."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from desk.cli import main
from desk.db import create_engine, create_sessionmaker
from desk.kb.edits import save_entry
from desk.kb.errors import SeedError
from desk.kb.schema import EntrySeed
from desk.kb.seed_files import read_seed_dir
from desk.migrations.runner import upgrade_to_head
from desk.models.kb import KnowledgeEntry
from desk.seeds import export_to_dir, load_seeds_from_dir
from desk.settings import Settings

from .conftest import REAL_SEEDS


def export(settings: Settings, target_dir: Path) -> list[Path]:
    return asyncio.run(export_to_dir(settings, target_dir)).files


def load(settings: Settings, seeds_dir: Path) -> dict[str, int]:
    return asyncio.run(load_seeds_from_dir(replace(settings, seeds_dir=seeds_dir)))


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {key: value for key, value in counts.items() if value}


def entry_id(entry: EntrySeed) -> str:
    return entry.id


def test_export_round_trip_reports_unchanged(
    kb_settings: Settings, kb_loaded: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "export"

    export(kb_settings, target)
    counts = load(kb_settings, target)

    assert nonzero(counts) == {
        "entries.unchanged": 9,
        "notices.unchanged": 2,
        "guides.unchanged": 1,
    }


def test_exported_files_equal_the_seeds(
    kb_settings: Settings, kb_loaded: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "export"

    export(kb_settings, target)

    exported = read_seed_dir(target)
    original = read_seed_dir(kb_settings.seeds_dir)
    assert sorted(exported.entries, key=entry_id) == sorted(
        original.entries, key=entry_id
    )
    assert sorted(exported.notices, key=lambda n: n.id) == sorted(
        original.notices, key=lambda n: n.id
    )
    assert exported.guides == original.guides


def test_export_writes_one_file_per_category(
    kb_settings: Settings, kb_loaded: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "export"

    files = export(kb_settings, target)

    assert sorted(path.relative_to(target).as_posix() for path in files) == [
        "guides.yml",
        "kb/contribution_payment.yml",
        "kb/family_account_sharing.yml",
        "kb/pension_benefits.yml",
        "notices.yml",
    ]


def test_export_uses_the_seed_layout(
    kb_settings: Settings, kb_loaded: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "export"

    export(kb_settings, target)

    text = (target / "kb" / "contribution_payment.yml").read_text(encoding="utf-8")
    assert text.startswith("# 参保缴费 (contribution_payment)\nentries:\n")
    assert (
        """\
  - id: contribution_payment.002
    category: contribution_payment
    question: 灵活就业人员的缴费基数怎么选？
    phrasings:
      - 灵活就业缴费基数可以自己选吗
      - 个体户交社保按多少基数
    answer: |
      灵活就业人员可以在省里公布的缴费基数上下限之间自行选择。
    keywords: [缴费基数, 灵活就业]
    source: test fixture
    reviewed: 2026-12-01
    review: to confirm
    related: [contribution_payment.001]

  - id: contribution_payment.003
"""
        in text
    )


def test_export_keeps_the_header_of_existing_files(
    kb_settings: Settings, kb_loaded: dict[str, int]
) -> None:
    # Exporting into the seeds directory itself rewrites its files in place.
    target = kb_settings.seeds_dir
    header = "# Test fixture: a small knowledge base, not the published content.\n"

    export(kb_settings, target)

    text = (target / "kb" / "pension_benefits.yml").read_text(encoding="utf-8")
    assert text.startswith(header + "entries:\n")
    assert nonzero(load(kb_settings, target)) == {
        "entries.unchanged": 9,
        "notices.unchanged": 2,
        "guides.unchanged": 1,
    }


def test_export_rejects_other_files_in_kb(
    kb_settings: Settings, kb_loaded: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "export"
    (target / "kb").mkdir(parents=True)
    (target / "kb" / "old_split.yml").write_text("entries: []\n", encoding="utf-8")

    with pytest.raises(SeedError, match="old_split.yml: not a file of this export"):
        export(kb_settings, target)

    assert sorted(p.name for p in (target / "kb").iterdir()) == ["old_split.yml"]


def test_export_writes_nothing_when_invalid(
    kb_settings: Settings, kb_loaded: dict[str, int], tmp_path: Path
) -> None:
    # A related link to an entry that the seed files no longer have.
    async def break_link() -> None:
        engine = create_engine(kb_settings.database_url)
        async with create_sessionmaker(engine)() as session:
            row = await session.get(KnowledgeEntry, "pension_benefits.001")
            assert row is not None
            row.related = ["pension_benefits.404"]
            await session.commit()
        await engine.dispose()

    asyncio.run(break_link())
    target = tmp_path / "export"

    with pytest.raises(SeedError, match="nothing was written"):
        export(kb_settings, target)

    assert list(target.rglob("*.yml")) == []


def test_desk_edit_round_trips_and_clears_mark(
    kb_settings: Settings, kb_loaded: dict[str, int], tmp_path: Path
) -> None:
    # A trainer edits an entry in the desk, exports, and the export is loaded.
    original = read_seed_dir(kb_settings.seeds_dir).entries[0]
    # Inner spaces that a block scalar cannot hold make the emitter quote it.
    edited = replace(original, answer="第一行 \n  第二行缩进\n第三行")

    async def save() -> None:
        engine = create_engine(kb_settings.database_url)
        async with create_sessionmaker(engine)() as session:
            await save_entry(session=session, entry=edited)
        await engine.dispose()

    asyncio.run(save())
    target = tmp_path / "export"

    export(kb_settings, target)
    counts = load(kb_settings, target)

    assert counts["entries.unchanged"] == 9
    assert counts["entries.kept"] == 0
    exported = {entry.id: entry for entry in read_seed_dir(target).entries}
    assert exported[original.id].answer == edited.answer
    # The mark is gone, so loading the old files now replaces the edit.
    assert load(kb_settings, kb_settings.seeds_dir)["entries.updated"] == 1


def test_real_seeds_round_trip(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'real.db'}"
    upgrade_to_head(database_url)
    settings = Settings(database_url=database_url, seeds_dir=tmp_path / "seeds")
    shutil.copytree(REAL_SEEDS, settings.seeds_dir)
    first = load(settings, settings.seeds_dir)
    target = tmp_path / "export"

    export(settings, target)
    counts = load(settings, target)

    assert counts["entries.unchanged"] == first["entries.inserted"]
    assert counts["notices.unchanged"] == first["notices.inserted"]
    assert counts["guides.unchanged"] == first["guides.inserted"]
    assert set(nonzero(counts)) == {
        "entries.unchanged",
        "notices.unchanged",
        "guides.unchanged",
    }


def test_commands_export_and_check(
    kb_settings: Settings,
    kb_loaded: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", kb_settings.database_url)
    target = tmp_path / "export"

    exported = main(["export-kb", str(target)])
    checked = main(["check-seeds", str(target)])

    output = capsys.readouterr().out
    assert exported == 0
    assert checked == 0
    assert f"{target}: wrote 9 entries, 2 notices and 1 guides in 5 files" in output
    assert f"{target}: 9 entries, 2 notices, 1 guides are valid" in output
