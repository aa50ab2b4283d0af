"""WebSocket of the agent console: ticket, message, presence and typing events.

``WS /api/agent/ws`` needs the ``desk_session`` cookie. It pushes the events
of the agent's agency (every agency for administrators). The client may send
``{"type": "ping"}``, which gets ``{"type": "pong"}``, and
``{"type": "typing", "ticket_id": N, "typing": true}`` for a ticket assigned
to the agent, which the citizen's widget shows.

While at least one console socket of an agent is open the agent keeps their
presence; after the last one has been closed for ``presence_grace_seconds``
(60 s by default) the agent goes offline. Opening a socket again sets an
offline agent online. Failed checks close the socket with code 4000 + the
HTTP status, such as 4401 without a valid session.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sanic import Blueprint, Request, Sanic
from sanic.server.websockets.impl import WebsocketImplProtocol

from desk.errors import DeskError
from desk.models.base import utcnow
from desk.models.conversation import TICKET_ASSIGNED, HandoffTicket
from desk.models.organisation import (
    PRESENCE_OFFLINE,
    PRESENCE_ONLINE,
    ROLE_ADMIN,
    Agent,
)
from desk.organisation.directory import Directory
from desk.services import hub
from desk.services.auth import COOKIE_NAME, authenticate
from desk.services.presence import change_presence
from desk.services.websockets import (
    check_same_origin,
    close_for_error,
    receive_json,
    send_json,
    send_unknown_event_error,
)

logger = logging.getLogger(__name__)

bp = Blueprint("agent_ws")


@bp.listener("before_server_stop")
async def cancel_presence_timers(app: Sanic) -> None:
    """Cancel the pending offline timers so that the server stops at once."""
    app.ctx.console_connections.cancel_all()


@bp.websocket("/api/agent/ws")
async def agent_socket(request: Request, ws: WebsocketImplProtocol) -> None:
    """Push the events of the agent's agency to the console."""
    app = request.app
    token = request.cookies.get(COOKIE_NAME)
    try:
        check_same_origin(request)
        agent = await authenticate_socket(app, token)
    except DeskError as error:
        await close_for_error(ws, error)
        return

    connections = app.ctx.console_connections
    connections.opened(agent.username)
    if agent.presence == PRESENCE_OFFLINE:
        await set_presence(app, agent.username, PRESENCE_ONLINE, "websocket_opened")
    try:
        with app.ctx.hub.subscribe(hub.AGENTS_CHANNEL) as subscription:
            reader = asyncio.create_task(read_agent_events(app, ws, agent, token))
            try:
                await forward_events(ws, subscription, agent, reader)
            finally:
                reader.cancel()
    finally:
        connections.closed(
            agent.username,
            lambda: set_presence(
                app, agent.username, PRESENCE_OFFLINE, "websocket_closed"
            ),
        )


async def authenticate_socket(app: Sanic, token: str | None) -> Agent:
    """Return the agent of a session cookie, refreshing the session.

    Raises:
        DeskError: 401 without a valid session.
    """
    async with app.ctx.sessionmaker() as session:
        agent, _ = await authenticate(
            session=session,
            token=token,
            now=utcnow(),
            idle_seconds=app.ctx.settings.session_idle_seconds,
        )
        return agent


async def forward_events(
    ws: WebsocketImplProtocol,
    subscription: hub.Subscription,
    agent: Agent,
    reader: asyncio.Task[None],
) -> None:
    """Send the events that the agent may see until the socket closes."""
    while not subscription.overflowed:
        getter = asyncio.ensure_future(subscription.queue.get())
        done, _ = await asyncio.wait(
            {getter, reader}, return_when=asyncio.FIRST_COMPLETED
        )
        if getter not in done:
            getter.cancel()
            return
        envelope = getter.result()
        if agent.role == ROLE_ADMIN or agent.agency_id in envelope["agencies"]:
            await send_json(ws, envelope["event"])
    # The console missed events; it reconnects and reloads its lists.
    await ws.close(code=1013, reason="too far behind; reconnect and reload")


async def read_agent_events(
    app: Sanic, ws: WebsocketImplProtocol, agent: Agent, token: str | None
) -> None:
    """Reply to pings, which also keep the session alive, and forward typing.

    A ping after the session expired closes the socket with 4401.
    """
    while True:
        event = await receive_json(ws)
        if event is None:
            return
        kind = event.get("type")
        if kind == "ping":
            try:
                await authenticate_socket(app, token)
            except DeskError as error:
                await close_for_error(ws, error)
                return
            await send_json(ws, {"type": "pong"})
        elif kind == "typing":
            await forward_agent_typing(app, agent, event)
        else:
            await send_unknown_event_error(ws, kind, expected='"ping" or "typing"')


async def forward_agent_typing(app: Sanic, agent: Agent, event: dict[str, Any]) -> None:
    """Show the citizen that the agent types, for a ticket assigned to the agent."""
    ticket_id = event.get("ticket_id")
    if type(ticket_id) is not int:
        return
    async with app.ctx.sessionmaker() as session:
        ticket = await session.get(HandoffTicket, ticket_id)
    if (
        ticket is None
        or ticket.state != TICKET_ASSIGNED
        or ticket.assigned_to != agent.username
    ):
        return
    app.ctx.hub.publish(
        hub.conversation_channel(ticket.conversation_id),
        {"type": "typing", "sender": "agent", "typing": event.get("typing") is True},
    )


async def set_presence(app: Sanic, username: str, presence: str, cause: str) -> None:
    """Store a presence change that the console's sockets caused, and push it."""
    async with app.ctx.sessionmaker() as session:
        agent = await session.get(Agent, username)
        if agent is None or agent.presence == presence:
            return
        change_presence(
            session,
            agent=agent,
            presence=presence,
            directory=await Directory.load(session),
            now=utcnow(),
            cause=cause,
        )
        await session.commit()
