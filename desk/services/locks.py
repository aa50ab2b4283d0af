"""Locks that make the desk handle one message at a time per conversation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class KeyedLocks:
    """An ``asyncio.Lock`` per key, created on first use and removed when unused.

    A lock is removed as soon as no task holds it or waits for it, so the
    registry holds only the conversations that have a message in progress.
    The locks belong to one event loop and so to one desk process.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        # Tasks that hold or wait for each lock.
        self._users: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Wait for the lock of ``key`` and hold it for the ``async with`` body.

        Waiters get the lock in the order in which they started waiting.
        """
        # No await runs between the lookup and the count, so no other task
        # can remove the lock in between.
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:
                del self._users[key]
                del self._locks[key]
