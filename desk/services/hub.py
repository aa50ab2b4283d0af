"""In-process publish/subscribe hub that feeds the WebSocket endpoints.

Events about stored rows are published only after their transaction commits:
``defer`` records them in the session, and a SQLAlchemy ``after_commit``
listener publishes them. A rollback discards them.

NOTE: the hub lives in one desk process. Several desk workers would need a
shared channel, such as Redis pub/sub, so that a message stored by one worker
reaches a WebSocket held by another.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

# Events a subscriber may have waiting before it is dropped; a client whose
# socket is that far behind reconnects and resumes with GET …?after=.
MAX_QUEUED_EVENTS = 500
HUB_KEY = "desk_hub"
PENDING_KEY = "desk_pending_events"
AGENTS_CHANNEL = "agents"


def conversation_channel(conversation_id: str) -> str:
    """Return the channel of one conversation's citizen WebSockets."""
    return f"conversation:{conversation_id}"


@dataclass(eq=False)
class Subscription:
    """Events of one channel for one WebSocket, with an overflow flag."""

    channel: str
    queue: asyncio.Queue[dict[str, Any]] = field(
        default_factory=lambda: asyncio.Queue(MAX_QUEUED_EVENTS)
    )
    overflowed: bool = False


class Hub:
    """Subscriptions by channel. ``publish`` only queues, so it never waits."""

    def __init__(self) -> None:
        self._subscriptions: dict[str, set[Subscription]] = {}

    def subscriber_count(self, channel: str) -> int:
        """Return the number of live subscriptions of ``channel``."""
        return len(self._subscriptions.get(channel, ()))

    @contextmanager
    def subscribe(self, channel: str) -> Iterator[Subscription]:
        """Subscribe to ``channel`` for the duration of the ``with`` block."""
        subscription = Subscription(channel=channel)
        self._subscriptions.setdefault(channel, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._subscriptions.get(channel, set())
            subscribers.discard(subscription)
            if not subscribers:
                self._subscriptions.pop(channel, None)

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Queue ``message`` for every subscription of ``channel``.

        A subscription whose queue is full is marked as overflowed and gets
        no more messages; its WebSocket closes so that the client resumes.
        """
        for subscription in list(self._subscriptions.get(channel, ())):
            if subscription.overflowed:
                continue
            try:
                subscription.queue.put_nowait(message)
            except asyncio.QueueFull:
                subscription.overflowed = True
                logger.warning("hub.subscriber.overflowed channel=%s", channel)


def hub_of(session: AsyncSession | Session) -> Hub | None:
    """Return the hub that the session's factory attached, None outside the app."""
    hub = session.info.get(HUB_KEY)
    return hub if isinstance(hub, Hub) else None


def defer(session: AsyncSession, channel: str, message: dict[str, Any]) -> None:
    """Publish ``message`` once the session's current transaction commits."""
    if hub_of(session) is None:
        return
    session.info.setdefault(PENDING_KEY, []).append((channel, message))


def publish_now(session: AsyncSession, channel: str, message: dict[str, Any]) -> None:
    """Publish a message that is not about stored rows, such as typing."""
    hub = hub_of(session)
    if hub is not None:
        hub.publish(channel, message)


@event.listens_for(Session, "after_commit")
def _publish_pending(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, [])
    hub = hub_of(session)
    if hub is None:
        return
    for channel, message in pending:
        hub.publish(channel, message)


@event.listens_for(Session, "after_soft_rollback")
def _discard_pending(session: Session, previous_transaction: object) -> None:
    session.info.pop(PENDING_KEY, None)
