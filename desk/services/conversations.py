"""Conversations and their stored messages."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from typing import Any

from sqlalchemy import BigInteger, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.errors import NotFound, Unauthorized
from desk.models.base import utcnow
from desk.models.conversation import (
    OPEN_TICKET_STATES,
    SENDER_AGENT,
    SENDER_CITIZEN,
    STATUS_BOT,
    Conversation,
    HandoffTicket,
    Message,
)
from desk.services import hub

logger = logging.getLogger(__name__)

# Largest message id that a client may pass: the maximum of a signed 64-bit
# integer, which SQLite's INTEGER and PostgreSQL's BIGINT hold.
MAX_MESSAGE_ID = 2**63 - 1


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a conversation token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def create_conversation(
    *,
    session: AsyncSession,
    agency: str | None,
    enterprise: str | None,
    channel: str,
) -> tuple[Conversation, str]:
    """Insert a conversation owned by the bot and return it with its new token.

    The token is returned only here; the database keeps its SHA-256 digest.
    """
    token = secrets.token_urlsafe(32)
    conversation = Conversation(
        token_hash=hash_token(token),
        agency=agency,
        enterprise=enterprise,
        channel=channel,
    )
    session.add(conversation)
    await session.commit()

    logger.info(
        "conversation.created conversation=%s agency=%s channel=%s",
        conversation.id,
        agency,
        channel,
    )
    return conversation, token


async def authorize_conversation(
    *, session: AsyncSession, conversation_id: str, token: str | None
) -> Conversation:
    """Return the conversation if ``token`` is its bearer token.

    Raises:
        Unauthorized: the token is missing or does not belong to the conversation.
        NotFound: no conversation has this id.
    """
    if not token:
        raise Unauthorized(
            "Missing bearer token: send the header 'Authorization: Bearer <token>' "
            "with the token returned by POST /api/conversations."
        )
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound(
            f"Conversation {conversation_id!r} not found; "
            "create one with POST /api/conversations."
        )
    if not hmac.compare_digest(conversation.token_hash, hash_token(token)):
        logger.warning("conversation.token.rejected conversation=%s", conversation.id)
        raise Unauthorized(
            f"Invalid token for conversation {conversation_id!r}; send the token "
            "returned when this conversation was created."
        )
    return conversation


async def add_message(
    *,
    session: AsyncSession,
    conversation: Conversation,
    sender: str,
    text: str | None = None,
    payload: str | None = None,
    buttons: list[dict[str, str]] | None = None,
    image: str | None = None,
    agent_username: str | None = None,
    agent_name: str | None = None,
) -> Message:
    """Add a message to the session and bump the conversation's ``updated_at``.

    The caller commits, so several messages can be stored in one transaction.
    Once it commits, the message is pushed to the conversation's WebSockets
    and, while a ticket is open, to the agent consoles.

    The conversation's row is locked first (SELECT … FOR UPDATE on
    PostgreSQL; SQLite has one writer at a time anyway), so the messages of a
    conversation get their ids in the order in which they commit. A client
    that resumes with ``?after=<last id>`` therefore misses none.
    """
    await session.execute(
        select(Conversation.id)
        .where(Conversation.id == conversation.id)
        .with_for_update()
    )
    now = utcnow()
    message = Message(
        conversation_id=conversation.id,
        sender=sender,
        text=text,
        payload=payload,
        buttons=buttons or None,
        image=image,
        created_at=now,
        agent_username=agent_username,
        agent_name=agent_name,
    )
    session.add(message)
    conversation.updated_at = now
    await session.flush()
    await defer_message_push(
        session=session, conversation=conversation, message=message
    )

    logger.debug(
        "message.stored conversation=%s message=%s sender=%s",
        conversation.id,
        message.id,
        sender,
    )
    return message


async def defer_message_push(
    *, session: AsyncSession, conversation: Conversation, message: Message
) -> None:
    """Queue the pushes of a stored message until the transaction commits.

    Citizen WebSockets get a notice with the id and read the message from the
    database; agent consoles get the MessageJSON of an open ticket's message.
    """
    hub.defer(
        session,
        hub.conversation_channel(conversation.id),
        {"type": "message", "id": message.id},
    )
    if conversation.status == STATUS_BOT:
        return
    query = (
        select(HandoffTicket.id, HandoffTicket.agency)
        .where(
            HandoffTicket.conversation_id == conversation.id,
            HandoffTicket.state.in_(OPEN_TICKET_STATES),
        )
        .order_by(HandoffTicket.id.desc())
        .limit(1)
    )
    ticket = (await session.execute(query)).first()
    if ticket is None:
        return
    hub.defer(
        session,
        hub.AGENTS_CHANNEL,
        {
            "agencies": [ticket.agency],
            "event": {
                "type": "message",
                "ticket_id": ticket.id,
                "message": message_to_dict(message),
            },
        },
    )


async def list_messages(
    *, session: AsyncSession, conversation_id: str, after_id: int = 0
) -> list[Message]:
    """Return the messages with an id above ``after_id``, oldest first."""
    query = messages_after_query(conversation_id=conversation_id, after_id=after_id)
    return list((await session.scalars(query)).all())


def messages_after_query(
    *, conversation_id: str, after_id: int
) -> Select[tuple[Message]]:
    """Build the query of the messages with an id above ``after_id``, oldest first.

    ``after_id`` may be up to MAX_MESSAGE_ID, also where the id column is a
    32-bit INTEGER as on PostgreSQL.
    """
    # Bound as BIGINT, because asyncpg rejects a value above 2**31 - 1 for a
    # parameter that PostgreSQL types like the INTEGER id column.
    after = bindparam("after_id", after_id, type_=BigInteger)
    return (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.id > after)
        .order_by(Message.id)
    )


async def recent_messages(
    *, session: AsyncSession, conversation_id: str, limit: int
) -> list[Message]:
    """Return the last ``limit`` messages of the conversation, oldest first."""
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc())
        .limit(limit)
    )
    newest_first = (await session.scalars(query)).all()
    return list(reversed(newest_first))


async def find_offered_button(
    *, session: AsyncSession, conversation_id: str, payload: str
) -> dict[str, str] | None:
    """Return the latest button with this payload that the conversation offered.

    Buttons count when the bot, an agent or the desk sent them, never when
    they appear on a citizen's message.
    """
    query = (
        select(Message.buttons)
        .where(
            Message.conversation_id == conversation_id,
            Message.sender != SENDER_CITIZEN,
            Message.buttons.is_not(None),
        )
        .order_by(Message.id.desc())
    )
    for buttons in (await session.scalars(query)).all():
        for button in buttons or []:
            if button.get("payload") == payload:
                return button
    return None


async def read_status(*, session: AsyncSession, conversation_id: str) -> str:
    """Return the conversation's status as stored now, not as the session cached it."""
    query = select(Conversation.status).where(Conversation.id == conversation_id)
    return (await session.execute(query)).scalar_one()


def message_to_dict(message: Message) -> dict[str, Any]:
    """Return the transcript form of a message, with an ISO 8601 time.

    Agent messages also carry "agent_name", the agent's display name.
    """
    result = {
        "id": message.id,
        "sender": message.sender,
        "text": message.text,
        "payload": message.payload,
        "buttons": message.buttons or [],
        "image": message.image,
        "created_at": message.created_at.isoformat(),
    }
    if message.sender == SENDER_AGENT:
        result["agent_name"] = message.agent_name
    return result


def reply_to_dict(message: Message) -> dict[str, Any]:
    """Return the form in which a reply goes back to the chat page."""
    return {
        "id": message.id,
        "sender": message.sender,
        "text": message.text,
        "buttons": message.buttons or [],
        "image": message.image,
    }
