"""Conversations that enterprise HR staff start directly with a department."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from desk.errors import DeskError
from desk.models.conversation import SENDER_SYSTEM, TICKET_QUEUED, Conversation
from desk.models.organisation import Department
from desk.services.conversations import add_message
from desk.services.tickets import open_routed_ticket

REASON_DEPARTMENT_CHOSEN = "department_chosen"
TEXT_DEPARTMENT_JOINED = "已为您接通{department}，工作人员会在这里回复您，请稍候。"


async def find_department(
    *, session: AsyncSession, department_id: str, agency: str | None
) -> Department:
    """Return the department a new conversation starts with.

    Raises:
        DeskError: 422 when it does not exist or belongs to another agency
            than the one given.
    """
    department = await session.get(Department, department_id)
    if department is None:
        raise DeskError(
            f'Invalid "department": {department_id!r} is not a department; '
            "GET /api/enterprises/{credit code}/departments lists them.",
            status_code=422,
        )
    if agency is not None and agency != department.agency_id:
        raise DeskError(
            f'Invalid "department": {department_id!r} belongs to agency '
            f"{department.agency_id!r}, not to {agency!r}; leave out "
            '"agency" or choose a department of that agency.',
            status_code=422,
        )
    return department


async def start_with_department(
    *,
    session: AsyncSession,
    conversation: Conversation,
    department: Department,
    idle_seconds: int,
) -> None:
    """Open the conversation's ticket in the department's queue and tell the citizen.

    The ticket is "queued" while the department has staff online during
    business hours, else "left_message" with the notice of when staff reply.
    """
    opened = await open_routed_ticket(
        session=session,
        conversation=conversation,
        reason=REASON_DEPARTMENT_CHOSEN,
        department_id=department.id,
        idle_seconds=idle_seconds,
    )
    if opened.ticket.state == TICKET_QUEUED:
        await add_message(
            session=session,
            conversation=conversation,
            sender=SENDER_SYSTEM,
            text=TEXT_DEPARTMENT_JOINED.format(department=department.name),
        )
        await session.commit()
