"""Contact details with a message, and ratings, that citizens leave for staff."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from desk.errors import DeskError, NotFound
from desk.models.conversation import (
    SENDER_CITIZEN,
    TICKET_CLOSED,
    TICKET_LEFT_MESSAGE,
    Conversation,
    HandoffTicket,
)
from desk.models.handoff import Contact, Rating
from desk.privacy import mask_phone
from desk.services.conversations import add_message
from desk.services.tickets import find_open_ticket

logger = logging.getLogger(__name__)

# Digits with the separators people type: "+86 138-0538-1234", "(0538)8221234".
PHONE_PATTERN = re.compile(r"^\+?[\d\s()-]+$")
MIN_PHONE_DIGITS = 5
MAX_PHONE_DIGITS = 15


def check_phone(phone: str) -> None:
    """Raise a 422 DeskError unless ``phone`` looks like a phone number.

    The message never repeats the number, because error bodies may be logged.
    """
    digits = sum(character.isdigit() for character in phone)
    if not PHONE_PATTERN.match(phone) or not (
        MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS
    ):
        raise DeskError(
            f'Invalid "phone": use {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits, '
            'optionally with "+", spaces, "-" or brackets, such as 0538-1234567 or '
            "13800000000; or leave it out.",
            status_code=422,
        )


async def leave_contact(
    *,
    session: AsyncSession,
    conversation: Conversation,
    name: str | None,
    phone: str | None,
    message: str,
) -> Contact:
    """Store contact details and the message on the left-message ticket; commit.

    The message also goes into the transcript as the citizen's message, so
    that the agent reads it in order. Logs show the phone number masked.

    Raises:
        DeskError: 409 unless the conversation waits as a left message.
    """
    ticket = await find_open_ticket(session=session, conversation_id=conversation.id)
    if ticket is None or ticket.state != TICKET_LEFT_MESSAGE:
        state = ticket.state if ticket else conversation.status
        raise DeskError(
            "Contact details are taken while the conversation waits for staff as "
            f'a left message, but its status is "{state}". Send the question as '
            "a message instead.",
            status_code=409,
        )
    contact = Contact(ticket_id=ticket.id, name=name, phone=phone, message=message)
    session.add(contact)
    await add_message(
        session=session, conversation=conversation, sender=SENDER_CITIZEN, text=message
    )
    await session.commit()
    logger.info(
        "contact.stored ticket=%s conversation=%s phone=%s",
        ticket.id,
        conversation.id,
        mask_phone(phone) if phone else "-",
    )
    return contact


async def rate_ticket(
    *,
    session: AsyncSession,
    conversation: Conversation,
    ticket_id: int,
    score: int,
    comment: str | None,
) -> Rating:
    """Store the citizen's rating of a closed ticket of this conversation; commit.

    Raises:
        NotFound: the conversation has no ticket with this id.
        DeskError: 409 when the ticket is still open or already rated.
    """
    ticket = await session.get(HandoffTicket, ticket_id)
    if ticket is None or ticket.conversation_id != conversation.id:
        raise NotFound(f"This conversation has no ticket {ticket_id}.")
    if ticket.state != TICKET_CLOSED:
        raise DeskError(
            f"Ticket {ticket_id} is {ticket.state}; rate it after staff close it.",
            status_code=409,
        )
    already = await session.scalar(
        select(Rating.id).where(Rating.ticket_id == ticket_id)
    )
    if already is not None:
        raise _already_rated(ticket_id)
    rating = Rating(ticket_id=ticket_id, score=score, comment=comment)
    session.add(rating)
    try:
        await session.commit()
    except IntegrityError as error:
        # Another request rated the ticket between the check and the insert.
        await session.rollback()
        raise _already_rated(ticket_id) from error
    logger.info("rating.stored ticket=%s score=%d", ticket_id, score)
    return rating


def _already_rated(ticket_id: int) -> DeskError:
    return DeskError(
        f"Ticket {ticket_id} is already rated; each ticket takes one rating.",
        status_code=409,
    )
