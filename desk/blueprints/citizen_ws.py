"""WebSocket of one conversation: pushes messages, status changes and typing.

``WS /api/conversations/{id}/ws?token=…&after=N`` sends every message with
an id above N, then each new message once it is stored. Message pushes are
read from the database in id order, so a client that reconnects with the
last id it has gets no gaps and no duplicates. Without ``after`` only
messages stored after the connection opened are sent.

Failed checks close the socket with code 4000 + the HTTP status, such as
4401 for a wrong token and 4404 for an unknown conversation. A page of a site
that is neither the desk nor in DESK_WIDGET_ORIGINS gets HTTP 403 in place of
the handshake, so no socket opens for it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sanic import Blueprint, Request, Sanic
from sanic.server.websockets.impl import WebsocketImplProtocol
from sqlalchemy import func, select

from desk.blueprints.conversations import after_id_argument
from desk.errors import DeskError
from desk.models.conversation import OPEN_TICKET_STATES, HandoffTicket, Message
from desk.services import hub
from desk.services.conversations import (
    authorize_conversation,
    list_messages,
    message_to_dict,
)
from desk.services.cors import check_socket_origin
from desk.services.websockets import (
    close_for_error,
    receive_json,
    send_json,
    send_unknown_event_error,
)

logger = logging.getLogger(__name__)

bp = Blueprint("citizen_ws")


@bp.on_request
async def check_origin(request: Request) -> None:
    """Reject a socket from a foreign page before the handshake accepts it."""
    check_socket_origin(request, request.app.ctx.settings.widget_origins)


@bp.websocket("/api/conversations/<conversation_id:str>/ws")
async def conversation_socket(
    request: Request, ws: WebsocketImplProtocol, conversation_id: str
) -> None:
    """Push a conversation's events to the citizen's widget."""
    app = request.app
    try:
        async with app.ctx.sessionmaker() as session:
            conversation = await authorize_conversation(
                session=session,
                conversation_id=conversation_id,
                token=request.args.get("token"),
            )
            after = after_id_argument(request) if "after" in request.args else None
            newest = await session.scalar(
                select(func.max(Message.id)).where(
                    Message.conversation_id == conversation.id
                )
            )
    except DeskError as error:
        await close_for_error(ws, error)
        return

    channel = hub.conversation_channel(conversation.id)
    with app.ctx.hub.subscribe(channel) as subscription:
        last_sent = newest or 0
        if after is not None:
            last_sent = await send_messages_after(app, ws, conversation.id, after)
        reader = asyncio.create_task(read_citizen_events(app, ws, conversation.id))
        try:
            await forward_events(
                app, ws, subscription, conversation.id, last_sent, reader
            )
        finally:
            reader.cancel()
    logger.debug("conversation.socket.closed conversation=%s", conversation.id)


async def forward_events(
    app: Sanic,
    ws: WebsocketImplProtocol,
    subscription: hub.Subscription,
    conversation_id: str,
    last_sent: int,
    reader: asyncio.Task[None],
) -> None:
    """Send hub events to the socket until the client leaves or falls behind."""
    while not subscription.overflowed:
        getter = asyncio.ensure_future(subscription.queue.get())
        done, _ = await asyncio.wait(
            {getter, reader}, return_when=asyncio.FIRST_COMPLETED
        )
        if getter not in done:
            getter.cancel()
            return
        event = getter.result()
        if event.get("type") == "message":
            if event["id"] > last_sent:
                last_sent = await send_messages_after(
                    app, ws, conversation_id, last_sent
                )
        else:
            await send_json(ws, event)
    # The client missed events; it reconnects and resumes with ?after=.
    await ws.close(code=1013, reason="too far behind; reconnect with ?after=")


async def send_messages_after(
    app: Sanic, ws: WebsocketImplProtocol, conversation_id: str, after: int
) -> int:
    """Send the stored messages with an id above ``after``; return the last id."""
    async with app.ctx.sessionmaker() as session:
        messages = await list_messages(
            session=session, conversation_id=conversation_id, after_id=after
        )
    for message in messages:
        await send_json(ws, {"type": "message", "message": message_to_dict(message)})
    return messages[-1].id if messages else after


async def read_citizen_events(
    app: Sanic, ws: WebsocketImplProtocol, conversation_id: str
) -> None:
    """Reply to pings and forward the citizen's typing to the agent consoles."""
    while True:
        event = await receive_json(ws)
        if event is None:
            return
        kind = event.get("type")
        if kind == "ping":
            await send_json(ws, {"type": "pong"})
        elif kind == "typing":
            await forward_citizen_typing(
                app, conversation_id, event.get("typing") is True
            )
        else:
            await send_unknown_event_error(ws, kind, expected='"ping" or "typing"')


async def forward_citizen_typing(
    app: Sanic, conversation_id: str, typing: bool
) -> None:
    """Tell the consoles of the open ticket's agency that the citizen types."""
    async with app.ctx.sessionmaker() as session:
        row = (
            await session.execute(
                select(HandoffTicket.id, HandoffTicket.agency)
                .where(
                    HandoffTicket.conversation_id == conversation_id,
                    HandoffTicket.state.in_(OPEN_TICKET_STATES),
                )
                .order_by(HandoffTicket.id.desc())
                .limit(1)
            )
        ).first()
    if row is None:
        return
    event: dict[str, Any] = {
        "type": "typing",
        "ticket_id": row.id,
        "sender": "citizen",
        "typing": typing,
    }
    app.ctx.hub.publish(hub.AGENTS_CHANNEL, {"agencies": [row.agency], "event": event})
