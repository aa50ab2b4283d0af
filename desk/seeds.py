"""Load the knowledge base, notices and guides from the seed files.

The seed files are the source of truth. Loading makes the tables match them:
new ids are inserted, changed ones updated, ids no longer in the files
deleted, and rows whose content hash is unchanged are left alone, so loading
the same files twice changes nothing. A running desk notices the change and
rebuilds its search index (see ``desk.kb.service``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.db import create_engine, create_sessionmaker
from desk.kb.errors import SeedError
from desk.kb.schema import Seed, content_hash
from desk.kb.seed_files import read_seed_dir
from desk.models.base import utcnow
from desk.models.kb import Guide, KnowledgeEntry, Notice
from desk.settings import Settings

logger = logging.getLogger(__name__)

RowT = TypeVar("RowT", KnowledgeEntry, Notice, Guide)
ACTIONS = ("inserted", "updated", "unchanged", "deleted")


async def load_seeds_from_dir(settings: Settings) -> dict[str, int]:
    """Load ``settings.seeds_dir`` into ``settings.database_url``.

    Returns:
        Counts keyed ``<kind>.<action>``, for example ``entries.inserted``.

    Raises:
        SeedError: if a seed file is invalid or the database has no tables.
    """
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            has_table = await connection.run_sync(
                lambda sync: inspect(sync).has_table(KnowledgeEntry.__tablename__)
            )
        if not has_table:
            raise SeedError(
                f"the database has no {KnowledgeEntry.__tablename__} table; "
                "run `desk migrate` first"
            )
        async with create_sessionmaker(engine)() as session:
            return await load_seeds(session=session, seeds_dir=settings.seeds_dir)
    finally:
        await engine.dispose()


async def load_seeds(*, session: AsyncSession, seeds_dir: Path) -> dict[str, int]:
    """Validate every seed file, then sync the three tables and commit.

    Nothing is written unless every file is valid.
    """
    seed_set = read_seed_dir(seeds_dir)
    table_counts = {
        "entries": await _sync_table(session, KnowledgeEntry, seed_set.entries),
        "notices": await _sync_table(session, Notice, seed_set.notices),
        "guides": await _sync_table(session, Guide, seed_set.guides),
    }
    await session.commit()
    counts = {
        f"{kind}.{action}": kind_counts[action]
        for kind, kind_counts in table_counts.items()
        for action in ACTIONS
    }
    logger.info(
        "seeds.loaded %s", " ".join(f"{key}={value}" for key, value in counts.items())
    )
    return counts


async def _sync_table(
    session: AsyncSession, model: type[RowT], seeds: Sequence[Seed]
) -> dict[str, int]:
    """Insert, update or delete rows of ``model`` so that they match ``seeds``."""
    rows = {row.id: row for row in (await session.scalars(select(model))).all()}
    counts = dict.fromkeys(ACTIONS, 0)
    for seed in seeds:
        digest = content_hash(seed)
        row = rows.pop(seed.id, None)
        if row is not None and row.content_hash == digest:
            counts["unchanged"] += 1
            continue
        values = _column_values(seed) | {"content_hash": digest}
        if model is KnowledgeEntry:
            values["updated_at"] = utcnow()
        if row is None:
            session.add(model(**values))
            counts["inserted"] += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            counts["updated"] += 1
    for row in rows.values():
        await session.delete(row)
    counts["deleted"] = len(rows)
    return counts


def _column_values(seed: Seed) -> dict[str, Any]:
    """Return the seed's fields with tuples turned into JSON-ready lists."""
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in asdict(seed).items()
    }
