"""Handling of one citizen message: store it, forward it to Rasa, store the replies.

When Rasa returns no reply, the desk sends its own: an apology with a button
that requests a human. If the citizen clicks it while Rasa is still down, the
desk opens the handoff ticket itself. When Rasa is only slow, the citizen
gets a notice with that button at once, and a background task stores the
bot's replies when they come (desk.services.late_replies).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from desk.errors import DeskError
from desk.models.conversation import (
    SENDER_BOT,
    SENDER_CITIZEN,
    SENDER_SYSTEM,
    STATUS_BOT,
    Conversation,
)
from desk.services import hub, rasa
from desk.services.bot_messages import (
    REQUEST_HUMAN_PAYLOAD,
    TEXT_ASSISTANT_UNAVAILABLE,
    TEXT_BOT_SLOW,
    call_replies,
    latest_ticket_id,
    store_bot_replies,
    store_notice,
    wait_for_call,
)
from desk.services.conversations import (
    add_message,
    find_offered_button,
    read_status,
    reply_to_dict,
)
from desk.services.late_replies import (
    LateCall,
    LateReplies,
    LateReplyTask,
    deliver_late_reply,
)
from desk.services.locks import KeyedLocks
from desk.services.request_body import CitizenInput, is_blank
from desk.services.tickets import open_routed_ticket
from desk.settings import Settings

logger = logging.getLogger(__name__)

REASON_ASSISTANT_UNAVAILABLE = "assistant_unavailable"

TEXT_BLANK_REPLY = "请输入您想咨询的问题，例如：“灵活就业人员怎么缴纳养老保险？”"
TEXT_HANDED_OFF = "已为您转接人工服务，工作人员会在这里回复您，请稍候。"
BOT_TYPING = {"type": "typing", "sender": "bot", "typing": True}
BOT_DONE_TYPING = {"type": "typing", "sender": "bot", "typing": False}


@dataclass(frozen=True)
class ChatResult:
    """Result of one citizen message: the new replies and the conversation status.

    ``message_id`` is the id of the stored citizen message, None when nothing
    was stored.
    """

    messages: list[dict[str, Any]]
    status: str
    message_id: int | None = None


async def handle_citizen_input(
    *,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    settings: Settings,
    locks: KeyedLocks,
    late_replies: LateReplies,
    conversation: Conversation,
    citizen_input: CitizenInput,
) -> ChatResult:
    """Store a citizen's message, forward it to Rasa if the bot owns the chat.

    Messages of one conversation are handled one at a time, in the order in
    which they arrive: each waits for the conversation's lock before it is
    stored and holds it until the replies are stored. So the transcript
    alternates between a message and its replies, and Rasa's timeout starts
    only when the message has the lock. The exception is a slow bot: the
    lock is released once the notice is stored, and the late replies come
    after the next message, but before that message's replies. The message
    is committed before Rasa is called, so it stays stored when Rasa fails.
    Blank text is answered with a prompt and not stored.

    ``sessionmaker`` opens the session in which late replies are stored.

    Raises:
        DeskError: 422 when the payload is not one of the offered buttons.
    """
    if citizen_input.text is not None and is_blank(citizen_input.text):
        return ChatResult(messages=[blank_reply()], status=conversation.status)

    # Ending the read transaction returns the connection to the pool, so
    # messages that wait for the lock hold no database connection.
    await session.commit()
    # NOTE: the lock works inside one desk process only. Several desk workers
    # would need a shared lock, such as one in Redis or a row lock
    # (SELECT ... FOR UPDATE) on the conversation.
    async with locks.hold(conversation.id):
        # A message handled while this one waited may have opened a handoff.
        await session.refresh(conversation)
        return await store_and_forward(
            session=session,
            sessionmaker=sessionmaker,
            http=http,
            settings=settings,
            late_replies=late_replies,
            conversation=conversation,
            citizen_input=citizen_input,
        )


async def store_and_forward(
    *,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    settings: Settings,
    late_replies: LateReplies,
    conversation: Conversation,
    citizen_input: CitizenInput,
) -> ChatResult:
    """Store a message that is not blank, then forward it while the bot owns the chat.

    Raises:
        DeskError: 422 when the payload is not one of the offered buttons.
    """
    payload = citizen_input.payload
    if payload is None:
        text = citizen_input.text or ""
        rasa_message = rasa.escape_intent_prefix(text)
    else:
        text = await title_of_offered_button(
            session=session, conversation_id=conversation.id, payload=payload
        )
        rasa_message = payload
    message = await add_message(
        session=session,
        conversation=conversation,
        sender=SENDER_CITIZEN,
        text=text,
        payload=payload,
    )
    await session.commit()
    logger.info(
        "message.received conversation=%s message=%s kind=%s",
        conversation.id,
        message.id,
        "text" if payload is None else "payload",
    )

    if conversation.status != STATUS_BOT:
        return ChatResult(
            messages=[], status=conversation.status, message_id=message.id
        )
    result = await ask_bot(
        session=session,
        sessionmaker=sessionmaker,
        http=http,
        settings=settings,
        late_replies=late_replies,
        conversation=conversation,
        rasa_message=rasa_message,
        payload=payload,
    )
    return replace(result, message_id=message.id)


async def title_of_offered_button(
    *, session: AsyncSession, conversation_id: str, payload: str
) -> str:
    """Return the title of the offered button with ``payload``.

    Raises:
        DeskError: 422 when no message of this conversation offered it.
    """
    button = await find_offered_button(
        session=session, conversation_id=conversation_id, payload=payload
    )
    if button is None:
        raise DeskError(
            'Invalid "payload": no button in this conversation has this payload. '
            'Send the question as {"text": "…"} instead.',
            status_code=422,
        )
    return button["title"]


async def ask_bot(
    *,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    settings: Settings,
    late_replies: LateReplies,
    conversation: Conversation,
    rasa_message: str,
    payload: str | None,
) -> ChatResult:
    """Forward a stored message to Rasa and store what comes back.

    The citizen's WebSockets see the bot typing while the desk waits. When
    Rasa has not answered within ``rasa_timeout``, the call goes on in the
    background (``answer_while_bot_slow``). Replies are stored after the late
    replies to earlier messages, in the order in which Rasa sent them all.
    """
    ticket_before = await latest_ticket_id(
        session=session, conversation_id=conversation.id
    )
    # An SQLite read transaction keeps its snapshot, so ending it here lets
    # the status read after the call see a ticket opened meanwhile.
    await session.commit()
    loop = asyncio.get_running_loop()
    started = loop.time()
    call = asyncio.create_task(
        rasa.send_message(
            http=http,
            rasa_url=settings.rasa_url,
            sender=conversation.id,
            message=rasa_message,
            metadata={
                "agency": conversation.agency,
                "enterprise": conversation.enterprise,
                "channel": conversation.channel,
            },
            timeout=settings.rasa_late_timeout,
        )
    )
    typing_channel = hub.conversation_channel(conversation.id)
    hub.publish_now(session, typing_channel, BOT_TYPING)
    try:
        finished = await wait_for_call(call, settings.rasa_timeout)
    finally:
        hub.publish_now(session, typing_channel, BOT_DONE_TYPING)

    if not finished:
        late_call = LateCall(
            call=call,
            conversation_id=conversation.id,
            ticket_before=ticket_before,
            started=started,
            deadline=started + settings.rasa_late_timeout,
        )
        return await answer_while_bot_slow(
            session=session,
            sessionmaker=sessionmaker,
            settings=settings,
            late_replies=late_replies,
            conversation=conversation,
            payload=payload,
            late_call=late_call,
        )

    replies = call_replies(call, conversation.id)
    await late_replies.wait_for_earlier(conversation.id)
    # A handoff action may have opened a ticket through the desk meanwhile.
    status = await read_status(session=session, conversation_id=conversation.id)
    if not replies:
        return await reply_without_bot(
            session=session,
            conversation=conversation,
            payload=payload,
            status=status,
            idle_seconds=settings.session_idle_seconds,
        )

    stored = await store_bot_replies(
        session=session, conversation=conversation, replies=replies
    )
    logger.info(
        "rasa.replied conversation=%s replies=%d status=%s",
        conversation.id,
        len(stored),
        status,
    )
    return ChatResult(
        messages=[reply_to_dict(message) for message in stored], status=status
    )


async def reply_without_bot(
    *,
    session: AsyncSession,
    conversation: Conversation,
    payload: str | None,
    status: str,
    idle_seconds: int,
) -> ChatResult:
    """Store and return the desk's own reply because Rasa returned none.

    The request-human payload opens the ticket and gets a notice: that staff
    will reply here, or, when the ticket waits as a left message, when they
    will. If a ticket was opened during the call to Rasa, staff take over and
    nothing is added. Otherwise the desk apologises and offers the
    request-human button.
    """
    if payload == REQUEST_HUMAN_PAYLOAD:
        opened = await open_routed_ticket(
            session=session,
            conversation=conversation,
            reason=REASON_ASSISTANT_UNAVAILABLE,
            context={"opened_by": "desk"},
            idle_seconds=idle_seconds,
        )
        notice = opened.notice
        if notice is None:
            notice = await add_message(
                session=session,
                conversation=conversation,
                sender=SENDER_SYSTEM,
                text=TEXT_HANDED_OFF,
            )
            await session.commit()
        return ChatResult(messages=[reply_to_dict(notice)], status=opened.ticket.state)

    if status != STATUS_BOT:
        return ChatResult(messages=[], status=status)

    apology = await store_notice(
        session=session, conversation=conversation, text=TEXT_ASSISTANT_UNAVAILABLE
    )
    return ChatResult(messages=[reply_to_dict(apology)], status=status)


async def answer_while_bot_slow(
    *,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    late_replies: LateReplies,
    conversation: Conversation,
    payload: str | None,
    late_call: LateCall,
) -> ChatResult:
    """Answer now while the call to Rasa goes on in a background task.

    The citizen gets a notice that the bot is still working, with the
    request-human button. The request-human payload itself opens the ticket
    at once, as when Rasa is down (``reply_without_bot``), and a conversation
    that staff own meanwhile gets nothing. The task starts after the notice
    is committed, so that no late reply can be stored before it.
    """
    logger.info(
        "rasa.slow conversation=%s waited_seconds=%.1f late_timeout=%.1f",
        conversation.id,
        settings.rasa_timeout,
        settings.rasa_late_timeout,
    )

    def deliver(previous: LateReplyTask | None) -> Coroutine[Any, Any, None]:
        return deliver_late_reply(
            sessionmaker=sessionmaker, late_call=late_call, previous=previous
        )

    try:
        status = await read_status(session=session, conversation_id=conversation.id)
        if payload == REQUEST_HUMAN_PAYLOAD or status != STATUS_BOT:
            return await reply_without_bot(
                session=session,
                conversation=conversation,
                payload=payload,
                status=status,
                idle_seconds=settings.session_idle_seconds,
            )
        notice = await store_notice(
            session=session, conversation=conversation, text=TEXT_BOT_SLOW
        )
        return ChatResult(messages=[reply_to_dict(notice)], status=status)
    finally:
        # Also after a failure or a cancelled request, so that the call is
        # awaited by the task or cancelled here, never left behind.
        if not late_replies.start(conversation.id, deliver, late_call.deadline):
            late_call.call.cancel()


def blank_reply() -> dict[str, Any]:
    """Return the prompt, not stored, that replies to blank text."""
    return {
        "id": None,
        "sender": SENDER_BOT,
        "text": TEXT_BLANK_REPLY,
        "buttons": [],
        "image": None,
    }
