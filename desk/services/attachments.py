"""Images that citizens upload: type by content, size limit and storage.

The type comes from the file's first bytes (its magic number), never from
its name or the Content-Type that the browser sent.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from desk.errors import DeskError
from desk.models.conversation import SENDER_CITIZEN, Conversation, Message
from desk.models.handoff import Attachment
from desk.services.conversations import add_message

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Room for the multipart boundaries and part headers around the file.
MAX_UPLOAD_BODY_BYTES = MAX_ATTACHMENT_BYTES + 64 * 1024
ACCEPTED_TYPES = "PNG, JPEG, GIF or WebP"

# Other formats named in the error so that citizens know what they sent.
_OTHER_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)


def sniff_image_type(data: bytes) -> str | None:
    """Return the content type of a PNG, JPEG, GIF or WebP image, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def describe_content(data: bytes) -> str:
    """Return a short description of what a rejected file looks like."""
    if not data:
        return "an empty file"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "a HEIC photo (convert it to JPEG, or send a screenshot)"
    for signature, description in _OTHER_SIGNATURES:
        if data.startswith(signature):
            return description
    return "a file of another type"


def too_large(size: int) -> DeskError:
    """Return the 413 error for an upload of ``size`` bytes."""
    return DeskError(
        f"The image is {size / 1024 / 1024:.1f} MB, but the limit is "
        f"{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB. Send a smaller image or a "
        "screenshot.",
        status_code=413,
        context={"max_bytes": MAX_ATTACHMENT_BYTES},
    )


def check_image(data: bytes) -> str:
    """Return the content type of an acceptable image.

    Raises:
        DeskError: 413 above MAX_ATTACHMENT_BYTES, 415 for other content.
    """
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise too_large(len(data))
    content_type = sniff_image_type(data)
    if content_type is None:
        raise DeskError(
            f"Unsupported file: it is {describe_content(data)}. Send a "
            f"{ACCEPTED_TYPES} image of at most "
            f"{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB.",
            status_code=415,
            context={
                "accepted": ["image/png", "image/jpeg", "image/gif", "image/webp"]
            },
        )
    return content_type


async def store_image(
    *, session: AsyncSession, conversation: Conversation, data: bytes
) -> Message:
    """Store a checked image and the citizen message that shows it; commit both.

    The message's ``image`` is the attachment's URL with its access token, so
    an <img> element can load it.

    Raises:
        DeskError: 413 or 415 from ``check_image``.
    """
    content_type = check_image(data)
    attachment = Attachment(
        conversation_id=conversation.id,
        content_type=content_type,
        size=len(data),
        data=data,
    )
    session.add(attachment)
    await session.flush()
    message = await add_message(
        session=session,
        conversation=conversation,
        sender=SENDER_CITIZEN,
        image=f"/api/attachments/{attachment.id}?token={attachment.access_token}",
    )
    await session.commit()
    logger.info(
        "attachment.stored conversation=%s attachment=%s type=%s bytes=%d",
        conversation.id,
        attachment.id,
        content_type,
        len(data),
    )
    return message
