"""Read queries of the knowledge base, notices and guides."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.kb.schema import CATEGORIES
from desk.models.kb import Guide, KnowledgeEntry, Notice


async def get_entry(*, session: AsyncSession, entry_id: str) -> KnowledgeEntry | None:
    """Return the entry with ``entry_id``, or None."""
    return await session.get(KnowledgeEntry, entry_id)


async def get_questions(
    *, session: AsyncSession, entry_ids: Sequence[str]
) -> list[tuple[str, str]]:
    """Return (id, question) of the entries in ``entry_ids``, in that order.

    Ids that name no entry are skipped.
    """
    if not entry_ids:
        return []
    rows = await session.execute(
        select(KnowledgeEntry.id, KnowledgeEntry.question).where(
            KnowledgeEntry.id.in_(entry_ids)
        )
    )
    question_of = {entry_id: question for entry_id, question in rows.tuples()}
    return [
        (entry_id, question_of[entry_id])
        for entry_id in entry_ids
        if entry_id in question_of
    ]


async def list_entries(
    *, session: AsyncSession, category: str | None
) -> list[KnowledgeEntry]:
    """Return the entries of ``category``, or every entry when it is None, by id."""
    query = select(KnowledgeEntry).order_by(KnowledgeEntry.id)
    if category is not None:
        query = query.where(KnowledgeEntry.category == category)
    return list(await session.scalars(query))


async def count_entries_by_category(*, session: AsyncSession) -> dict[str, int]:
    """Return the number of entries of every known category, zero included."""
    rows = await session.execute(
        select(KnowledgeEntry.category, func.count()).group_by(KnowledgeEntry.category)
    )
    counts = dict.fromkeys(CATEGORIES, 0)
    counts.update(dict(rows.tuples().all()))
    return counts


async def list_notices(*, session: AsyncSession) -> list[Notice]:
    """Return every notice, newest first."""
    result = await session.scalars(
        select(Notice).order_by(Notice.published.desc(), Notice.id)
    )
    return list(result)


async def list_guides(*, session: AsyncSession) -> list[Guide]:
    """Return every guide, ordered by category and id."""
    result = await session.scalars(select(Guide).order_by(Guide.category, Guide.id))
    return list(result)
