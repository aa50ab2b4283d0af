"""Image uploads of a conversation and their download route."""

from __future__ import annotations

import hmac
from typing import Protocol, cast

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw
from sqlalchemy import select

from desk.blueprints.conversations import bearer_token
from desk.errors import DeskError, NotFound, Unauthorized
from desk.models.conversation import HandoffTicket
from desk.models.handoff import Attachment
from desk.organisation.directory import Directory
from desk.services.agent_requests import current_agent
from desk.services.attachments import (
    MAX_UPLOAD_BODY_BYTES,
    store_image,
    too_large,
)
from desk.services.auth import COOKIE_NAME
from desk.services.conversations import authorize_conversation, message_to_dict

bp = Blueprint("attachments")


class BodyStream(Protocol):
    """The request body stream of a ``stream=True`` route, over HTTP/1 or ASGI."""

    async def read(self) -> bytes | None:
        """Return the next chunk of the body, None at its end."""


IMAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'",
    "Content-Disposition": "inline",
    "Cache-Control": "private, max-age=86400",
}


@bp.post("/api/conversations/<conversation_id:str>/attachments", stream=True)
async def post_attachment(request: Request, conversation_id: str) -> HTTPResponse:
    """Store an uploaded image (multipart field "file") as a citizen message.

    The body is read in chunks and rejected with 413 as soon as it exceeds
    the limit, so an oversized upload is never held in memory whole.
    """
    session = request.ctx.session
    conversation = await authorize_conversation(
        session=session, conversation_id=conversation_id, token=bearer_token(request)
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BODY_BYTES:
        raise too_large(int(declared))
    chunks = []
    size = 0
    stream = cast(BodyStream, request.stream)
    while (chunk := await stream.read()) is not None:
        size += len(chunk)
        if size > MAX_UPLOAD_BODY_BYTES:
            raise too_large(size)
        chunks.append(chunk)
    request.body = b"".join(chunks)

    files = request.files
    upload = files.get("file") if files else None
    if upload is None:
        raise DeskError(
            'Missing file: send the image as multipart/form-data in the field "file".',
            status_code=422,
        )
    message = await store_image(
        session=session, conversation=conversation, data=upload.body
    )
    return json({"message": message_to_dict(message)}, status=201)


@bp.get("/api/attachments/<attachment_id:str>")
async def get_attachment(request: Request, attachment_id: str) -> HTTPResponse:
    """Return an image to its conversation or to an agent of its agency.

    Access needs one of: ``?token=`` with the token from the image URL, the
    conversation's bearer token (header or ``?token=``), or the session
    cookie of an agent who may read the conversation's tickets.
    """
    session = request.ctx.session
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(f"Attachment {attachment_id[:40]!r} not found.")
    await authorize_download(request, attachment)
    return raw(
        attachment.data, content_type=attachment.content_type, headers=IMAGE_HEADERS
    )


async def authorize_download(request: Request, attachment: Attachment) -> None:
    """Raise 401 or 403 unless the request may read the attachment."""
    session = request.ctx.session
    token = request.args.get("token")
    if token and hmac.compare_digest(
        token.encode("utf-8"), attachment.access_token.encode("utf-8")
    ):
        return
    conversation_token = bearer_token(request) or token
    if conversation_token:
        await authorize_conversation(
            session=session,
            conversation_id=attachment.conversation_id,
            token=conversation_token,
        )
        return
    if request.cookies.get(COOKIE_NAME):
        agent = await current_agent(request)
        directory = await Directory.load(session)
        agencies = (
            await session.scalars(
                select(HandoffTicket.agency).where(
                    HandoffTicket.conversation_id == attachment.conversation_id
                )
            )
        ).all()
        if any(directory.can_see_agency(agent, agency) for agency in agencies):
            return
        raise DeskError(
            "This image belongs to a conversation of another agency.", status_code=403
        )
    raise Unauthorized(
        "Missing token: load the image with the URL from its message, which "
        "carries ?token=, or send the conversation's bearer token."
    )
