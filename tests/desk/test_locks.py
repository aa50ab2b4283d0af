"""Per-key asyncio locks that order the messages of a conversation."""

from __future__ import annotations

import asyncio

from desk.services.locks import KeyedLocks


async def test_same_key_runs_in_arrival_order():
    locks = KeyedLocks()
    events: list[str] = []

    async def work(name: str) -> None:
        async with locks.hold("conversation-a"):
            events.append(f"{name} start")
            await asyncio.sleep(0.01)
            events.append(f"{name} end")

    await asyncio.gather(work("first"), work("second"), work("third"))

    assert events == [
        "first start",
        "first end",
        "second start",
        "second end",
        "third start",
        "third end",
    ]


async def test_different_keys_do_not_wait_for_each_other():
    locks = KeyedLocks()

    # The inner hold would wait forever if both keys shared one lock.
    async with locks.hold("conversation-a"):
        async with asyncio.timeout(1):
            async with locks.hold("conversation-b"):
                assert len(locks) == 2


async def test_lock_is_removed_when_unused():
    locks = KeyedLocks()

    async with locks.hold("conversation-a"):
        assert len(locks) == 1

    assert len(locks) == 0


async def test_lock_is_kept_while_a_task_waits():
    locks = KeyedLocks()
    release = asyncio.Event()

    async def hold_until_released() -> None:
        async with locks.hold("conversation-a"):
            await release.wait()

    holder = asyncio.create_task(hold_until_released())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(hold_until_released())
    await asyncio.sleep(0)
    assert len(locks) == 1

    release.set()
    await asyncio.gather(holder, waiter)

    assert len(locks) == 0


async def test_cancelled_waiter_leaves_no_lock():
    locks = KeyedLocks()
    release = asyncio.Event()

    async def hold_until_released() -> None:
        async with locks.hold("conversation-a"):
            await release.wait()

    holder = asyncio.create_task(hold_until_released())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(hold_until_released())
    await asyncio.sleep(0)
    waiter.cancel()
    release.set()
    await holder
    await asyncio.gather(waiter, return_exceptions=True)

    assert waiter.cancelled()
    assert len(locks) == 0
