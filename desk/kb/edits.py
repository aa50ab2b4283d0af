"""Create or update one knowledge-base entry through the desk API.

The entry passes the same checks as an entry of a seed file (``read_entry``)
and its ``related`` ids must name entries in the database. A saved edit is
marked with ``edited_in_desk_at``, so that loading the seed files keeps it
until ``desk export-kb`` has written it to the files (``desk.seeds``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.errors import DeskError
from desk.kb.schema import EntrySeed, content_hash, read_entry
from desk.models.base import utcnow
from desk.models.kb import KnowledgeEntry
from desk.services.request_body import reject_invalid_unicode

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedEntry:
    """The row after a save, and whether the save created or changed it."""

    row: KnowledgeEntry
    created: bool
    changed: bool


def check_entry_fields(entry_id: str, fields: dict[str, Any]) -> EntrySeed:
    """Return the entry of a request body, validated like a seed-file entry.

    ``id`` may be left out of the body; when present it must equal ``entry_id``.

    Raises:
        DeskError: 400 with every problem in ``problems`` of the JSON body.
    """
    for name, value in fields.items():
        reject_invalid_unicode("field name", name)
        reject_invalid_unicode(name, value)
    body_id = fields.get("id", entry_id)
    if body_id != entry_id:
        raise DeskError(
            f'Invalid "id": {body_id!r} differs from {entry_id!r} in the URL; '
            "leave it out or send the same id."
        )
    problems: list[str] = []
    fields = {**fields, "id": entry_id}
    if "related" in fields:
        fields["related"] = _related_ids(fields["related"])
    entry = read_entry(fields, f"entry {entry_id}", problems)
    if entry is None:
        raise _invalid_entry(problems)
    return entry


def _related_ids(related: Any) -> Any:
    """Turn the ``{id, question}`` objects that GET returns into plain ids.

    So an entry read with GET can be sent back with PUT unchanged. Any
    other value is returned as it is, for ``read_entry`` to check.
    """
    if isinstance(related, list) and all(
        isinstance(item, dict) and isinstance(item.get("id"), str) for item in related
    ):
        return [item["id"] for item in related]
    return related


async def save_entry(*, session: AsyncSession, entry: EntrySeed) -> SavedEntry:
    """Insert or update ``entry`` and commit. An identical entry stays as it is.

    Raises:
        DeskError: 400 when a ``related`` id names no entry.
    """
    await _check_related(session, entry)
    digest = content_hash(entry)
    row = await session.get(KnowledgeEntry, entry.id)
    if row is not None and row.content_hash == digest:
        return SavedEntry(row, created=False, changed=False)

    created = row is None
    if row is None:
        row = KnowledgeEntry(id=entry.id)
        session.add(row)
    _copy_fields(row, entry)
    row.content_hash = digest
    row.updated_at = row.edited_in_desk_at = utcnow()
    await session.commit()
    logger.info(
        "kb.entry.saved entry=%s action=%s",
        entry.id,
        "created" if created else "updated",
    )
    return SavedEntry(row, created=created, changed=True)


async def _check_related(session: AsyncSession, entry: EntrySeed) -> None:
    if not entry.related:
        return
    rows = await session.scalars(
        select(KnowledgeEntry.id).where(KnowledgeEntry.id.in_(entry.related))
    )
    known = set(rows)
    problems = [
        f"entry {entry.id}: 'related' names {related_id!r}, which is not an "
        "entry id; fix or remove it"
        for related_id in entry.related
        if related_id not in known
    ]
    if problems:
        raise _invalid_entry(problems)


def _copy_fields(row: KnowledgeEntry, entry: EntrySeed) -> None:
    row.category = entry.category
    row.question = entry.question
    row.phrasings = list(entry.phrasings)
    row.answer = entry.answer
    row.keywords = list(entry.keywords)
    row.source = entry.source
    row.reviewed = entry.reviewed
    row.review = entry.review
    row.related = list(entry.related)


def _invalid_entry(problems: list[str]) -> DeskError:
    summary = problems[0] if len(problems) == 1 else f"{len(problems)} problems"
    return DeskError(
        f'Invalid entry: {summary}. Fix every item of "problems" and send the '
        "entry again.",
        context={"problems": problems},
    )
