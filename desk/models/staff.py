"""Agent sessions and the audit log of agent actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desk.models.base import Base, utcnow
from desk.models.conversation import UTCDateTime
from desk.models.organisation import USERNAME_MAX_CHARS


class AgentSession(Base):
    """A logged-in console, named by the ``desk_session`` cookie.

    A session expires when ``last_seen_at`` is older than the idle limit.
    """

    __tablename__ = "agent_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # SHA-256 hex digest of the cookie value; the value itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agent: Mapped[str] = mapped_column(
        ForeignKey("agents.username", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEvent(Base):
    """One agent action: login, logout, presence, accept, reply, transfer, return,
    close.

    ``agent`` is a plain username, not a foreign key, so that the log outlives
    agents removed from the seeds. ``detail`` never contains message text or
    contact details.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    agent: Mapped[str] = mapped_column(String(USERNAME_MAX_CHARS))
    action: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
