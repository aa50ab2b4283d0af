"""Tests of the seed watcher: changed files are loaded, invalid ones rejected."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from desk.db import create_engine, create_sessionmaker
from desk.kb.edits import save_entry
from desk.kb.seed_files import read_seed_dir
from desk.kb.watcher import SeedWatcher
from desk.models.kb import KnowledgeEntry
from desk.settings import Settings


@pytest.fixture
async def sessionmaker(
    kb_settings: Settings, kb_loaded: dict[str, int]
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(kb_settings.database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def watcher(
    kb_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> SeedWatcher:
    """Return a watcher whose first poll has recorded the files."""
    watcher = SeedWatcher(seeds_dir=kb_settings.seeds_dir, sessionmaker=sessionmaker)
    assert await watcher.poll() is None
    return watcher


def edit_answer(seeds_dir: Path, answer: str) -> None:
    path = seeds_dir / "kb" / "pension_benefits.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["entries"][0]["answer"] = answer
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


async def stored_answer(
    sessionmaker: async_sessionmaker[AsyncSession], entry_id: str
) -> str | None:
    async with sessionmaker() as session:
        row = await session.get(KnowledgeEntry, entry_id)
        return None if row is None else row.answer


async def test_unchanged_files_are_not_loaded(watcher: SeedWatcher) -> None:
    assert await watcher.poll() is None


async def test_changed_file_is_loaded(
    watcher: SeedWatcher,
    kb_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    edit_answer(kb_settings.seeds_dir, "改过的回答。")

    counts = await watcher.poll()

    assert counts is not None
    assert counts["entries.updated"] == 1
    assert counts["entries.unchanged"] == 8
    assert await stored_answer(sessionmaker, "pension_benefits.001") == "改过的回答。"


async def test_invalid_file_is_rejected_and_data_stays(
    watcher: SeedWatcher,
    kb_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = await stored_answer(sessionmaker, "pension_benefits.001")
    path = kb_settings.seeds_dir / "kb" / "pension_benefits.yml"
    path.write_text("entries:\n  - id: [broken\n", encoding="utf-8")

    with caplog.at_level(logging.ERROR, logger="desk.kb.watcher"):
        counts = await watcher.poll()

    assert counts is None
    assert "kb.watcher.rejected" in caplog.text
    assert "seeds/kb/pension_benefits.yml: invalid YAML" in caplog.text
    assert await stored_answer(sessionmaker, "pension_benefits.001") == before


async def test_fixed_file_is_loaded_after_rejection(
    watcher: SeedWatcher,
    kb_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    path = kb_settings.seeds_dir / "kb" / "pension_benefits.yml"
    valid = path.read_text(encoding="utf-8")
    path.write_text(valid.replace("source: test fixture", "source:", 1), "utf-8")
    assert await watcher.poll() is None

    path.write_text(valid, encoding="utf-8")
    edit_answer(kb_settings.seeds_dir, "修好后的回答。")

    assert await watcher.poll() is not None
    assert await stored_answer(sessionmaker, "pension_benefits.001") == "修好后的回答。"


async def test_invalid_synonyms_are_rejected(
    watcher: SeedWatcher,
    kb_settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (kb_settings.seeds_dir / "synonyms.yml").write_text("synonyms: [[孤单]]\n", "utf-8")

    with caplog.at_level(logging.ERROR, logger="desk.kb.watcher"):
        assert await watcher.poll() is None

    assert "group 1 must be a list of at least 2 terms" in caplog.text


async def test_removed_file_deletes_its_items(
    watcher: SeedWatcher,
    kb_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    (kb_settings.seeds_dir / "kb" / "contribution_payment.yml").unlink()

    counts = await watcher.poll()

    assert counts is not None
    assert counts["entries.deleted"] == 4
    assert await stored_answer(sessionmaker, "contribution_payment.001") is None


async def test_removal_that_breaks_a_link_is_rejected(
    watcher: SeedWatcher,
    kb_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The guide links to family_account_sharing.002.
    (kb_settings.seeds_dir / "kb" / "family_account_sharing.yml").unlink()

    with caplog.at_level(logging.ERROR, logger="desk.kb.watcher"):
        assert await watcher.poll() is None

    assert "'related' names 'family_account_sharing.002'" in caplog.text
    assert await stored_answer(sessionmaker, "family_account_sharing.002")


async def test_watcher_load_keeps_desk_edit(
    watcher: SeedWatcher,
    kb_settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    entry = read_seed_dir(kb_settings.seeds_dir).entries[0]
    async with sessionmaker() as session:
        await save_entry(session=session, entry=replace(entry, answer="桌面改的。"))
    edit_answer(kb_settings.seeds_dir, "文件改的。")

    counts = await watcher.poll()

    assert counts is not None
    assert counts["entries.kept"] == 1
    assert await stored_answer(sessionmaker, entry.id) == "桌面改的。"


async def test_on_loaded_runs_after_load_only(
    kb_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    calls: list[str] = []

    async def on_loaded() -> None:
        calls.append("loaded")

    watcher = SeedWatcher(
        seeds_dir=kb_settings.seeds_dir,
        sessionmaker=sessionmaker,
        on_loaded=on_loaded,
    )
    await watcher.poll()
    await watcher.poll()
    edit_answer(kb_settings.seeds_dir, "改过的回答。")
    await watcher.poll()

    assert calls == ["loaded"]


async def wait_for(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_running_desk_serves_changed_file(
    kb_settings: Settings,
    kb_loaded: dict[str, int],
    serve_desk: Callable[[Settings], Awaitable[str]],
) -> None:
    # A desk runs with the watcher on; a trainer saves a seed file, then saves
    # a broken version of it. The first change is served without a restart,
    # the broken one is rejected and the desk keeps serving the change.
    settings = replace(kb_settings, watch_seeds=True, watch_interval=0.05)
    url = await serve_desk(settings)
    entry_url = f"{url}/api/kb/entries/pension_benefits.001"

    async with httpx.AsyncClient(timeout=5) as client:

        async def answer() -> Any:
            return (await client.get(entry_url)).json()["answer"]

        async def search_top_answer() -> Any:
            response = await client.get(
                f"{url}/api/kb/search", params={"q": "退休金几号到账"}
            )
            return response.json()["results"][0]["answer"]

        await asyncio.sleep(0.2)  # The watcher records the files first.
        edit_answer(kb_settings.seeds_dir, "热更新后的回答。")

        async def search_changed() -> bool:
            # The index is rebuilt right after the load commits.
            return await search_top_answer() == "热更新后的回答。"

        assert await wait_for(search_changed)
        assert await answer() == "热更新后的回答。"

        path = kb_settings.seeds_dir / "kb" / "pension_benefits.yml"
        path.write_text("entries: [broken\n", encoding="utf-8")
        await asyncio.sleep(0.5)

        assert await answer() == "热更新后的回答。"
        assert await search_top_answer() == "热更新后的回答。"
