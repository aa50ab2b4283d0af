"""Background tasks that wait for Rasa's late replies, in order per conversation.

When Rasa has not answered within ``rasa_timeout``, the desk answers the
citizen without the bot and leaves the call to Rasa running in a
``deliver_late_reply`` task of the ``LateReplies`` registry. Rasa handles
the messages of one sender one after another, and the desk stores their
replies in the same order: each task waits for the conversation's previous
task, and a message that Rasa answered in time waits for all of them
(``wait_for_earlier``) before its replies are stored.

NOTE: the tasks live in one desk process, like the conversation locks and the
event hub. Several desk workers would need a shared queue for late replies.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from desk.models.conversation import STATUS_BOT, Conversation
from desk.services import rasa
from desk.services.bot_messages import (
    TEXT_ASSISTANT_UNAVAILABLE,
    call_replies,
    latest_ticket_id,
    store_bot_replies,
    store_notice,
    wait_for_call,
)

logger = logging.getLogger(__name__)

LateReplyTask = asyncio.Task[None]
# Builds the coroutine of a task from the conversation's previous unfinished
# task, or None.
Deliver = Callable[[LateReplyTask | None], Coroutine[Any, Any, None]]


class LateReplies:
    """Unfinished late-reply tasks by conversation.

    The registry keeps a reference to every task until it ends, so that none
    is garbage-collected while it runs, and ``close`` cancels and awaits them
    when the desk stops.
    """

    def __init__(self) -> None:
        self._tasks: set[LateReplyTask] = set()
        # The newest task of each conversation, with the event-loop time
        # (loop.time()) at which it stops waiting for Rasa.
        self._latest: dict[str, tuple[LateReplyTask, float]] = {}
        self._closed = False

    def __len__(self) -> int:
        return len(self._tasks)

    def start(self, conversation_id: str, deliver: Deliver, deadline: float) -> bool:
        """Run ``deliver(previous)`` in a task and return True.

        ``previous`` is the conversation's newest task that has not finished,
        or None. ``deadline`` is the event-loop time at which the new task
        stops waiting for Rasa. After ``close`` nothing is started and False
        is returned, so the caller cancels its call to Rasa.
        """
        if self._closed:
            logger.info(
                "late_reply.rejected conversation=%s reason=desk_stopping",
                conversation_id,
            )
            return False
        previous = self._latest.get(conversation_id)
        previous_task = None
        if previous is not None and not previous[0].done():
            previous_task = previous[0]
        task = asyncio.create_task(
            deliver(previous_task), name=f"late-reply:{conversation_id}"
        )
        self._tasks.add(task)
        self._latest[conversation_id] = (task, deadline)
        task.add_done_callback(lambda finished: self._forget(conversation_id, finished))
        return True

    async def wait_for_earlier(self, conversation_id: str) -> None:
        """Wait until the conversation's late-reply tasks have finished.

        A task waits for the one before it, so the newest one finishes last.
        Cancelling the caller does not cancel the task.
        """
        latest = self._latest.get(conversation_id)
        if latest is not None and not latest[0].done():
            await asyncio.wait({latest[0]})

    def seconds_left(self, conversation_id: str) -> float | None:
        """Return the seconds until the conversation's newest task stops waiting.

        Returns None when no task of the conversation is running, and 0.0 when
        its deadline has passed but it is still storing the outcome.
        """
        latest = self._latest.get(conversation_id)
        if latest is None or latest[0].done():
            return None
        _, deadline = latest
        return max(0.0, deadline - asyncio.get_running_loop().time())

    async def close(self) -> None:
        """Cancel the running tasks and wait until they have ended."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if tasks:
            logger.info(
                "late_reply.cancelled tasks=%d reason=desk_stopping", len(tasks)
            )

    def _forget(self, conversation_id: str, task: LateReplyTask) -> None:
        self._tasks.discard(task)
        latest = self._latest.get(conversation_id)
        if latest is not None and latest[0] is task:
            del self._latest[conversation_id]
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            logger.error(
                "late_reply.failed conversation=%s error=%r",
                conversation_id,
                error,
                exc_info=error,
            )


@dataclass(frozen=True)
class LateCall:
    """A call to Rasa that outlasted ``rasa_timeout`` and goes on in the background.

    ``ticket_before`` is the id of the conversation's newest ticket when the
    call started (None without one). ``started`` and ``deadline`` are
    event-loop times (loop.time()), and the call ends by ``deadline``
    because its own timeout is ``rasa_late_timeout``.
    """

    call: asyncio.Task[list[rasa.BotReply]]
    conversation_id: str
    ticket_before: int | None
    started: float
    deadline: float


async def deliver_late_reply(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    late_call: LateCall,
    previous: LateReplyTask | None,
) -> None:
    """Wait for a late call to Rasa, then store its replies or the apology.

    Nothing is stored before ``previous``, the conversation's earlier
    late-reply task, has finished, so replies follow the order of the
    citizen's messages. The new session's commit pushes the messages to the
    citizen's WebSockets like any reply. They are dropped when a ticket was
    opened since the call started, because staff own the conversation then
    (also when that ticket is closed again).

    NOTE: this also drops Rasa's own reply to a handoff that the late
    message itself requested. The citizen then gets the ticket's status, and
    for a left message the desk's notice, but not the bot's wording.
    """
    await wait_for_call(late_call.call, timeout=None)
    conversation_id = late_call.conversation_id
    replies = call_replies(late_call.call, conversation_id)
    if previous is not None:
        await asyncio.wait({previous})
    seconds = asyncio.get_running_loop().time() - late_call.started

    async with sessionmaker() as session:
        # Locking the row first (on PostgreSQL) makes a handoff that commits
        # now wait, or be seen, before the status is checked.
        query = (
            select(Conversation)
            .where(Conversation.id == conversation_id)
            .with_for_update()
        )
        conversation = (await session.scalars(query)).first()
        if conversation is None:
            logger.warning(
                "rasa.late_reply.dropped conversation=%s reason=conversation_not_found",
                conversation_id,
            )
            return
        ticket_now = await latest_ticket_id(
            session=session, conversation_id=conversation_id
        )
        if conversation.status != STATUS_BOT or ticket_now != late_call.ticket_before:
            logger.info(
                "rasa.late_reply.dropped conversation=%s replies=%d status=%s "
                "ticket=%s reason=staff_took_over seconds=%.1f",
                conversation_id,
                len(replies),
                conversation.status,
                ticket_now,
                seconds,
            )
            return
        if not replies:
            await store_notice(
                session=session,
                conversation=conversation,
                text=TEXT_ASSISTANT_UNAVAILABLE,
            )
            logger.info(
                "rasa.late_reply.apology conversation=%s seconds=%.1f",
                conversation_id,
                seconds,
            )
            return
        stored = await store_bot_replies(
            session=session, conversation=conversation, replies=replies
        )
        logger.info(
            "rasa.late_reply.stored conversation=%s replies=%d seconds=%.1f",
            conversation_id,
            len(stored),
            seconds,
        )
