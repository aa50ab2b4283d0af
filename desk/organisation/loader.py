"""Load ``seeds/organisation.yml`` into the database, idempotently.

Rows are inserted, updated or deleted to match the file, and rows whose
content hash is unchanged are left alone. Agents keep their password hash and
presence when their seed changes. An agent removed from the file is deleted
together with their sessions; tickets, notes and the audit log keep the
username as plain text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.db import create_engine, create_sessionmaker
from desk.kb.errors import SeedError
from desk.models.organisation import Agency, Agent, Department, Enterprise
from desk.organisation.schema import (
    ORGANISATION_FILE_NAME,
    OrganisationItem,
    OrganisationSeeds,
    read_organisation_file,
    seed_values,
)
from desk.settings import Settings

logger = logging.getLogger(__name__)

ACTIONS = ("inserted", "updated", "unchanged", "deleted")
RowT = TypeVar("RowT", Agency, Department, Agent, Enterprise)


def organisation_path(seeds_dir: Path) -> Path:
    """Return the organisation file of a seeds directory."""
    return seeds_dir / ORGANISATION_FILE_NAME


def read_organisation_seeds(seeds_dir: Path) -> OrganisationSeeds | None:
    """Validate the organisation file of a seeds directory, or return None without one.

    A seeds directory without the file, such as a test fixture of the
    knowledge base, loads without an organisation.

    Raises:
        SeedError: the file is invalid.
    """
    path = organisation_path(seeds_dir)
    if not path.exists():
        logger.info("seeds.organisation.missing path=%s", path)
        return None
    return read_organisation_file(path)


async def load_organisation_seeds(
    settings: Settings, seeds: OrganisationSeeds
) -> dict[str, int]:
    """Load validated organisation seeds into ``settings.database_url``.

    Returns:
        Counts keyed ``<kind>.<action>``, for example ``agents.inserted``.

    Raises:
        SeedError: the database has no agencies table.
    """
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            has_table = await connection.run_sync(
                lambda sync: inspect(sync).has_table(Agency.__tablename__)
            )
        if not has_table:
            raise SeedError(
                f"the database has no {Agency.__tablename__} table; "
                "run `desk migrate` first"
            )
        async with create_sessionmaker(engine)() as session:
            return await load_organisation(session=session, seeds=seeds)
    finally:
        await engine.dispose()


async def load_organisation(
    *, session: AsyncSession, seeds: OrganisationSeeds
) -> dict[str, int]:
    """Make the organisation tables match validated seeds and commit.

    Parents are written before children and children deleted before parents,
    so that every foreign key is satisfied at each flush.
    """
    kinds: list[tuple[str, type[Any], Sequence[OrganisationItem], str]] = [
        ("agencies", Agency, seeds.agencies, "id"),
        ("departments", Department, seeds.departments, "id"),
        ("agents", Agent, seeds.agents, "username"),
        ("enterprises", Enterprise, seeds.enterprises, "credit_code"),
    ]
    counts: dict[str, dict[str, int]] = {}
    leftovers: dict[str, list[Any]] = {}
    for kind, model, items, key in kinds:
        counts[kind], leftovers[kind] = await _upsert(session, model, items, key)
        await session.flush()
    for kind, _model, _items, _key in reversed(kinds):
        for row in leftovers[kind]:
            await session.delete(row)
        counts[kind]["deleted"] = len(leftovers[kind])
        await session.flush()
    await session.commit()

    flat = {
        f"{kind}.{action}": kind_counts[action]
        for kind, kind_counts in counts.items()
        for action in ACTIONS
    }
    logger.info(
        "seeds.organisation.loaded %s",
        " ".join(f"{key}={value}" for key, value in flat.items()),
    )
    return flat


async def _upsert(
    session: AsyncSession,
    model: type[RowT],
    items: Sequence[OrganisationItem],
    key: str,
) -> tuple[dict[str, int], list[RowT]]:
    """Insert or update rows for ``items``, and return counts and the other rows."""
    rows = {
        getattr(row, key): row for row in (await session.scalars(select(model))).all()
    }
    counts = dict.fromkeys(ACTIONS, 0)
    for item in items:
        values = seed_values(item)
        row = rows.pop(values[key], None)
        if row is None:
            session.add(model(**values))
            counts["inserted"] += 1
        elif row.content_hash == values["content_hash"]:
            counts["unchanged"] += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            counts["updated"] += 1
    return counts, list(rows.values())
