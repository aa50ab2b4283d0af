"""Keep the in-memory search index in step with the knowledge-base table.

``desk load-seeds`` runs in its own process, so the server gets no signal
when the table changes. Instead, ``IndexRefresher.get`` compares a cheap
signature of the table (row count, latest ``updated_at``) and of the synonyms
file (modification time) at most every ``CHECK_INTERVAL_SECONDS`` and
rebuilds the index when it differs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from desk.kb.errors import SeedError
from desk.kb.index import EntryDocument, KnowledgeIndex
from desk.kb.synonyms import load_synonyms
from desk.kb.tokenizer import Tokenizer
from desk.models.kb import KnowledgeEntry

logger = logging.getLogger(__name__)

# Maximum time in seconds that a search may use an index older than the table.
# The check is one aggregate query, so a few seconds cost nothing and keep
# reloads prompt.
CHECK_INTERVAL_SECONDS = 5.0
SYNONYMS_FILE_NAME = "synonyms.yml"

Signature = tuple[int, datetime | None, float | None]


class IndexRefresher:
    """Owner of the current ``KnowledgeIndex``, rebuilt when the data change."""

    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        seeds_dir: Path,
        check_interval: float = CHECK_INTERVAL_SECONDS,
    ) -> None:
        """Prepare the refresher. Nothing is read until ``get`` or ``rebuild``."""
        self.sessionmaker = sessionmaker
        self.synonyms_path = seeds_dir / SYNONYMS_FILE_NAME
        self.check_interval = check_interval
        self.index: KnowledgeIndex | None = None
        self._signature: Signature | None = None
        self._checked_at = float("-inf")
        self._lock = asyncio.Lock()
        # The latest background refresh, kept so that it is not
        # garbage-collected while it runs.
        self._refresh_task: asyncio.Task[None] | None = None

    async def get(self) -> KnowledgeIndex:
        """Return the current index. Only the first call waits for a build.

        Once an index exists, a search never waits for a rebuild, which can
        take longer than the desk's default wait for Rasa. When the data may
        have changed, the signature check and any rebuild run in a background
        task, and searches get the current index until the new one is ready.
        """
        if self.index is not None:
            if self._check_due() and not self._lock.locked():
                self._checked_at = time.monotonic()
                self._refresh_task = asyncio.create_task(self._refresh())
            return self.index
        async with self._lock:
            if self.index is None:
                await self._build(await self._read_signature())
                self._checked_at = time.monotonic()
        assert self.index is not None
        return self.index

    async def wait_for_refresh(self) -> None:
        """Wait until the background refresh that ``get`` started, if any, ends."""
        if self._refresh_task is not None:
            await self._refresh_task

    async def _refresh(self) -> None:
        """Rebuild the index if the data changed since it was built."""
        try:
            async with self._lock:
                signature = await self._read_signature()
                if signature != self._signature:
                    await self._build(signature)
        except (SQLAlchemyError, SeedError) as error:
            logger.error("kb.index.refresh_failed error=%s", error, exc_info=error)

    async def rebuild(self) -> KnowledgeIndex:
        """Rebuild the index now, for example right after loading seeds."""
        async with self._lock:
            await self._build(await self._read_signature())
            self._checked_at = time.monotonic()
        assert self.index is not None
        return self.index

    def invalidate(self) -> None:
        """Make the next ``get`` compare the signature, for example after a write."""
        self._checked_at = float("-inf")

    def _check_due(self) -> bool:
        return time.monotonic() - self._checked_at >= self.check_interval

    async def _read_signature(self) -> Signature:
        async with self.sessionmaker() as session:
            count, latest = (
                await session.execute(
                    select(func.count(), func.max(KnowledgeEntry.updated_at))
                )
            ).one()
        synonyms_mtime = (
            self.synonyms_path.stat().st_mtime if self.synonyms_path.exists() else None
        )
        return (count, latest, synonyms_mtime)

    async def _build(self, signature: Signature) -> None:
        """Build the index for ``signature``.

        Raises:
            SeedError: the synonyms file is invalid and there is no earlier
                index to keep. With an earlier index, the error is logged,
                the earlier index stays, and the next build waits until the
                data or the synonyms file change again.
        """
        started = time.perf_counter()
        async with self.sessionmaker() as session:
            entries = list(await session.scalars(select(KnowledgeEntry)))
        # Tokenizing takes about 0.5 ms an entry, and loading jieba about a
        # second the first time, so it runs in a thread to keep the event loop
        # serving other requests meanwhile.
        try:
            self.index = await asyncio.to_thread(self._index_entries, entries)
        except SeedError as error:
            if self.index is None:
                raise
            self._signature = signature
            logger.error("kb.index.rejected kept=earlier index error=%s", error)
            return
        self._signature = signature
        logger.info(
            "kb.index.built entries=%d ms=%.0f",
            len(entries),
            (time.perf_counter() - started) * 1000,
        )

    def _index_entries(self, entries: list[KnowledgeEntry]) -> KnowledgeIndex:
        return build_index(entries, self.synonyms_path)


def build_index(
    entries: Iterable[EntryDocument], synonyms_path: Path
) -> KnowledgeIndex:
    """Build the index that the desk serves, with the synonyms at ``synonyms_path``.

    Raises:
        SeedError: if the synonyms file is invalid.
    """
    return KnowledgeIndex(entries, Tokenizer(load_synonyms(synonyms_path)))
