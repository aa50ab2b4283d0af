"""Request helpers of the agent API: the session cookie and input checks.

The agent API rejects bad input with 422, a malformed JSON body included.
"""

from __future__ import annotations

from typing import Any

from sanic import Request

from desk.errors import DeskError
from desk.models.base import utcnow
from desk.models.organisation import Agent
from desk.services.auth import COOKIE_NAME, authenticate
from desk.services.request_body import (
    check_text,
    json_type_name,
    parse_json_object,
    reject_invalid_unicode,
    trim,
)


async def current_agent(request: Request) -> Agent:
    """Return the agent of the request's session cookie, and keep it on request.ctx.

    Raises:
        DeskError: 401 without a valid session.
    """
    agent, agent_session = await authenticate(
        session=request.ctx.session,
        token=request.cookies.get(COOKIE_NAME),
        now=utcnow(),
        idle_seconds=request.app.ctx.settings.session_idle_seconds,
    )
    request.ctx.agent = agent
    request.ctx.agent_session = agent_session
    return agent


def agent_fields(request: Request, *, example: str) -> dict[str, Any]:
    """Decode the JSON object body of an agent request.

    Raises:
        DeskError: 422 when the body is missing, not JSON or not an object.
    """
    try:
        return parse_json_object(request.body, example=example)
    except DeskError as error:
        raise DeskError(str(error), status_code=422) from error


def required_text(
    fields: dict[str, Any], name: str, *, max_chars: int, strip: bool = True
) -> str:
    """Return a string field that must be present and not blank.

    Raises:
        DeskError: 422 when it is missing, blank, not a string or too long.
    """
    value = optional_text(fields, name, max_chars=max_chars, strip=strip)
    if not value:
        raise DeskError(f'Missing "{name}": send it as a non-empty string.', 422)
    return value


def optional_text(
    fields: dict[str, Any], name: str, *, max_chars: int, strip: bool = True
) -> str:
    """Return a string field, "" when it is absent or null.

    Raises:
        DeskError: 422 when it is not a string, contains invalid Unicode or
            NUL, or is longer than ``max_chars`` after trimming.
    """
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DeskError(
            f'Invalid "{name}": expected a string, got a JSON {json_type_name(value)}.',
            status_code=422,
        )
    try:
        reject_invalid_unicode(name, value)
    except DeskError as error:
        raise DeskError(str(error), status_code=422) from error
    text = trim(value) if strip else value
    if "\x00" in text:
        raise DeskError(f'Invalid "{name}": it contains a NUL character.', 422)
    if len(text) > max_chars:
        raise DeskError(
            f'Invalid "{name}": {len(text)} characters long, but the maximum is '
            f"{max_chars}.",
            status_code=422,
        )
    return text


def message_text(fields: dict[str, Any]) -> str:
    """Return the trimmed "text" of an agent's reply.

    Raises:
        DeskError: 422 when it is missing, blank or invalid; 413 when it is
            longer than a citizen's message may be.
    """
    text = optional_text(fields, "text", max_chars=10**6)
    if not text:
        raise DeskError('Missing "text": send the reply as {"text": "…"}.', 422)
    check_text(text)
    return text


def limit_argument(request: Request, *, default: int, maximum: int) -> int:
    """Return the ``limit`` query argument.

    Raises:
        DeskError: 422 unless it is a whole number from 1 to ``maximum``.
    """
    value = request.args.get("limit")
    if value is None or value == "":
        return default
    if value.isascii() and value.isdigit() and len(value) <= 6:
        if 1 <= int(value) <= maximum:
            return int(value)
    raise DeskError(
        f'Invalid "limit": {value[:20]!r}; use a whole number from 1 to {maximum}.',
        status_code=422,
    )
