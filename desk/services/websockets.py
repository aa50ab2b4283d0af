"""JSON helpers shared by the citizen and agent WebSocket endpoints."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlsplit

from sanic import Request
from sanic.exceptions import WebsocketClosed
from sanic.server.websockets.impl import WebsocketImplProtocol
from websockets.exceptions import ConnectionClosed

from desk.errors import DeskError

logger = logging.getLogger(__name__)

# Errors of a socket that the client closed.
SOCKET_CLOSED = (ConnectionClosed, WebsocketClosed)
# Maximum length of a WebSocket close reason in bytes (RFC 6455, section 5.5).
MAX_CLOSE_REASON_BYTES = 123
# Maximum length of an event from a client, in characters. Typing and ping
# events are far shorter.
MAX_CLIENT_EVENT_CHARS = 1000


async def send_json(ws: WebsocketImplProtocol, event: dict[str, Any]) -> None:
    """Send one event as a JSON text frame, keeping Chinese readable.

    A socket that the client closed drops the event, because the reading
    side then ends the handler.
    """
    try:
        await ws.send(json.dumps(event, ensure_ascii=False))
    except SOCKET_CLOSED:
        logger.debug("socket.send.dropped type=%s", event.get("type"))


async def receive_json(ws: WebsocketImplProtocol) -> dict[str, Any] | None:
    """Return the client's next event, None once the socket closed.

    A frame that is not a JSON object of at most MAX_CLIENT_EVENT_CHARS comes
    back as ``{"type": None}``, and the caller replies with an error event.
    """
    try:
        frame = await ws.recv()
    except SOCKET_CLOSED:
        return None
    if frame is None:
        return None
    if isinstance(frame, bytes):
        frame = frame.decode("utf-8", errors="replace")
    if len(frame) > MAX_CLIENT_EVENT_CHARS:
        return {"type": None}
    try:
        event = json.loads(frame)
    except json.JSONDecodeError:
        return {"type": None}
    return event if isinstance(event, dict) else {"type": None}


async def send_unknown_event_error(
    ws: WebsocketImplProtocol, kind: object, *, expected: str
) -> None:
    """Tell the client that it sent an event of an unknown type."""
    await send_json(
        ws,
        {
            "type": "error",
            "error": f"Unknown event type {str(kind)[:40]!r}; send {expected} "
            "events as JSON objects.",
        },
    )


async def close_for_error(ws: WebsocketImplProtocol, error: DeskError) -> None:
    """Close the socket with code 4000 + the error's HTTP status and its message.

    Browsers cannot read the HTTP status of a refused handshake, so the
    socket opens and closes at once with a code they can read.
    """
    status = error.status_code or 500
    reason = str(error).encode("utf-8")[:MAX_CLOSE_REASON_BYTES]
    await ws.close(code=4000 + status, reason=reason.decode("utf-8", errors="ignore"))


def check_same_origin(request: Request) -> None:
    """Raise 403 when a browser opens the socket from a page of another site.

    The session cookie is SameSite=Strict already; this check also covers
    browsers that send it on cross-site WebSocket requests.
    """
    origin = request.headers.get("origin")
    if not origin:
        return
    if urlsplit(origin).netloc != request.headers.get("host", ""):
        logger.warning("agent.socket.rejected_origin origin=%s", origin[:100])
        raise DeskError(
            "WebSocket opened from another site; open the console from the desk.",
            status_code=403,
        )
