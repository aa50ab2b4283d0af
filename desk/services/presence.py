"""Agent presence: online, away or offline, and who can take tickets now.

An agent counts as online for routing only while their presence is "online"
and one of their sessions is alive, so an expired session takes an agent out
of routing even before anything resets the stored presence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.models.organisation import PRESENCE_ONLINE, Agent
from desk.models.staff import AgentSession
from desk.organisation.directory import Directory
from desk.services import audit, hub

logger = logging.getLogger(__name__)


def agent_to_dict(agent: Agent, directory: Directory) -> dict[str, Any]:
    """Return AgentJSON: who the agent is, where they work and their presence."""
    agency = directory.agencies.get(agent.agency_id)
    department = (
        directory.departments.get(agent.department_id) if agent.department_id else None
    )
    return {
        "username": agent.username,
        "name": agent.name,
        "role": agent.role,
        "agency": agent.agency_id,
        "agency_name": agency.name if agency else None,
        "department": agent.department_id,
        "department_name": department.name if department else None,
        "presence": agent.presence,
    }


async def online_usernames(
    *, session: AsyncSession, now: datetime, idle_seconds: int
) -> set[str]:
    """Return the agents who are online and have a session that has not expired."""
    cutoff = now - timedelta(seconds=idle_seconds)
    query = (
        select(Agent.username)
        .join(AgentSession, AgentSession.agent == Agent.username)
        .where(Agent.presence == PRESENCE_ONLINE, AgentSession.last_seen_at > cutoff)
        .distinct()
    )
    return set((await session.scalars(query)).all())


def change_presence(
    session: AsyncSession,
    *,
    agent: Agent,
    presence: str,
    directory: Directory,
    now: datetime,
    cause: str,
    record_audit: bool = True,
) -> None:
    """Set the agent's presence, audit it and push it once the caller commits.

    ``cause`` names what changed it, such as "agent" or "websocket_closed".
    Login and logout pass ``record_audit=False`` because their own audit row
    contains the new presence.
    """
    agent.presence = presence
    agent.presence_changed_at = now
    if record_audit:
        audit.record(
            session,
            agent=agent.username,
            action=audit.ACTION_PRESENCE,
            detail={"presence": presence, "cause": cause},
        )
    hub.defer(
        session,
        hub.AGENTS_CHANNEL,
        {
            "agencies": [agent.agency_id],
            "event": {"type": "presence", "agent": agent_to_dict(agent, directory)},
        },
    )
    logger.info(
        "agent.presence.changed agent=%s presence=%s cause=%s",
        agent.username,
        presence,
        cause,
    )


class ConsoleConnections:
    """Open console WebSockets per agent, with a timer that runs when the last
    one has been closed for ``grace_seconds``.

    The counts live in one desk process, like the hub.
    """

    def __init__(self, grace_seconds: float) -> None:
        self.grace_seconds = grace_seconds
        self._counts: dict[str, int] = {}
        self._timers: dict[str, asyncio.Task[None]] = {}

    def count(self, username: str) -> int:
        """Return the number of open console WebSockets of ``username``."""
        return self._counts.get(username, 0)

    def opened(self, username: str) -> None:
        """Count a new WebSocket and cancel a pending offline timer."""
        self._counts[username] = self.count(username) + 1
        timer = self._timers.pop(username, None)
        if timer is not None:
            timer.cancel()

    def closed(self, username: str, on_timeout: Callable[[], Awaitable[None]]) -> None:
        """Uncount a WebSocket; start the timer when it was the agent's last one."""
        remaining = self.count(username) - 1
        if remaining > 0:
            self._counts[username] = remaining
            return
        self._counts.pop(username, None)
        self._timers[username] = asyncio.create_task(self._expire(username, on_timeout))

    async def _expire(
        self, username: str, on_timeout: Callable[[], Awaitable[None]]
    ) -> None:
        await asyncio.sleep(self.grace_seconds)
        self._timers.pop(username, None)
        if self.count(username) == 0:
            await on_timeout()

    def cancel_all(self) -> None:
        """Cancel every pending timer, as the server stops."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
