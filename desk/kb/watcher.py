"""Load changed seed files into a running desk, as ``desk load-seeds`` would.

``SeedWatcher`` polls the modification time and size of the files that the
load reads (``kb/*.yml``, ``notices.yml``, ``guides.yml``) and of
``synonyms.yml``. When any of them changes, appears or disappears, it runs
the same idempotent load as ``desk load-seeds``. Invalid files are rejected
with their problems in the log, and the database keeps the last valid data
(nothing is written unless every file is valid). The first poll only records
the files, so that starting the desk never loads by itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from desk.kb.errors import SeedError
from desk.kb.refresh import SYNONYMS_FILE_NAME
from desk.kb.seed_files import (
    GUIDES_FILE_NAME,
    KB_DIR_NAME,
    NOTICES_FILE_NAME,
    SeedSet,
    read_seed_dir,
)
from desk.kb.synonyms import load_synonyms
from desk.seeds import sync_seed_set

logger = logging.getLogger(__name__)

# Seconds between two polls. Each poll stats about a dozen files.
DEFAULT_INTERVAL_SECONDS = 2.0

Snapshot = dict[Path, tuple[int, int]]


class SeedWatcher:
    """Poll a seeds directory and load it into the database when it changes."""

    def __init__(
        self,
        *,
        seeds_dir: Path,
        sessionmaker: async_sessionmaker[AsyncSession],
        interval: float = DEFAULT_INTERVAL_SECONDS,
        on_loaded: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Prepare the watcher. ``on_loaded`` runs after each successful load."""
        self.seeds_dir = seeds_dir
        self.sessionmaker = sessionmaker
        self.interval = interval
        self.on_loaded = on_loaded
        self._snapshot: Snapshot | None = None

    async def run(self) -> None:
        """Poll until cancelled."""
        logger.info(
            "kb.watcher.started seeds_dir=%s interval=%.1f",
            self.seeds_dir,
            self.interval,
        )
        try:
            while True:
                await self.poll()
                await asyncio.sleep(self.interval)
        finally:
            logger.info("kb.watcher.stopped seeds_dir=%s", self.seeds_dir)

    async def poll(self) -> dict[str, int] | None:
        """Load the seeds if the files changed since the last poll.

        Returns:
            The load counts, or None when nothing changed, this was the first
            poll, or the load was rejected.
        """
        snapshot = await asyncio.to_thread(self.snapshot)
        previous, self._snapshot = self._snapshot, snapshot
        if previous is None or snapshot == previous:
            return None
        return await self.load()

    async def load(self) -> dict[str, int] | None:
        """Validate and load the seed files, or log the problems and keep the data."""
        try:
            seed_set = await asyncio.to_thread(self._read_files)
        except SeedError as error:
            logger.error("kb.watcher.rejected seeds_dir=%s\n%s", self.seeds_dir, error)
            return None
        # NOTE: the load reads every row before it writes, so a PUT of the
        # same entry that commits in between can be overwritten by the file.
        try:
            async with self.sessionmaker() as session:
                counts = await sync_seed_set(session=session, seed_set=seed_set)
        except SQLAlchemyError as error:
            # NOTE: not retried until a seed file changes again, or until
            # `desk load-seeds` runs.
            logger.error(
                "kb.watcher.load_failed seeds_dir=%s error=%s", self.seeds_dir, error
            )
            return None
        if self.on_loaded is not None:
            await self.on_loaded()
        return counts

    def snapshot(self) -> Snapshot:
        """Return (modification time in ns, size) of every watched file."""
        paths = sorted((self.seeds_dir / KB_DIR_NAME).glob("*.yml"))
        paths += [
            self.seeds_dir / name
            for name in (NOTICES_FILE_NAME, GUIDES_FILE_NAME, SYNONYMS_FILE_NAME)
        ]
        snapshot = {}
        for path in paths:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            snapshot[path] = (stat.st_mtime_ns, stat.st_size)
        return snapshot

    def _read_files(self) -> SeedSet:
        # The synonyms are read here only to reject an invalid file early;
        # the index refresher reads them again when it rebuilds.
        load_synonyms(self.seeds_dir / SYNONYMS_FILE_NAME)
        return read_seed_dir(self.seeds_dir)
