"""Service API for handoff tickets, called by the action server and the CLI."""

from __future__ import annotations

import hmac

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from desk.errors import DeskError, NotFound
from desk.models.conversation import TICKET_STATES, Conversation
from desk.services.request_body import parse_handoff_request
from desk.services.tickets import list_tickets, open_routed_ticket, ticket_to_dict

bp = Blueprint("handoffs")

DEFAULT_LIST_LIMIT = 100
MAX_LIST_LIMIT = 1000


def check_service_token(request: Request) -> None:
    """Raise a 401 DeskError unless X-Service-Token matches the configured token.

    An empty ``service_token`` setting turns the check off, which suits a
    desk that listens on the loopback interface only.
    """
    expected = request.app.ctx.settings.service_token
    if not expected:
        return
    sent = request.headers.get("x-service-token", "")
    if not hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8")):
        reason = "Invalid" if sent else "Missing"
        raise DeskError(
            f"{reason} X-Service-Token header: send the desk's service token "
            "(DESK_SERVICE_TOKEN).",
            status_code=401,
        )


def state_argument(request: Request) -> str | None:
    """Return the ``state`` query argument, None when absent.

    Raises:
        DeskError: the value is not a ticket state.
    """
    state = request.args.get("state")
    if state is None or state in TICKET_STATES:
        return state
    raise DeskError(
        f'Invalid "state": {state!r}; use one of {", ".join(TICKET_STATES)}.'
    )


def limit_argument(request: Request) -> int:
    """Return the ``limit`` query argument, DEFAULT_LIST_LIMIT when absent.

    Raises:
        DeskError: the value is not an integer from 1 to MAX_LIST_LIMIT.
    """
    value = request.args.get("limit", str(DEFAULT_LIST_LIMIT))
    # The length check keeps int() away from huge digit strings, which it
    # rejects with ValueError above 4,300 digits.
    short = len(value) <= len(str(MAX_LIST_LIMIT))
    if short and value.isascii() and value.isdigit():
        if 1 <= int(value) <= MAX_LIST_LIMIT:
            return int(value)
    shown = value if len(value) <= 20 else f"{value[:20]}… ({len(value)} characters)"
    raise DeskError(
        f'Invalid "limit": {shown!r}; use an integer from 1 to {MAX_LIST_LIMIT}.'
    )


@bp.post("/api/handoffs")
async def post_handoff(request: Request) -> HTTPResponse:
    """Open a handoff ticket; 201 when new, 200 with the open one otherwise."""
    check_service_token(request)
    handoff = parse_handoff_request(request.body)
    session = request.ctx.session
    conversation = await session.get(Conversation, handoff.conversation_id)
    if conversation is None:
        raise NotFound(f"Conversation {handoff.conversation_id!r} not found.")

    opened = await open_routed_ticket(
        session=session,
        conversation=conversation,
        reason=handoff.reason,
        topic=handoff.topic,
        context=handoff.context,
        idle_seconds=request.app.ctx.settings.session_idle_seconds,
    )
    ticket = opened.ticket
    next_open = opened.route.next_open if opened.route else None
    body = {
        "ticket_id": ticket.id,
        "state": ticket.state,
        "conversation_id": conversation.id,
        "created": opened.created,
        "queue": ticket.queue,
        "next_open": next_open.isoformat() if next_open else None,
    }
    return json(body, status=201 if opened.created else 200)


@bp.get("/api/handoffs")
async def get_handoffs(request: Request) -> HTTPResponse:
    """Return tickets, oldest first, optionally only those in one state."""
    check_service_token(request)
    state = state_argument(request)
    tickets = await list_tickets(
        session=request.ctx.session,
        states=None if state is None else [state],
        limit=limit_argument(request),
    )
    return json([ticket_to_dict(ticket) for ticket in tickets])
