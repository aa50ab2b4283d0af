"""Agencies, their departments, agents and enterprises, loaded from the seeds.

``seeds/organisation.yml`` is the source of truth: ``desk load-seeds`` makes
these tables match it. Only the agents' password hashes and presence are
written by the desk itself, so loading keeps them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from desk.models.base import Base
from desk.models.conversation import AGENCY_MAX_CHARS, UTCDateTime

ROLE_WINDOW = "window_specialist"
ROLE_DEPARTMENT = "department_staff"
ROLE_MANAGER = "account_manager"
ROLE_TRAINER = "trainer"
ROLE_ADMIN = "administrator"
ROLES = (ROLE_WINDOW, ROLE_DEPARTMENT, ROLE_MANAGER, ROLE_TRAINER, ROLE_ADMIN)
# Roles whose agents belong to a department.
DEPARTMENT_ROLES = (ROLE_DEPARTMENT, ROLE_MANAGER)

PRESENCE_ONLINE = "online"
PRESENCE_AWAY = "away"
PRESENCE_OFFLINE = "offline"
PRESENCES = (PRESENCE_ONLINE, PRESENCE_AWAY, PRESENCE_OFFLINE)

DEPARTMENT_ID_MAX_CHARS = 64
USERNAME_MAX_CHARS = 64
NAME_MAX_CHARS = 128
CREDIT_CODE_CHARS = 18


class Agency(Base):
    """A social-insurance agency (经办机构): the city centre or a county agency.

    ``business_hours`` maps "mon" … "sun" to lists of "HH:MM-HH:MM" ranges in
    Asia/Shanghai time. ``holidays`` and ``extra_workdays`` are ISO dates.
    """

    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(AGENCY_MAX_CHARS), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    business_hours: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    holidays: Mapped[list[str]] = mapped_column(JSON)
    extra_workdays: Mapped[list[str]] = mapped_column(JSON)
    # SHA-256 hex digest of the seed fields.
    content_hash: Mapped[str] = mapped_column(String(64))


class Department(Base):
    """A business department (科室) of an agency and the topics it answers."""

    __tablename__ = "departments"

    id: Mapped[str] = mapped_column(String(DEPARTMENT_ID_MAX_CHARS), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS))
    # Knowledge-base categories, such as "pension_benefits".
    topics: Mapped[list[str]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))


class Agent(Base):
    """A staff member who answers citizens in the agent console."""

    __tablename__ = "agents"

    username: Mapped[str] = mapped_column(String(USERNAME_MAX_CHARS), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[str | None] = mapped_column(
        ForeignKey("departments.id"), index=True
    )
    # Argon2 hash set by `desk set-password` or `desk demo-passwords`; an agent
    # without one cannot log in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    presence: Mapped[str] = mapped_column(String(16), default=PRESENCE_OFFLINE)
    presence_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    content_hash: Mapped[str] = mapped_column(String(64))


class Enterprise(Base):
    """An insured enterprise, named by its unified social credit code."""

    __tablename__ = "enterprises"

    credit_code: Mapped[str] = mapped_column(
        String(CREDIT_CODE_CHARS), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    # Username of the enterprise's account manager (包保专员), if it has one.
    account_manager: Mapped[str | None] = mapped_column(
        ForeignKey("agents.username", ondelete="SET NULL")
    )
    content_hash: Mapped[str] = mapped_column(String(64))
