"""Conversations, their messages and the handoff tickets that move them to staff."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from desk.models.base import Base, utcnow

# Conversation status while the bot answers. Otherwise the status is the state
# of the conversation's open handoff ticket.
STATUS_BOT = "bot"

SENDER_CITIZEN = "citizen"
SENDER_BOT = "bot"
SENDER_AGENT = "agent"
SENDER_SYSTEM = "system"
SENDERS = (SENDER_CITIZEN, SENDER_BOT, SENDER_AGENT, SENDER_SYSTEM)

TICKET_QUEUED = "queued"
TICKET_ASSIGNED = "assigned"
TICKET_TRANSFERRED = "transferred"
TICKET_CLOSED = "closed"
TICKET_LEFT_MESSAGE = "left_message"
TICKET_STATES = (
    TICKET_QUEUED,
    TICKET_ASSIGNED,
    TICKET_TRANSFERRED,
    TICKET_CLOSED,
    TICKET_LEFT_MESSAGE,
)
# States in which staff own the conversation and the desk stops forwarding to
# Rasa. A ticket in "left_message" waits for staff outside business hours or
# while nobody is online; the citizen's further messages are kept for them.
OPEN_TICKET_STATES = (
    TICKET_QUEUED,
    TICKET_ASSIGNED,
    TICKET_TRANSFERRED,
    TICKET_LEFT_MESSAGE,
)
# Open states in which a ticket waits in a queue for an agent to accept it.
WAITING_TICKET_STATES = (TICKET_QUEUED, TICKET_TRANSFERRED, TICKET_LEFT_MESSAGE)

# Column lengths, also checked by the API so that PostgreSQL never truncates.
AGENCY_MAX_CHARS = 64
ENTERPRISE_MAX_CHARS = 128
CHANNEL_MAX_CHARS = 32
TOPIC_MAX_CHARS = 64
REASON_MAX_CHARS = 200


def new_conversation_id() -> str:
    """Return a random conversation id: 32 lowercase hex digits."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetime, also on SQLite, which stores no offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}; pass a timezone-aware one")
        return value

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Conversation(Base):
    """A chat between one citizen (or enterprise contact) and the agency."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(
        String(32), primary_key=True, default=new_conversation_id
    )
    # SHA-256 hex digest of the bearer token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32), default=STATUS_BOT)
    agency: Mapped[str | None] = mapped_column(String(AGENCY_MAX_CHARS))
    enterprise: Mapped[str | None] = mapped_column(String(ENTERPRISE_MAX_CHARS))
    channel: Mapped[str] = mapped_column(String(CHANNEL_MAX_CHARS), default="web")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )


class Message(Base):
    """One message of a conversation, from the citizen, bot, an agent or the desk.

    A citizen's button click stores the button's ``payload`` and its title as
    ``text``. Bot messages may carry ``buttons`` (a list of ``{"title",
    "payload"}`` objects) and an ``image`` URL.
    """

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_id_id", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    sender: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(Text)
    buttons: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    image: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Username and display name of the agent who wrote an agent message.
    agent_username: Mapped[str | None] = mapped_column(String(64))
    agent_name: Mapped[str | None] = mapped_column(String(128))


class HandoffTicket(Base):
    """A request for staff to take over a conversation from the bot."""

    __tablename__ = "handoff_tickets"
    __table_args__ = (
        Index("ix_handoff_tickets_conversation_id_state", "conversation_id", "state"),
        Index("ix_handoff_tickets_state", "state"),
        Index("ix_handoff_tickets_queue_state", "queue", "state"),
        Index("ix_handoff_tickets_assigned_to_state", "assigned_to", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    state: Mapped[str] = mapped_column(String(32), default=TICKET_QUEUED)
    topic: Mapped[str | None] = mapped_column(String(TOPIC_MAX_CHARS))
    # Machine-readable cause, such as "requested" or "assistant_unavailable".
    reason: Mapped[str] = mapped_column(String(REASON_MAX_CHARS))
    # What the bot knew: the caller's context plus the desk's "recent_messages".
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Agency that handles the ticket; None when no organisation is loaded.
    agency: Mapped[str | None] = mapped_column(String(AGENCY_MAX_CHARS))
    # "window:<agency>", "department:<department id>" or "personal:<username>".
    queue: Mapped[str | None] = mapped_column(String(96))
    # When the ticket entered its current queue; waiting time counts from here.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Username of the agent who accepted the ticket; a plain string, not a
    # foreign key, so that tickets outlive agents removed from the seeds.
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(String(64))
