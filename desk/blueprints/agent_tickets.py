"""Agent console API for tickets: lists, details and the ticket actions."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from desk.errors import DeskError
from desk.models.base import utcnow
from desk.models.conversation import HandoffTicket
from desk.models.handoff import NOTE_MAX_CHARS
from desk.models.organisation import Agent
from desk.organisation.directory import Directory
from desk.services import ticket_actions
from desk.services.agent_requests import (
    agent_fields,
    current_agent,
    message_text,
    optional_text,
    required_text,
)
from desk.services.conversations import list_messages, message_to_dict
from desk.services.ticket_views import (
    SCOPE_QUEUE,
    SCOPES,
    agent_ticket_json,
    agent_tickets_json,
    flow_of,
    list_query,
    notes_of,
)
from desk.settings import MAX_MESSAGE_CHARS

bp = Blueprint("agent_tickets")

MAX_SEARCH_CHARS = 100


@bp.get("/api/agent/tickets")
async def get_tickets(request: Request) -> HTTPResponse:
    """List tickets of one scope: queue (default), mine or history.

    ``queue`` narrows the queue scope to one of the agent's queues; ``q``
    keeps tickets whose id, conversation, topic, enterprise or messages
    contain the text.
    """
    agent = await current_agent(request)
    session = request.ctx.session
    directory = await Directory.load(session)
    scope = request.args.get("scope") or SCOPE_QUEUE
    if scope not in SCOPES:
        raise DeskError(
            f'Invalid "scope": {scope[:40]!r}; use one of {", ".join(SCOPES)}.',
            status_code=422,
        )
    queues = directory.queues_of(agent)
    queue = request.args.get("queue")
    if queue:
        if queue not in queues:
            raise DeskError(
                f'Invalid "queue": {queue[:100]!r} is not one of your queues; '
                "GET /api/agent/queues lists them.",
                status_code=403,
            )
        queues = [queue]
    text = (request.args.get("q") or "").strip()
    if len(text) > MAX_SEARCH_CHARS:
        raise DeskError(
            f'Invalid "q": {len(text)} characters; use at most {MAX_SEARCH_CHARS}.',
            status_code=422,
        )
    tickets = (
        await session.scalars(
            list_query(agent=agent, scope=scope, queues=queues, text=text or None)
        )
    ).all()
    body = await agent_tickets_json(
        session=session, tickets=tickets, directory=directory, now=utcnow()
    )
    return json({"tickets": body})


@bp.get("/api/agent/tickets/<ticket_id:int>")
async def get_ticket(request: Request, ticket_id: int) -> HTTPResponse:
    """Return a ticket with the whole transcript, the flow and the notes."""
    agent = await current_agent(request)
    session = request.ctx.session
    ticket, directory = await visible_ticket(request, agent, ticket_id)
    messages = await list_messages(
        session=session, conversation_id=ticket.conversation_id
    )
    body = {
        "ticket": await agent_ticket_json(
            session=session, ticket=ticket, directory=directory, now=utcnow()
        ),
        "messages": [message_to_dict(message) for message in messages],
        "flow": flow_of(ticket),
        "notes": await notes_of(
            session=session, ticket_id=ticket.id, directory=directory
        ),
    }
    return json(body)


@bp.post("/api/agent/tickets/<ticket_id:int>/accept")
async def post_accept(request: Request, ticket_id: int) -> HTTPResponse:
    """Assign a waiting ticket to the agent; 409 when someone was faster."""
    agent = await current_agent(request)
    session = request.ctx.session
    ticket, directory = await visible_ticket(request, agent, ticket_id)
    ticket = await ticket_actions.accept(
        session=session, agent=agent, ticket=ticket, directory=directory, now=utcnow()
    )
    return await ticket_response(request, ticket, directory)


@bp.post("/api/agent/tickets/<ticket_id:int>/messages")
async def post_agent_message(request: Request, ticket_id: int) -> HTTPResponse:
    """Store the assigned agent's reply; the citizen gets it pushed."""
    agent = await current_agent(request)
    fields = agent_fields(request, example='{"text": "您好，请问…"}')
    text = message_text(fields)
    session = request.ctx.session
    ticket, directory = await visible_ticket(request, agent, ticket_id)
    message = await ticket_actions.reply(
        session=session, agent=agent, ticket=ticket, text=text
    )
    return json({"message": message_to_dict(message)}, status=201)


@bp.post("/api/agent/tickets/<ticket_id:int>/transfer")
async def post_transfer(request: Request, ticket_id: int) -> HTTPResponse:
    """Move the ticket to a department's queue with a note."""
    agent = await current_agent(request)
    fields = agent_fields(
        request, example='{"department": "taian_city.pension", "note": "…"}'
    )
    department = required_text(fields, "department", max_chars=64)
    note = optional_text(fields, "note", max_chars=NOTE_MAX_CHARS)
    session = request.ctx.session
    ticket, directory = await visible_ticket(request, agent, ticket_id)
    await ticket_actions.transfer(
        session=session,
        agent=agent,
        ticket=ticket,
        department_id=department,
        note=note,
        directory=directory,
        now=utcnow(),
    )
    return await ticket_response(request, ticket, directory)


@bp.post("/api/agent/tickets/<ticket_id:int>/return")
async def post_return(request: Request, ticket_id: int) -> HTTPResponse:
    """Send the ticket back to the window queue of its agency, with a note."""
    agent = await current_agent(request)
    fields = agent_fields(request, example='{"note": "…"}')
    note = optional_text(fields, "note", max_chars=NOTE_MAX_CHARS)
    session = request.ctx.session
    ticket, directory = await visible_ticket(request, agent, ticket_id)
    await ticket_actions.return_to_window(
        session=session, agent=agent, ticket=ticket, note=note, now=utcnow()
    )
    return await ticket_response(request, ticket, directory)


@bp.post("/api/agent/tickets/<ticket_id:int>/close")
async def post_close(request: Request, ticket_id: int) -> HTTPResponse:
    """Close the ticket with a resolution; the bot takes the conversation back."""
    agent = await current_agent(request)
    fields = agent_fields(request, example='{"resolution": "已解答缴费基数问题"}')
    resolution = required_text(fields, "resolution", max_chars=MAX_MESSAGE_CHARS)
    session = request.ctx.session
    ticket, directory = await visible_ticket(request, agent, ticket_id)
    await ticket_actions.close(
        session=session,
        http=request.app.ctx.http,
        settings=request.app.ctx.settings,
        agent=agent,
        ticket=ticket,
        resolution=resolution,
        now=utcnow(),
    )
    return await ticket_response(request, ticket, directory)


async def visible_ticket(
    request: Request, agent: Agent, ticket_id: int
) -> tuple[HandoffTicket, Directory]:
    """Return a ticket the agent may see, with the directory that scoped it."""
    directory = await Directory.load(request.ctx.session)
    ticket = await ticket_actions.load_visible_ticket(
        session=request.ctx.session,
        agent=agent,
        ticket_id=ticket_id,
        directory=directory,
    )
    return ticket, directory


async def ticket_response(
    request: Request, ticket: HandoffTicket, directory: Directory
) -> HTTPResponse:
    """Return ``{"ticket": TicketJSON}`` for a ticket that an action changed."""
    body = await agent_ticket_json(
        session=request.ctx.session, ticket=ticket, directory=directory, now=utcnow()
    )
    return json({"ticket": body})
