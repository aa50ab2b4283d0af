"""Agent actions on a ticket: accept, reply, transfer, return and close.

Each action checks the agent's right to it, changes the ticket and the
conversation's status, stores the citizen's system message and one audit
row, and commits them together. Pushes go out after the commit.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, cast

import httpx
from sqlalchemy import update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from desk.errors import DeskError, NotFound
from desk.models.conversation import (
    SENDER_AGENT,
    SENDER_SYSTEM,
    STATUS_BOT,
    TICKET_ASSIGNED,
    TICKET_CLOSED,
    TICKET_TRANSFERRED,
    WAITING_TICKET_STATES,
    Conversation,
    HandoffTicket,
    Message,
)
from desk.models.handoff import NOTE_RETURN, NOTE_TRANSFER, TicketNote
from desk.models.organisation import ROLE_ADMIN, Agent
from desk.organisation.directory import (
    KIND_WINDOW,
    Directory,
    department_queue,
    split_queue,
    window_queue,
)
from desk.services import audit, rasa
from desk.services.conversations import add_message
from desk.services.tickets import defer_ticket_pushes
from desk.settings import Settings

logger = logging.getLogger(__name__)

TEXT_ACCEPTED = "工作人员已接入，{name}将为您解答。"
TEXT_TRANSFERRED = "已为您转接到{department}，请稍候"
TEXT_RETURNED = "已为您转回窗口专员，请稍候。"
TEXT_CLOSED = "本次人工服务已结束，感谢您的耐心。请为本次服务评分，帮助我们改进。"
# Slot event that marks in Rasa's tracker that staff helped the citizen.
HUMAN_HELPED_EVENT = {"event": "slot", "name": "human_helped", "value": True}


def forbidden(message: str) -> DeskError:
    """Return a 403 error."""
    return DeskError(message, status_code=403)


def conflict(message: str) -> DeskError:
    """Return a 409 error."""
    return DeskError(message, status_code=409)


async def load_visible_ticket(
    *, session: AsyncSession, agent: Agent, ticket_id: int, directory: Directory
) -> HandoffTicket:
    """Return a ticket that the agent may read.

    Raises:
        NotFound: no ticket has this id.
        DeskError: 403 when the ticket belongs to another agency.
    """
    ticket = await session.get(HandoffTicket, ticket_id)
    if ticket is None:
        raise NotFound(f"Ticket {ticket_id} not found.")
    if not directory.can_see_agency(agent, ticket.agency):
        raise forbidden(
            f"Ticket {ticket_id} belongs to agency {ticket.agency!r}; agents see "
            f"only the tickets of their own agency ({agent.agency_id!r})."
        )
    return ticket


async def accept(
    *,
    session: AsyncSession,
    agent: Agent,
    ticket: HandoffTicket,
    directory: Directory,
    now: datetime,
) -> HandoffTicket:
    """Assign a waiting ticket to the agent; only one of concurrent calls wins.

    One conditional UPDATE claims the ticket, so this is atomic on SQLite and
    PostgreSQL alike.

    Raises:
        DeskError: 403 when the ticket waits in a queue the agent does not
            take, 409 when it is closed or another agent accepted it first.
    """
    if agent.role != ROLE_ADMIN and ticket.queue not in directory.queues_of(agent):
        raise forbidden(
            f"Ticket {ticket.id} waits in {directory.queue_name(ticket.queue)!r}, "
            "which is not one of your queues (GET /api/agent/queues lists them)."
        )
    claim = cast(
        "CursorResult[Any]",
        await session.execute(
            update(HandoffTicket)
            .where(
                HandoffTicket.id == ticket.id,
                HandoffTicket.state.in_(WAITING_TICKET_STATES),
                HandoffTicket.assigned_to.is_(None),
            )
            .values(state=TICKET_ASSIGNED, assigned_to=agent.username, assigned_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if claim.rowcount == 0:
        await session.commit()
        await session.refresh(ticket)
        if ticket.state == TICKET_CLOSED:
            raise conflict(f"Ticket {ticket.id} is closed; it cannot be accepted.")
        raise conflict(
            f"Ticket {ticket.id} was already accepted by "
            f"{directory.agent_name(ticket.assigned_to)}; pick another ticket."
        )
    await session.refresh(ticket)

    conversation = await _conversation(session, ticket)
    conversation.status = TICKET_ASSIGNED
    await add_message(
        session=session,
        conversation=conversation,
        sender=SENDER_SYSTEM,
        text=TEXT_ACCEPTED.format(name=agent.name),
    )
    audit.record(
        session, agent=agent.username, action=audit.ACTION_ACCEPT, ticket_id=ticket.id
    )
    await defer_ticket_pushes(
        session=session, ticket=ticket, now=now, agent_name=agent.name
    )
    await session.commit()
    logger.info("handoff.ticket.accepted ticket=%s agent=%s", ticket.id, agent.username)
    return ticket


async def reply(
    *,
    session: AsyncSession,
    agent: Agent,
    ticket: HandoffTicket,
    text: str,
) -> Message:
    """Store the assigned agent's message in the conversation and commit it.

    Raises:
        DeskError: 409 unless the ticket is assigned, 403 when it is assigned
            to someone else.
    """
    _check_assigned_to(agent, ticket, action="reply to", allow_admin=False)
    conversation = await _conversation(session, ticket)
    message = await add_message(
        session=session,
        conversation=conversation,
        sender=SENDER_AGENT,
        text=text,
        agent_username=agent.username,
        agent_name=agent.name,
    )
    audit.record(
        session,
        agent=agent.username,
        action=audit.ACTION_REPLY,
        ticket_id=ticket.id,
        detail={"message_id": message.id},
    )
    await session.commit()
    logger.info(
        "handoff.ticket.replied ticket=%s agent=%s message=%s",
        ticket.id,
        agent.username,
        message.id,
    )
    return message


async def transfer(
    *,
    session: AsyncSession,
    agent: Agent,
    ticket: HandoffTicket,
    department_id: str,
    note: str,
    directory: Directory,
    now: datetime,
) -> HandoffTicket:
    """Move the ticket to a department's queue with a note for its staff.

    Raises:
        DeskError: 422 for an unknown department, 409 unless the ticket is
            assigned, 403 when it is assigned to someone else.
    """
    department = directory.departments.get(department_id)
    if department is None:
        raise DeskError(
            f'Invalid "department": {department_id!r} is not a department; use '
            "an id from seeds/organisation.yml, such as 'taian_city.pension'.",
            status_code=422,
        )
    _check_assigned_to(agent, ticket, action="transfer", allow_admin=True)
    previous_agency = ticket.agency
    await _move(
        session,
        agent=agent,
        ticket=ticket,
        kind=NOTE_TRANSFER,
        queue=department_queue(department.id),
        agency=department.agency_id,
        note=note,
        now=now,
    )
    conversation = await _conversation(session, ticket)
    await add_message(
        session=session,
        conversation=conversation,
        sender=SENDER_SYSTEM,
        text=TEXT_TRANSFERRED.format(department=department.name),
    )
    audit.record(
        session,
        agent=agent.username,
        action=audit.ACTION_TRANSFER,
        ticket_id=ticket.id,
        detail={"to": ticket.queue},
    )
    await defer_ticket_pushes(
        session=session, ticket=ticket, now=now, previous_agency=previous_agency
    )
    await session.commit()
    logger.info(
        "handoff.ticket.transferred ticket=%s agent=%s queue=%s",
        ticket.id,
        agent.username,
        ticket.queue,
    )
    return ticket


async def return_to_window(
    *,
    session: AsyncSession,
    agent: Agent,
    ticket: HandoffTicket,
    note: str,
    now: datetime,
) -> HandoffTicket:
    """Send a ticket from a department or personal queue back to the window queue.

    Raises:
        DeskError: 409 when the ticket is not assigned or already belongs to
            the window queue, 403 when it is assigned to someone else.
    """
    _check_assigned_to(agent, ticket, action="return", allow_admin=True)
    if ticket.queue is not None and split_queue(ticket.queue)[0] == KIND_WINDOW:
        raise conflict(
            f"Ticket {ticket.id} came from the window queue; transfer it to a "
            "department or close it instead."
        )
    agency = ticket.agency or agent.agency_id
    await _move(
        session,
        agent=agent,
        ticket=ticket,
        kind=NOTE_RETURN,
        queue=window_queue(agency),
        agency=agency,
        note=note,
        now=now,
    )
    conversation = await _conversation(session, ticket)
    await add_message(
        session=session,
        conversation=conversation,
        sender=SENDER_SYSTEM,
        text=TEXT_RETURNED,
    )
    audit.record(
        session,
        agent=agent.username,
        action=audit.ACTION_RETURN,
        ticket_id=ticket.id,
        detail={"to": ticket.queue},
    )
    await defer_ticket_pushes(session=session, ticket=ticket, now=now)
    await session.commit()
    logger.info("handoff.ticket.returned ticket=%s agent=%s", ticket.id, agent.username)
    return ticket


async def close(
    *,
    session: AsyncSession,
    http: httpx.AsyncClient,
    settings: Settings,
    agent: Agent,
    ticket: HandoffTicket,
    resolution: str,
    now: datetime,
) -> HandoffTicket:
    """Close the ticket, give the conversation back to the bot and tell Rasa.

    The citizen gets a system message asking for a rating. After the commit
    the desk sets the ``human_helped`` slot in Rasa's tracker; a failure there
    is logged and does not undo the close.

    Raises:
        DeskError: 409 unless the ticket is assigned, 403 when it is assigned
            to someone else (administrators may close any open ticket).
    """
    if agent.role != ROLE_ADMIN or ticket.state == TICKET_CLOSED:
        _check_assigned_to(agent, ticket, action="close", allow_admin=False)
    ticket.state = TICKET_CLOSED
    ticket.closed_at = now
    ticket.closed_by = agent.username
    ticket.resolution = resolution
    conversation = await _conversation(session, ticket)
    conversation.status = STATUS_BOT
    await add_message(
        session=session,
        conversation=conversation,
        sender=SENDER_SYSTEM,
        text=TEXT_CLOSED,
    )
    audit.record(
        session, agent=agent.username, action=audit.ACTION_CLOSE, ticket_id=ticket.id
    )
    await defer_ticket_pushes(session=session, ticket=ticket, now=now)
    await session.commit()
    logger.info("handoff.ticket.closed ticket=%s agent=%s", ticket.id, agent.username)

    try:
        await rasa.append_tracker_events(
            http=http,
            rasa_url=settings.rasa_url,
            auth_token=settings.rasa_auth_token,
            sender=ticket.conversation_id,
            events=[HUMAN_HELPED_EVENT],
            timeout=settings.rasa_timeout,
        )
    except rasa.RasaUnavailable as error:
        logger.warning(
            "handoff.rasa_event.failed ticket=%s conversation=%s error=%s",
            ticket.id,
            ticket.conversation_id,
            error,
        )
    return ticket


def _check_assigned_to(
    agent: Agent, ticket: HandoffTicket, *, action: str, allow_admin: bool
) -> None:
    """Raise unless the ticket is assigned to the agent (or an administrator acts)."""
    if ticket.state == TICKET_CLOSED:
        raise conflict(f"Ticket {ticket.id} is closed; you cannot {action} it.")
    if ticket.state != TICKET_ASSIGNED:
        raise conflict(
            f"Ticket {ticket.id} is {ticket.state}; accept it before you {action} it."
        )
    if ticket.assigned_to == agent.username:
        return
    if allow_admin and agent.role == ROLE_ADMIN:
        return
    raise forbidden(
        f"Ticket {ticket.id} is assigned to {ticket.assigned_to}; only that agent "
        f"can {action} it."
    )


async def _move(
    session: AsyncSession,
    *,
    agent: Agent,
    ticket: HandoffTicket,
    kind: str,
    queue: str,
    agency: str,
    note: str,
    now: datetime,
) -> None:
    """Put the ticket back into a queue as "transferred" and record the note."""
    session.add(
        TicketNote(
            ticket_id=ticket.id,
            kind=kind,
            from_queue=ticket.queue,
            to_queue=queue,
            note=note,
            by=agent.username,
            at=now,
        )
    )
    ticket.state = TICKET_TRANSFERRED
    ticket.queue = queue
    ticket.agency = agency
    ticket.queued_at = now
    ticket.assigned_to = None
    ticket.assigned_at = None
    conversation = await _conversation(session, ticket)
    conversation.status = TICKET_TRANSFERRED


async def _conversation(session: AsyncSession, ticket: HandoffTicket) -> Conversation:
    conversation = await session.get(Conversation, ticket.conversation_id)
    assert conversation is not None, "tickets are deleted with their conversation"
    return conversation
