"""Steps of a bot turn that the request and the late-reply tasks share.

They wait for the call to Rasa, store Rasa's replies as bot messages, and
store the desk's own bot messages, which offer the request-human button.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.models.conversation import SENDER_BOT, Conversation, HandoffTicket, Message
from desk.services import rasa
from desk.services.conversations import add_message

logger = logging.getLogger(__name__)

# Payload of the button that requests staff, which is the Rasa intent request_human.
REQUEST_HUMAN_PAYLOAD = "/request_human"
REQUEST_HUMAN_BUTTON = {"title": "转人工", "payload": REQUEST_HUMAN_PAYLOAD}

TEXT_ASSISTANT_UNAVAILABLE = (
    "抱歉，智能助手暂时无法回复。您可以稍后再试，或点下方的“转人工”按钮找工作人员。"
)
TEXT_BOT_SLOW = (
    "智能助手正在处理您的问题，请稍候，答复会显示在这里。"
    "您也可以点下方的“转人工”按钮找工作人员。"
)


async def wait_for_call(
    call: asyncio.Task[list[rasa.BotReply]], timeout: float | None
) -> bool:
    """Wait up to ``timeout`` seconds for ``call`` and return whether it finished.

    The call goes on when the time is up, but is cancelled when the waiting
    task is cancelled, so that no call outlives both.
    """
    try:
        done, _ = await asyncio.wait({call}, timeout=timeout)
    except asyncio.CancelledError:
        call.cancel()
        raise
    return bool(done)


def call_replies(
    call: asyncio.Task[list[rasa.BotReply]], conversation_id: str
) -> list[rasa.BotReply]:
    """Return the replies of a finished call, or [] and a log line when it failed."""
    try:
        replies = call.result()
    except rasa.RasaUnavailable as error:
        logger.warning(
            "rasa.unavailable conversation=%s error=%s", conversation_id, error
        )
        return []
    if not replies:
        # Rasa returns an empty list when the action server is down.
        logger.warning("rasa.reply.empty conversation=%s", conversation_id)
    return replies


async def store_bot_replies(
    *,
    session: AsyncSession,
    conversation: Conversation,
    replies: list[rasa.BotReply],
) -> list[Message]:
    """Store Rasa's replies as bot messages and commit them."""
    stored = [
        await add_message(
            session=session,
            conversation=conversation,
            sender=SENDER_BOT,
            text=reply.text,
            buttons=reply.buttons,
            image=reply.image,
        )
        for reply in replies
    ]
    await session.commit()
    return stored


async def latest_ticket_id(
    *, session: AsyncSession, conversation_id: str
) -> int | None:
    """Return the id of the conversation's newest ticket, open or closed."""
    query = select(func.max(HandoffTicket.id)).where(
        HandoffTicket.conversation_id == conversation_id
    )
    return (await session.execute(query)).scalar_one()


async def store_notice(
    *, session: AsyncSession, conversation: Conversation, text: str
) -> Message:
    """Store the desk's own bot message with the request-human button and commit it."""
    message = await add_message(
        session=session,
        conversation=conversation,
        sender=SENDER_BOT,
        text=text,
        buttons=[dict(REQUEST_HUMAN_BUTTON)],
    )
    await session.commit()
    return message
