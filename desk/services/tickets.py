"""Handoff tickets: opening them, listing them and printing them for staff."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from desk.db import create_engine, create_sessionmaker
from desk.models.base import utcnow
from desk.models.conversation import (
    OPEN_TICKET_STATES,
    SENDER_CITIZEN,
    SENDER_SYSTEM,
    STATUS_BOT,
    TICKET_CLOSED,
    TICKET_LEFT_MESSAGE,
    TICKET_QUEUED,
    Conversation,
    HandoffTicket,
    Message,
)
from desk.models.organisation import Enterprise
from desk.organisation.directory import Directory
from desk.privacy import mask_personal_data
from desk.services import hub
from desk.services.conversations import add_message, recent_messages
from desk.services.presence import online_usernames
from desk.services.routing import Route, choose_route, left_message_notice
from desk.services.ticket_views import agent_ticket_json
from desk.settings import Settings

logger = logging.getLogger(__name__)

# Number of the conversation's latest messages that the desk copies into the
# ticket context, so that the agent can read them without opening the transcript.
RECENT_MESSAGES_IN_CONTEXT = 10
CONTEXT_MESSAGES_KEY = "recent_messages"

# Maximum length in characters of the last citizen message that `desk tickets` prints.
EXCERPT_MAX_CHARS = 60


async def find_open_ticket(
    *, session: AsyncSession, conversation_id: str
) -> HandoffTicket | None:
    """Return the conversation's newest ticket that is still open, if any."""
    query = (
        select(HandoffTicket)
        .where(
            HandoffTicket.conversation_id == conversation_id,
            HandoffTicket.state.in_(OPEN_TICKET_STATES),
        )
        .order_by(HandoffTicket.id.desc())
        .limit(1)
    )
    return (await session.scalars(query)).first()


async def open_ticket(
    *,
    session: AsyncSession,
    conversation: Conversation,
    reason: str,
    topic: str | None = None,
    context: dict[str, Any] | None = None,
    idle_seconds: int = Settings.session_idle_seconds,
) -> tuple[HandoffTicket, bool]:
    """Open a routed handoff ticket for the conversation and commit it.

    Returns the ticket and True when it is new, or the already open ticket and
    False. See ``open_routed_ticket``.
    """
    opened = await open_routed_ticket(
        session=session,
        conversation=conversation,
        reason=reason,
        topic=topic,
        context=context,
        idle_seconds=idle_seconds,
    )
    return opened.ticket, opened.created


@dataclass(frozen=True)
class OpenedTicket:
    """Result of opening a ticket: the ticket and whether it is new.

    ``notice`` is the system message with the time of the staff's reply, for
    a ticket left as a message; ``route`` is None for an existing ticket.
    """

    ticket: HandoffTicket
    created: bool
    notice: Message | None = None
    route: Route | None = None


async def open_routed_ticket(
    *,
    session: AsyncSession,
    conversation: Conversation,
    reason: str,
    topic: str | None = None,
    context: dict[str, Any] | None = None,
    department_id: str | None = None,
    now: datetime | None = None,
    idle_seconds: int = Settings.session_idle_seconds,
) -> OpenedTicket:
    """Route a new handoff ticket to a queue (desk.services.routing) and commit it.

    The conversation's status changes from "bot" in a conditional UPDATE, so
    of two concurrent calls only one creates a ticket. The other returns the
    open one. A ticket that routing leaves as "left_message" gets a system
    message saying when staff will reply. ``department_id`` starts the ticket
    in that department's queue, for enterprise HR staff who chose it.
    """
    now = now or utcnow()
    existing = await find_open_ticket(session=session, conversation_id=conversation.id)
    if existing is not None:
        return OpenedTicket(ticket=existing, created=False)

    claim = cast(
        "CursorResult[Any]",
        await session.execute(
            update(Conversation)
            .where(
                Conversation.id == conversation.id, Conversation.status == STATUS_BOT
            )
            .values(status=TICKET_QUEUED, updated_at=now)
        ),
    )
    if claim.rowcount == 0:
        existing = await find_open_ticket(
            session=session, conversation_id=conversation.id
        )
        if existing is not None:
            # Nothing changed; commit only ends the transaction. A rollback
            # would expire the loaded conversation, which async code cannot reload.
            await session.commit()
            return OpenedTicket(ticket=existing, created=False)
        # The status names a ticket state although no ticket is open, so the
        # conversation would never reach staff. Open a ticket all the same.

    route = await route_for(
        session=session,
        conversation=conversation,
        topic=topic,
        department_id=department_id,
        now=now,
        idle_seconds=idle_seconds,
    )
    conversation.status = route.state
    ticket = HandoffTicket(
        conversation_id=conversation.id,
        state=route.state,
        topic=topic,
        reason=reason,
        context=await build_context(
            session=session, conversation_id=conversation.id, context=context
        ),
        created_at=now,
        agency=route.agency,
        queue=route.queue,
        queued_at=now,
    )
    session.add(ticket)
    await session.flush()
    notice = None
    if route.state == TICKET_LEFT_MESSAGE:
        notice = await add_message(
            session=session,
            conversation=conversation,
            sender=SENDER_SYSTEM,
            text=left_message_notice(route),
        )
    await defer_ticket_pushes(session=session, ticket=ticket, now=now)
    await session.commit()

    logger.info(
        "handoff.ticket.created ticket=%s conversation=%s topic=%s reason=%s "
        "state=%s queue=%s why=%s",
        ticket.id,
        conversation.id,
        topic,
        reason,
        ticket.state,
        ticket.queue,
        route.why,
    )
    return OpenedTicket(ticket=ticket, created=True, notice=notice, route=route)


async def route_for(
    *,
    session: AsyncSession,
    conversation: Conversation,
    topic: str | None,
    department_id: str | None,
    now: datetime,
    idle_seconds: int,
) -> Route:
    """Load the organisation and who is online, then choose the ticket's route."""
    directory = await Directory.load(session)
    enterprise = None
    if conversation.enterprise:
        enterprise = await session.get(Enterprise, conversation.enterprise)
    online = await online_usernames(session=session, now=now, idle_seconds=idle_seconds)
    return choose_route(
        directory=directory,
        online=online,
        agency_id=conversation.agency,
        enterprise=enterprise,
        topic=topic,
        now=now,
        department_id=department_id,
    )


async def defer_ticket_pushes(
    *,
    session: AsyncSession,
    ticket: HandoffTicket,
    now: datetime,
    agent_name: str | None = None,
    previous_agency: str | None = None,
) -> None:
    """Queue the pushes of a changed ticket until the transaction commits.

    The citizen gets the conversation's new status, the consoles the TicketJSON.
    Consoles of ``previous_agency`` get it too, when a transfer moved the
    ticket to another agency.
    """
    directory = await Directory.load(session)
    hub.defer(
        session,
        hub.conversation_channel(ticket.conversation_id),
        {
            "type": "status",
            "status": STATUS_BOT if ticket.state == TICKET_CLOSED else ticket.state,
            "agent_name": agent_name,
            "ticket_id": ticket.id,
            "ticket_state": ticket.state,
        },
    )
    hub.defer(
        session,
        hub.AGENTS_CHANNEL,
        {
            "agencies": [ticket.agency, previous_agency],
            "event": {
                "type": "ticket",
                "ticket": await agent_ticket_json(
                    session=session, ticket=ticket, directory=directory, now=now
                ),
            },
        },
    )


async def build_context(
    *, session: AsyncSession, conversation_id: str, context: dict[str, Any] | None
) -> dict[str, Any]:
    """Return the caller's context with the conversation's latest messages added."""
    messages = await recent_messages(
        session=session,
        conversation_id=conversation_id,
        limit=RECENT_MESSAGES_IN_CONTEXT,
    )
    return {
        **(context or {}),
        CONTEXT_MESSAGES_KEY: [
            {
                "id": message.id,
                "sender": message.sender,
                "text": message.text,
                "payload": message.payload,
                "created_at": message.created_at.isoformat(),
            }
            for message in messages
        ],
    }


async def list_tickets(
    *, session: AsyncSession, states: Sequence[str] | None, limit: int
) -> list[HandoffTicket]:
    """Return up to ``limit`` tickets, oldest first, in ``states`` unless None."""
    query = select(HandoffTicket).order_by(HandoffTicket.id).limit(limit)
    if states is not None:
        query = query.where(HandoffTicket.state.in_(states))
    return list((await session.scalars(query)).all())


def ticket_to_dict(ticket: HandoffTicket) -> dict[str, Any]:
    """Return the API form of a ticket, with ISO 8601 times."""
    return {
        "ticket_id": ticket.id,
        "conversation_id": ticket.conversation_id,
        "state": ticket.state,
        "topic": ticket.topic,
        "reason": ticket.reason,
        "context": ticket.context,
        "created_at": ticket.created_at.isoformat(),
        "closed_at": ticket.closed_at.isoformat() if ticket.closed_at else None,
    }


async def last_citizen_text(
    *, session: AsyncSession, conversation_id: str
) -> str | None:
    """Return the text the citizen typed last; button clicks do not count."""
    query = (
        select(Message.text)
        .where(
            Message.conversation_id == conversation_id,
            Message.sender == SENDER_CITIZEN,
            Message.text.is_not(None),
            Message.payload.is_(None),
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


def excerpt(text: str | None) -> str:
    """Return a one-line excerpt of ``text`` with ID and mobile numbers masked.

    Masking comes before shortening, so that a number cut in half at the end of
    the excerpt cannot slip past the pattern.
    """
    if not text:
        return "-"
    one_line = " ".join(mask_personal_data(text).split())
    if len(one_line) <= EXCERPT_MAX_CHARS:
        return one_line
    return one_line[: EXCERPT_MAX_CHARS - 1] + "…"


async def print_open_tickets(settings: Settings, *, show_all: bool) -> None:
    """Print the open handoff tickets, or every ticket when ``show_all`` is set.

    Each row shows the id, state, topic, reason, conversation, creation time
    and the masked last citizen message.
    """
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            states = None if show_all else OPEN_TICKET_STATES
            tickets = await list_tickets(session=session, states=states, limit=1000)
            rows = [
                await ticket_row(session=session, ticket=ticket) for ticket in tickets
            ]
    finally:
        await engine.dispose()

    if not rows:
        print("No handoff tickets." if show_all else "No open handoff tickets.")
        return
    header = ("ID", "STATE", "TOPIC", "REASON", "CONVERSATION", "CREATED (UTC)")
    print_table([*header, "LAST CITIZEN MESSAGE"], rows)


async def ticket_row(*, session: AsyncSession, ticket: HandoffTicket) -> list[str]:
    """Return the printed columns of one ticket."""
    text = await last_citizen_text(
        session=session, conversation_id=ticket.conversation_id
    )
    return [
        str(ticket.id),
        ticket.state,
        ticket.topic or "-",
        ticket.reason,
        ticket.conversation_id,
        ticket.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        excerpt(text),
    ]


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """Print rows in columns padded to the widest cell; the last column is free."""
    table = [header, *rows]
    widths = [max(len(row[column]) for row in table) for column in range(len(header))]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        print("  ".join(cells[:-1] + [row[-1]]))
