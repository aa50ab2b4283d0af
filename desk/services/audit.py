"""The audit log: one row per agent action."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.models.base import utcnow
from desk.models.staff import AuditEvent

ACTION_LOGIN = "login"
ACTION_LOGOUT = "logout"
ACTION_PRESENCE = "presence"
ACTION_ACCEPT = "accept"
ACTION_REPLY = "reply"
ACTION_TRANSFER = "transfer"
ACTION_RETURN = "return"
ACTION_CLOSE = "close"


def record(
    session: AsyncSession,
    *,
    agent: str,
    action: str,
    ticket_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit row to the session; it is stored with the caller's commit.

    ``detail`` must not contain message text, names or phone numbers.
    """
    event = AuditEvent(
        at=utcnow(),
        agent=agent,
        action=action,
        ticket_id=ticket_id,
        detail=detail or {},
    )
    session.add(event)
    return event


async def latest_events(*, session: AsyncSession, limit: int) -> list[AuditEvent]:
    """Return the ``limit`` newest audit rows, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    return list((await session.scalars(query)).all())


def event_to_dict(event: AuditEvent) -> dict[str, Any]:
    """Return the API form of an audit row."""
    return {
        "at": event.at.isoformat(),
        "agent": event.agent,
        "action": event.action,
        "ticket_id": event.ticket_id,
        "detail": event.detail,
    }
