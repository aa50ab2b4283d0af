"""Load the knowledge base, notices and guides from the seed files.

The seed files are the source of truth. Loading makes the tables match them:
new ids are inserted, changed ones updated, ids no longer in the files
deleted, and rows whose content hash is unchanged are left alone, so loading
the same files twice changes nothing. A running desk notices the change and
rebuilds its search index (``desk.kb.refresh``).

Entries edited through the desk API (``edited_in_desk_at`` set) are kept as
they are until the files contain the same content, so that a load, such as
the one the seed watcher runs after every saved file, does not undo them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from desk.db import create_engine, create_sessionmaker
from desk.kb.errors import SeedError
from desk.kb.export import ExportSummary, export_knowledge_base
from desk.kb.schema import Seed, content_hash
from desk.kb.seed_files import SeedSet, read_seed_dir
from desk.models.base import utcnow
from desk.models.kb import Guide, KnowledgeEntry, Notice
from desk.settings import Settings

logger = logging.getLogger(__name__)

RowT = TypeVar("RowT", KnowledgeEntry, Notice, Guide)
ACTIONS = ("inserted", "updated", "unchanged", "deleted")


async def load_seeds_from_dir(
    settings: Settings, *, discard_desk_edits: bool = False
) -> dict[str, int]:
    """Load ``settings.seeds_dir`` into ``settings.database_url``.

    Returns:
        Counts keyed ``<kind>.<action>``, for example ``entries.inserted``.

    Raises:
        SeedError: if a seed file is invalid or the database has no tables.
    """
    engine = create_engine(settings.database_url)
    try:
        await _check_tables(engine)
        async with create_sessionmaker(engine)() as session:
            return await load_seeds(
                session=session,
                seeds_dir=settings.seeds_dir,
                discard_desk_edits=discard_desk_edits,
            )
    finally:
        await engine.dispose()


async def export_to_dir(settings: Settings, target_dir: Path) -> ExportSummary:
    """Export the knowledge base of ``settings.database_url`` to ``target_dir``.

    Raises:
        SeedError: if the database has no tables or the export is refused.
    """
    engine = create_engine(settings.database_url)
    try:
        await _check_tables(engine)
        async with create_sessionmaker(engine)() as session:
            return await export_knowledge_base(session=session, target_dir=target_dir)
    finally:
        await engine.dispose()


async def load_seeds(
    *, session: AsyncSession, seeds_dir: Path, discard_desk_edits: bool = False
) -> dict[str, int]:
    """Validate every seed file, then sync the three tables and commit.

    Nothing is written unless every file is valid.
    """
    seed_set = read_seed_dir(seeds_dir)
    return await sync_seed_set(
        session=session, seed_set=seed_set, discard_desk_edits=discard_desk_edits
    )


async def sync_seed_set(
    *, session: AsyncSession, seed_set: SeedSet, discard_desk_edits: bool = False
) -> dict[str, int]:
    """Make the three tables match validated seeds and commit.

    Entries edited through the desk API and not yet in the files are kept
    (counted as ``entries.kept``) unless ``discard_desk_edits`` is set.
    """
    keep_desk_edits = not discard_desk_edits
    table_counts = {
        "entries": await _sync_table(
            session, KnowledgeEntry, seed_set.entries, keep_desk_edits
        ),
        "notices": await _sync_table(session, Notice, seed_set.notices),
        "guides": await _sync_table(session, Guide, seed_set.guides),
    }
    await session.commit()
    counts = {
        f"{kind}.{action}": count
        for kind, kind_counts in table_counts.items()
        for action, count in kind_counts.items()
    }
    logger.info(
        "seeds.loaded %s", " ".join(f"{key}={value}" for key, value in counts.items())
    )
    return counts


async def _sync_table(
    session: AsyncSession,
    model: type[RowT],
    seeds: Sequence[Seed],
    keep_desk_edits: bool = False,
) -> dict[str, int]:
    """Insert, update or delete rows of ``model`` so that they match ``seeds``.

    With ``keep_desk_edits``, entries edited in the desk whose content
    differs from the files stay as they are, and so do entries created in
    the desk that no file defines.
    """
    rows = {row.id: row for row in (await session.scalars(select(model))).all()}
    counts = dict.fromkeys(ACTIONS, 0)
    kept_ids: list[str] = []
    for seed in seeds:
        digest = content_hash(seed)
        row = rows.pop(seed.id, None)
        if row is not None and row.content_hash == digest:
            _clear_desk_edit(row)
            counts["unchanged"] += 1
            continue
        if row is not None and keep_desk_edits and _edited_in_desk(row):
            kept_ids.append(row.id)
            continue
        values = _column_values(seed) | {"content_hash": digest}
        if model is KnowledgeEntry:
            values["updated_at"] = utcnow()
            values["edited_in_desk_at"] = None
        if row is None:
            session.add(model(**values))
            counts["inserted"] += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            counts["updated"] += 1
    for row in rows.values():
        if keep_desk_edits and _edited_in_desk(row):
            kept_ids.append(row.id)
            continue
        await session.delete(row)
        counts["deleted"] += 1
    if model is KnowledgeEntry:
        counts["kept"] = len(kept_ids)
    if kept_ids:
        logger.warning(
            "seeds.entries.kept_desk_edits count=%d entries=%s; `desk export-kb` "
            "writes them to seed files",
            len(kept_ids),
            ",".join(kept_ids),
        )
    return counts


async def _check_tables(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        has_table = await connection.run_sync(
            lambda sync: inspect(sync).has_table(KnowledgeEntry.__tablename__)
        )
    if not has_table:
        raise SeedError(
            f"the database has no {KnowledgeEntry.__tablename__} table; "
            "run `desk migrate` first"
        )


def _edited_in_desk(row: KnowledgeEntry | Notice | Guide) -> bool:
    return getattr(row, "edited_in_desk_at", None) is not None


def _clear_desk_edit(row: KnowledgeEntry | Notice | Guide) -> None:
    """Clear the desk-edit mark once the files contain the same content."""
    if isinstance(row, KnowledgeEntry) and row.edited_in_desk_at is not None:
        row.edited_in_desk_at = None


def _column_values(seed: Seed) -> dict[str, Any]:
    """Return the seed's fields with tuples turned into JSON-ready lists."""
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in asdict(seed).items()
    }
