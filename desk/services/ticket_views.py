"""The agent console's views of tickets: TicketJSON, queues and ticket lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.models.conversation import (
    TICKET_ASSIGNED,
    TICKET_CLOSED,
    WAITING_TICKET_STATES,
    Conversation,
    HandoffTicket,
    Message,
    UTCDateTime,
)
from desk.models.handoff import Contact, TicketNote
from desk.models.organisation import ROLE_ADMIN, Agent, Enterprise
from desk.organisation.directory import Directory, split_queue

SCOPE_QUEUE = "queue"
SCOPE_MINE = "mine"
SCOPE_HISTORY = "history"
SCOPES = (SCOPE_QUEUE, SCOPE_MINE, SCOPE_HISTORY)
MAX_LISTED_TICKETS = 200
# Maximum length of last_message's text in ticket lists, in characters. The
# transcript has the whole text.
LAST_MESSAGE_MAX_CHARS = 200


def waiting_seconds(ticket: HandoffTicket, now: datetime) -> int | None:
    """Return how long a waiting ticket has been in its queue; None otherwise."""
    if ticket.state not in WAITING_TICKET_STATES or ticket.assigned_to is not None:
        return None
    since = ticket.queued_at or ticket.created_at
    return max(0, int((now - since).total_seconds()))


async def agent_tickets_json(
    *,
    session: AsyncSession,
    tickets: Sequence[HandoffTicket],
    directory: Directory,
    now: datetime,
) -> list[dict[str, Any]]:
    """Return TicketJSON for each ticket, reading related rows in a few queries."""
    if not tickets:
        return []
    conversation_ids = {ticket.conversation_id for ticket in tickets}
    last_messages = await _last_messages(session, conversation_ids)
    conversations = {
        conversation.id: conversation
        for conversation in await session.scalars(
            select(Conversation).where(Conversation.id.in_(conversation_ids))
        )
    }
    codes = {c.enterprise for c in conversations.values() if c.enterprise}
    enterprises = {
        enterprise.credit_code: enterprise
        for enterprise in await session.scalars(
            select(Enterprise).where(Enterprise.credit_code.in_(codes))
        )
    }
    contacts = await _latest_contacts(session, [ticket.id for ticket in tickets])
    return [
        build_ticket_json(
            ticket,
            directory=directory,
            now=now,
            last_message=last_messages.get(ticket.conversation_id),
            enterprise_code=conversations[ticket.conversation_id].enterprise,
            enterprise=enterprises.get(
                conversations[ticket.conversation_id].enterprise or ""
            ),
            contact=contacts.get(ticket.id),
        )
        for ticket in tickets
    ]


async def agent_ticket_json(
    *, session: AsyncSession, ticket: HandoffTicket, directory: Directory, now: datetime
) -> dict[str, Any]:
    """Return the TicketJSON of one ticket."""
    (result,) = await agent_tickets_json(
        session=session, tickets=[ticket], directory=directory, now=now
    )
    return result


def build_ticket_json(
    ticket: HandoffTicket,
    *,
    directory: Directory,
    now: datetime,
    last_message: Message | None,
    enterprise_code: str | None,
    enterprise: Enterprise | None,
    contact: Contact | None,
) -> dict[str, Any]:
    """Return TicketJSON from a ticket and its already loaded related rows."""
    return {
        "id": ticket.id,
        "conversation_id": ticket.conversation_id,
        "state": ticket.state,
        "queue": ticket.queue,
        "queue_name": directory.queue_name(ticket.queue),
        "agency": ticket.agency,
        "topic": ticket.topic,
        "reason": ticket.reason,
        "assigned_to": ticket.assigned_to,
        "assigned_name": directory.agent_name(ticket.assigned_to),
        "created_at": ticket.created_at.isoformat(),
        "waiting_seconds": waiting_seconds(ticket, now),
        "last_message": _last_message_json(last_message),
        "enterprise": (
            {
                "credit_code": enterprise_code,
                "name": enterprise.name if enterprise else None,
            }
            if enterprise_code
            else None
        ),
        "contact": _contact_json(contact),
        "closed_at": ticket.closed_at.isoformat() if ticket.closed_at else None,
        "resolution": ticket.resolution,
    }


def _last_message_json(message: Message | None) -> dict[str, Any] | None:
    if message is None:
        return None
    text = message.text
    if text is None and message.image:
        text = "[图片]"
    if text is not None and len(text) > LAST_MESSAGE_MAX_CHARS:
        text = text[: LAST_MESSAGE_MAX_CHARS - 1] + "…"
    return {
        "text": text,
        "sender": message.sender,
        "created_at": message.created_at.isoformat(),
    }


def _contact_json(contact: Contact | None) -> dict[str, Any] | None:
    if contact is None:
        return None
    return {
        "name": contact.name,
        "phone": contact.phone,
        "message": contact.message,
        "created_at": contact.created_at.isoformat(),
    }


async def _last_messages(
    session: AsyncSession, conversation_ids: set[str]
) -> dict[str, Message]:
    newest = (
        select(func.max(Message.id))
        .where(Message.conversation_id.in_(conversation_ids))
        .group_by(Message.conversation_id)
    )
    rows = await session.scalars(select(Message).where(Message.id.in_(newest)))
    return {message.conversation_id: message for message in rows}


async def _latest_contacts(
    session: AsyncSession, ticket_ids: list[int]
) -> dict[int, Contact]:
    newest = (
        select(func.max(Contact.id))
        .where(Contact.ticket_id.in_(ticket_ids))
        .group_by(Contact.ticket_id)
    )
    rows = await session.scalars(select(Contact).where(Contact.id.in_(newest)))
    return {contact.ticket_id: contact for contact in rows}


async def notes_of(
    *, session: AsyncSession, ticket_id: int, directory: Directory
) -> list[dict[str, Any]]:
    """Return the transfer and return notes of a ticket, oldest first."""
    rows = await session.scalars(
        select(TicketNote)
        .where(TicketNote.ticket_id == ticket_id)
        .order_by(TicketNote.id)
    )
    return [
        {
            "kind": note.kind,
            "from": note.from_queue,
            "from_name": directory.queue_name(note.from_queue),
            "to": note.to_queue,
            "to_name": directory.queue_name(note.to_queue),
            "note": note.note,
            "by": note.by,
            "by_name": directory.agent_name(note.by),
            "at": note.at.isoformat(),
        }
        for note in rows
    ]


def flow_of(ticket: HandoffTicket) -> dict[str, Any] | None:
    """Return the guided procedure the citizen was in, from the handoff context.

    The action server sends it as ``context["flow"]`` with "flow",
    "flow_name", "step", "step_text" (what the step showed the citizen),
    "slots" and "answers" (each filled slot's question and the answer as the
    citizen saw it). Returns None when it sent none.
    """
    flow = (ticket.context or {}).get("flow")
    if not isinstance(flow, dict) or not flow.get("flow"):
        return None
    step_text = flow.get("step_text")
    return {
        "flow": flow.get("flow"),
        "flow_name": flow.get("flow_name"),
        "step": flow.get("step"),
        "step_text": step_text if isinstance(step_text, str) else None,
        "slots": flow.get("slots") if isinstance(flow.get("slots"), dict) else {},
        "answers": _flow_answers(flow.get("answers")),
    }


def _flow_answers(answers: Any) -> list[dict[str, str]]:
    """Keep the question-and-answer pairs of a handoff context that are strings."""
    if not isinstance(answers, list):
        return []
    return [
        {"question": item["question"], "answer": item["answer"]}
        for item in answers
        if isinstance(item, dict)
        and isinstance(item.get("question"), str)
        and isinstance(item.get("answer"), str)
    ]


async def queue_summaries(
    *,
    session: AsyncSession,
    queues: Sequence[str],
    directory: Directory,
    now: datetime,
) -> list[dict[str, Any]]:
    """Return each queue with its number of waiting tickets and the oldest wait."""
    rows = await session.execute(
        select(
            HandoffTicket.queue,
            func.count(),
            func.min(
                func.coalesce(HandoffTicket.queued_at, HandoffTicket.created_at),
                type_=UTCDateTime(),
            ),
        )
        .where(*_waiting_in(queues))
        .group_by(HandoffTicket.queue)
    )
    waiting = {queue: (count, oldest) for queue, count, oldest in rows.tuples()}
    summaries = []
    for queue in queues:
        count, oldest = waiting.get(queue, (0, None))
        oldest_seconds = 0
        if oldest is not None:
            oldest_seconds = max(0, int((now - oldest).total_seconds()))
        summaries.append(
            {
                "id": queue,
                "name": directory.queue_name(queue),
                "kind": split_queue(queue)[0],
                "agency": directory.queue_agency(queue),
                "waiting": count,
                "oldest_waiting_seconds": oldest_seconds,
            }
        )
    return summaries


def _waiting_in(queues: Sequence[str]) -> list[Any]:
    return [
        HandoffTicket.queue.in_(queues),
        HandoffTicket.state.in_(WAITING_TICKET_STATES),
        HandoffTicket.assigned_to.is_(None),
    ]


def list_query(
    *,
    agent: Agent,
    scope: str,
    queues: Sequence[str],
    text: str | None,
) -> Select[tuple[HandoffTicket]]:
    """Build the query of GET /api/agent/tickets for one scope.

    ``queue`` lists the waiting tickets of ``queues``, oldest first. ``mine``
    lists the tickets assigned to the agent. ``history`` lists the closed
    tickets of the agent's agency (every agency for administrators), newest
    first.
    """
    query = select(HandoffTicket)
    if scope == SCOPE_QUEUE:
        query = query.where(*_waiting_in(queues)).order_by(
            func.coalesce(HandoffTicket.queued_at, HandoffTicket.created_at),
            HandoffTicket.id,
        )
    elif scope == SCOPE_MINE:
        query = query.where(
            HandoffTicket.assigned_to == agent.username,
            HandoffTicket.state == TICKET_ASSIGNED,
        ).order_by(HandoffTicket.assigned_at, HandoffTicket.id)
    else:
        query = query.where(HandoffTicket.state == TICKET_CLOSED).order_by(
            HandoffTicket.closed_at.desc(), HandoffTicket.id.desc()
        )
        if agent.role != ROLE_ADMIN:
            query = query.where(HandoffTicket.agency == agent.agency_id)
    if text:
        query = query.where(_matches(text))
    return query.limit(MAX_LISTED_TICKETS)


def _matches(text: str) -> Any:
    """Return a filter for tickets whose id, ids, topic or messages contain ``text``."""
    pattern = (
        "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    )
    in_messages = (
        select(Message.id)
        .where(
            Message.conversation_id == HandoffTicket.conversation_id,
            Message.text.like(pattern, escape="\\"),
        )
        .exists()
    )
    in_conversation = (
        select(Conversation.id)
        .where(
            Conversation.id == HandoffTicket.conversation_id,
            Conversation.enterprise.like(pattern, escape="\\"),
        )
        .exists()
    )
    return or_(
        cast(HandoffTicket.id, String) == text,
        HandoffTicket.conversation_id.like(pattern, escape="\\"),
        HandoffTicket.topic.like(pattern, escape="\\"),
        in_messages,
        in_conversation,
    )
