"""Citizen routes for a left message's contact details and for ratings."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from desk.blueprints.conversations import bearer_token
from desk.errors import DeskError
from desk.models.handoff import (
    COMMENT_MAX_CHARS,
    CONTACT_NAME_MAX_CHARS,
    CONTACT_PHONE_MAX_CHARS,
)
from desk.services.agent_requests import optional_text
from desk.services.conversations import authorize_conversation
from desk.services.feedback import check_phone, leave_contact, rate_ticket
from desk.services.request_body import parse_json_object
from desk.settings import MAX_MESSAGE_CHARS

bp = Blueprint("feedback")


@bp.post("/api/conversations/<conversation_id:str>/contact")
async def post_contact(request: Request, conversation_id: str) -> HTTPResponse:
    """Store the name, phone and message that a citizen leaves for a call-back.

    Name and phone are optional; the message is required. Accepted only while
    the conversation waits as a left message (409 otherwise).
    """
    session = request.ctx.session
    conversation = await authorize_conversation(
        session=session, conversation_id=conversation_id, token=bearer_token(request)
    )
    fields = parse_json_object(
        request.body,
        example='{"name": "张先生", "phone": "0538-1234567", "message": "…"}',
    )
    name = optional_text(fields, "name", max_chars=CONTACT_NAME_MAX_CHARS)
    phone = optional_text(fields, "phone", max_chars=CONTACT_PHONE_MAX_CHARS)
    if phone:
        check_phone(phone)
    message = optional_text(fields, "message", max_chars=MAX_MESSAGE_CHARS)
    if not message:
        raise DeskError(
            'Missing "message": say what staff should help with.', status_code=422
        )
    contact = await leave_contact(
        session=session,
        conversation=conversation,
        name=name or None,
        phone=phone or None,
        message=message,
    )
    return json({"contact_id": contact.id, "ticket_id": contact.ticket_id}, status=201)


@bp.post("/api/conversations/<conversation_id:str>/rating")
async def post_rating(request: Request, conversation_id: str) -> HTTPResponse:
    """Store a score from 1 to 5 and an optional comment for a closed ticket."""
    session = request.ctx.session
    conversation = await authorize_conversation(
        session=session, conversation_id=conversation_id, token=bearer_token(request)
    )
    fields = parse_json_object(
        request.body, example='{"ticket_id": 12, "score": 5, "comment": "…"}'
    )
    ticket_id = fields.get("ticket_id")
    score = fields.get("score")
    if type(ticket_id) is not int:
        raise DeskError(
            'Invalid "ticket_id": send the id of the closed ticket as a number.',
            status_code=422,
        )
    if type(score) is not int or not 1 <= score <= 5:
        raise DeskError(
            f'Invalid "score": {score!r}; use a whole number from 1 (poor) to 5 '
            "(excellent).",
            status_code=422,
        )
    comment = optional_text(fields, "comment", max_chars=COMMENT_MAX_CHARS)
    rating = await rate_ticket(
        session=session,
        conversation=conversation,
        ticket_id=ticket_id,
        score=score,
        comment=comment or None,
    )
    return json({"ticket_id": rating.ticket_id, "score": rating.score}, status=201)
