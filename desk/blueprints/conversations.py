"""Chat API: conversations and their messages, used by the chat page."""

from __future__ import annotations

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, json

from desk.errors import DeskError
from desk.services.conversations import (
    MAX_MESSAGE_ID,
    authorize_conversation,
    create_conversation,
    list_messages,
    message_to_dict,
)
from desk.services.department_start import find_department, start_with_department
from desk.services.dialogue import handle_citizen_input
from desk.services.late_replies import LateReplies
from desk.services.locks import KeyedLocks
from desk.services.request_body import (
    parse_citizen_input,
    parse_conversation_options,
)

bp = Blueprint("conversations")


@bp.listener("before_server_start")
async def create_conversation_locks(app: Sanic) -> None:
    """Create the per-conversation locks that order each chat's messages."""
    app.ctx.conversation_locks = KeyedLocks()


def bearer_token(request: Request) -> str | None:
    """Return the token of an ``Authorization: Bearer <token>`` header, if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def after_id_argument(request: Request) -> int:
    """Return the ``after`` query argument: a message id, 0 when absent.

    Raises:
        DeskError: the value is not an integer from 0 to MAX_MESSAGE_ID.
    """
    value = request.args.get("after", "0")
    if not value.isascii() or not value.isdigit():
        raise DeskError(
            f'Invalid "after": {value!r} is not a message id; '
            "pass the id of the last message you have, or leave it out."
        )
    # The length check comes first because int() rejects strings of more
    # than 4,300 digits with ValueError.
    digits = value.lstrip("0")
    if len(digits) > len(str(MAX_MESSAGE_ID)) or int(value) > MAX_MESSAGE_ID:
        described = value if len(value) <= 40 else f"a {len(digits)}-digit number"
        raise DeskError(
            f'Invalid "after": {described} is out of range; message ids go from 0 '
            f"to {MAX_MESSAGE_ID}. Pass the id of the last message you have, "
            "or leave it out."
        )
    return int(value)


@bp.post("/api/conversations")
async def post_conversation(request: Request) -> HTTPResponse:
    """Create a conversation and return its id and bearer token."""
    options = parse_conversation_options(request.body)
    session = request.ctx.session
    department = None
    if options.department is not None:
        department = await find_department(
            session=session, department_id=options.department, agency=options.agency
        )
    conversation, token = await create_conversation(
        session=session,
        agency=department.agency_id if department else options.agency,
        enterprise=options.enterprise,
        channel=options.channel,
    )
    if department is not None:
        await start_with_department(
            session=session,
            conversation=conversation,
            department=department,
            idle_seconds=request.app.ctx.settings.session_idle_seconds,
        )
    body = {
        "conversation_id": conversation.id,
        "token": token,
        "status": conversation.status,
        "created_at": conversation.created_at.isoformat(),
    }
    return json(body, status=201)


@bp.post("/api/conversations/<conversation_id:str>/messages")
async def post_message(request: Request, conversation_id: str) -> HTTPResponse:
    """Store the citizen's message and return the replies and the status."""
    session = request.ctx.session
    conversation = await authorize_conversation(
        session=session, conversation_id=conversation_id, token=bearer_token(request)
    )
    late_replies = request.app.ctx.late_replies
    result = await handle_citizen_input(
        session=session,
        sessionmaker=request.app.ctx.sessionmaker,
        http=request.app.ctx.http,
        settings=request.app.ctx.settings,
        locks=request.app.ctx.conversation_locks,
        late_replies=late_replies,
        conversation=conversation,
        citizen_input=parse_citizen_input(request.body),
    )
    body = {
        "messages": result.messages,
        "status": result.status,
        "message_id": result.message_id,
        "late_reply_seconds": late_reply_seconds(late_replies, conversation.id),
    }
    return json(body)


@bp.get("/api/conversations/<conversation_id:str>/messages")
async def get_messages(request: Request, conversation_id: str) -> HTTPResponse:
    """Return the transcript in order, optionally only messages after an id."""
    session = request.ctx.session
    conversation = await authorize_conversation(
        session=session, conversation_id=conversation_id, token=bearer_token(request)
    )
    # Read before the messages: a task that has finished has committed its
    # messages, so a null here never hides a late reply from this response.
    seconds_left = late_reply_seconds(request.app.ctx.late_replies, conversation.id)
    messages = await list_messages(
        session=session,
        conversation_id=conversation.id,
        after_id=after_id_argument(request),
    )
    body = {
        "conversation_id": conversation.id,
        "status": conversation.status,
        "messages": [message_to_dict(message) for message in messages],
        "late_reply_seconds": seconds_left,
    }
    return json(body)


def late_reply_seconds(late_replies: LateReplies, conversation_id: str) -> float | None:
    """Return the seconds within which a late bot reply may still be stored.

    None means that the desk waits for no reply of Rasa in this conversation.
    """
    seconds = late_replies.seconds_left(conversation_id)
    return None if seconds is None else round(seconds, 1)
