"""Knowledge-base entries, notices and guides, loaded from the seed files.

The YAML seeds are the source of truth: ``desk load-seeds`` inserts, updates
and deletes rows to match them, and ``content_hash`` lets it skip rows whose
seed did not change. Entries edited through the desk API are the exception:
loading keeps them until the seed files contain the same content (after
``desk export-kb``) or ``desk load-seeds --discard-desk-edits`` runs.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desk.models.base import Base, utcnow


class KnowledgeEntry(Base):
    """One standard question with its phrasings, answer and review state."""

    __tablename__ = "kb_entries"

    # "<category>.<digits>", for example "pension_benefits.003".
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    question: Mapped[str] = mapped_column(Text)
    phrasings: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text)
    reviewed: Mapped[date] = mapped_column(Date)
    # Open review note such as "to confirm"; None once the answer is confirmed.
    review: Mapped[str | None] = mapped_column(Text)
    # Ids of other entries worth offering next to this one.
    related: Mapped[list[str]] = mapped_column(JSON)
    # SHA-256 hex digest of the seed fields.
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    # Time of the last edit through PUT /api/kb/entries/<id> that the seed
    # files do not contain yet; None for rows that match the seed files.
    edited_in_desk_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=None
    )


class Notice(Base):
    """One public notice (通知公告) of the agency."""

    __tablename__ = "notices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    published: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))


class Guide(Base):
    """One topic guide (专题指引): a procedure as ordered steps."""

    __tablename__ = "guides"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40), index=True)
    summary: Mapped[str] = mapped_column(Text)
    steps: Mapped[list[str]] = mapped_column(JSON)
    # Ids of knowledge-base entries or other guides.
    related: Mapped[list[str]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
