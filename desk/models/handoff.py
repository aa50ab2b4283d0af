"""Notes, contacts, ratings and uploaded images that staff and citizens add to
handoff tickets."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desk.models.base import Base, utcnow
from desk.models.conversation import UTCDateTime
from desk.models.organisation import USERNAME_MAX_CHARS

NOTE_TRANSFER = "transfer"
NOTE_RETURN = "return"
QUEUE_MAX_CHARS = 96
CONTACT_NAME_MAX_CHARS = 50
CONTACT_PHONE_MAX_CHARS = 32
NOTE_MAX_CHARS = 1000
COMMENT_MAX_CHARS = 500


def new_attachment_id() -> str:
    """Return a random attachment id: 32 lowercase hex digits."""
    return uuid.uuid4().hex


def new_access_token() -> str:
    """Return a random URL-safe token that grants read access to one attachment."""
    return secrets.token_urlsafe(24)


class TicketNote(Base):
    """A transfer or return of a ticket, with the agent's note to the next queue."""

    __tablename__ = "ticket_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("handoff_tickets.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    from_queue: Mapped[str | None] = mapped_column(String(QUEUE_MAX_CHARS))
    to_queue: Mapped[str] = mapped_column(String(QUEUE_MAX_CHARS))
    note: Mapped[str] = mapped_column(Text)
    # Username of the agent; a plain string so that notes outlive agents.
    by: Mapped[str] = mapped_column(String(USERNAME_MAX_CHARS))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Contact(Base):
    """Contact details and message that a citizen left for a call-back."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("handoff_tickets.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(CONTACT_NAME_MAX_CHARS))
    # Personal data: shown to agents, masked in every log line.
    phone: Mapped[str | None] = mapped_column(String(CONTACT_PHONE_MAX_CHARS))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Rating(Base):
    """The citizen's rating of a closed ticket; at most one per ticket."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("handoff_tickets.id", ondelete="CASCADE"), unique=True
    )
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Attachment(Base):
    """An image that a citizen uploaded, stored in the database with its type."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(
        String(32), primary_key=True, default=new_attachment_id
    )
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # Token in the image URL, so that an <img> element can load the image
    # without the conversation's bearer token.
    access_token: Mapped[str] = mapped_column(String(64), default=new_access_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
