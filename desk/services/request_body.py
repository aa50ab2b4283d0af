"""Validation of the JSON bodies that the chat and handoff endpoints accept.

Each parser raises DeskError with a message that names the field and the fix,
so the HTTP layer only maps the error to its status.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from desk.errors import DeskError
from desk.models.conversation import (
    AGENCY_MAX_CHARS,
    CHANNEL_MAX_CHARS,
    ENTERPRISE_MAX_CHARS,
    REASON_MAX_CHARS,
    TOPIC_MAX_CHARS,
)
from desk.settings import MAX_MESSAGE_CHARS

DEFAULT_CHANNEL = "web"

# Code points of the Unicode tag characters that end emoji tag sequences.
TAG_CHARACTERS = range(0xE0020, 0xE0080)

_JSON_TYPE_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "number",
    float: "number",
    type(None): "null",
}


@dataclass(frozen=True)
class CitizenInput:
    """Citizen message: typed ``text`` or the ``payload`` of a clicked button."""

    text: str | None = None
    payload: str | None = None


@dataclass(frozen=True)
class ConversationOptions:
    """Origin of a new conversation: agency, enterprise and channel.

    ``department`` starts the conversation with a ticket in that department.
    """

    agency: str | None
    enterprise: str | None
    channel: str
    department: str | None = None


@dataclass(frozen=True)
class HandoffRequest:
    """A service's request to hand a conversation to staff."""

    conversation_id: str
    reason: str
    topic: str | None
    context: dict[str, Any] | None


def json_type_name(value: object) -> str:
    """Return the JSON name of a decoded value's type, such as "array"."""
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def parse_json_object(body: bytes, *, example: str, optional: bool = False) -> dict:
    """Decode a request body that must be a JSON object.

    An empty body gives ``{}`` when ``optional`` is set. ``example`` is a
    valid body that the error messages show.

    Raises:
        DeskError: the body is missing, not UTF-8, not JSON or not an object.
    """
    if not body.strip():
        if optional:
            return {}
        raise DeskError(f"Missing request body: send a JSON object such as {example}.")
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise DeskError(
            f"Invalid request body: it is not UTF-8 ({error.reason} at byte "
            f"{error.start}). Send UTF-8 JSON such as {example}."
        ) from error
    except json.JSONDecodeError as error:
        raise DeskError(
            f"Invalid JSON in request body: {error.msg} at line {error.lineno} "
            f"column {error.colno}. Send a JSON object such as {example}."
        ) from error
    if not isinstance(value, dict):
        raise DeskError(
            f"Invalid request body: expected a JSON object, got a JSON "
            f"{json_type_name(value)}. Send a JSON object such as {example}."
        )
    return value


def optional_string(fields: dict, name: str, *, max_chars: int) -> str | None:
    """Return ``fields[name]`` if it is a string, None if it is absent or null.

    Raises:
        DeskError: the value is not a string or longer than ``max_chars``.
    """
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DeskError(
            f'Invalid "{name}": expected a string, got a JSON {json_type_name(value)}.'
        )
    reject_invalid_unicode(name, value)
    if len(value) > max_chars:
        raise DeskError(
            f'Invalid "{name}": {len(value)} characters long, but the maximum '
            f"is {max_chars}."
        )
    return value


def parse_conversation_options(body: bytes) -> ConversationOptions:
    """Validate the optional body of ``POST /api/conversations``."""
    fields = parse_json_object(body, example='{"channel": "web"}', optional=True)
    channel = optional_string(fields, "channel", max_chars=CHANNEL_MAX_CHARS)
    return ConversationOptions(
        agency=optional_string(fields, "agency", max_chars=AGENCY_MAX_CHARS),
        enterprise=optional_string(
            fields, "enterprise", max_chars=ENTERPRISE_MAX_CHARS
        ),
        channel=channel.strip() if channel and channel.strip() else DEFAULT_CHANNEL,
        department=optional_string(fields, "department", max_chars=AGENCY_MAX_CHARS)
        or None,
    )


def parse_citizen_input(body: bytes) -> CitizenInput:
    """Validate the body of ``POST /api/conversations/{id}/messages``.

    Exactly one of "text" and "payload" must be a string. Text is returned
    trimmed, and its length is counted after trimming. Blank text passes as
    "", because the caller replies to it with a prompt and stores nothing.

    Raises:
        DeskError: 400 for a malformed body, 413 for text over MAX_MESSAGE_CHARS.
    """
    fields = parse_json_object(body, example='{"text": "怎么办理退休？"}')
    text, payload = fields.get("text"), fields.get("payload")
    if text is None and payload is None:
        raise DeskError(
            'Missing message: send {"text": "…"} with the typed question, or '
            '{"payload": "…"} with the payload of a button the bot offered.'
        )
    if text is not None and payload is not None:
        raise DeskError('Send either "text" or "payload" in one message, not both.')
    if payload is not None:
        if not isinstance(payload, str):
            raise DeskError(
                f'Invalid "payload": expected a string, got a JSON '
                f"{json_type_name(payload)}."
            )
        reject_invalid_unicode("payload", payload)
        return CitizenInput(payload=payload)
    if not isinstance(text, str):
        raise DeskError(
            f'Invalid "text": expected a string, got a JSON {json_type_name(text)}.'
        )
    reject_invalid_unicode("text", text)
    text = trim(text)
    check_text(text)
    return CitizenInput(text=text)


def reject_invalid_unicode(name: str, value: object) -> None:
    """Raise DeskError if a string in the decoded JSON ``value`` has a lone surrogate.

    JSON escapes such as "\\ud800" decode to a lone surrogate, which a Python
    string can contain but UTF-8, and so the database, cannot. A valid pair
    of escapes decodes to one character and passes. For a string the error
    names the surrogate and its index.
    """
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        position = ""
        if isinstance(value, str):
            surrogate = ord(value[error.start])
            position = f", U+{surrogate:04X} at index {error.start}"
        raise DeskError(
            f'Invalid "{name}": it contains invalid Unicode (an unpaired '
            f"surrogate{position}); send UTF-8 text."
        ) from error


def check_text(text: str) -> None:
    """Raise DeskError unless trimmed ``text`` fits the limit and contains no NUL."""
    if len(text) > MAX_MESSAGE_CHARS:
        raise DeskError(
            f'"text" is {len(text)} characters long after trimming, but the '
            f"maximum is {MAX_MESSAGE_CHARS}. Shorten the message or split it "
            "into several messages.",
            status_code=413,
            context={"max_chars": MAX_MESSAGE_CHARS, "length": len(text)},
        )
    # PostgreSQL text columns cannot store NUL, and no keyboard types it.
    if "\x00" in text:
        raise DeskError('Invalid "text": it contains a NUL character (U+0000).')


def is_invisible(character: str) -> bool:
    """Return whether ``character`` is whitespace or an invisible format character.

    Format characters (Unicode category Cf) include the zero-width space and
    the byte-order mark, which some input methods insert on their own.
    """
    return character.isspace() or unicodedata.category(character) == "Cf"


def is_blank(text: str) -> bool:
    """Return whether ``text`` has only whitespace and invisible format characters."""
    return all(is_invisible(character) for character in text)


def trim(text: str) -> str:
    """Strip whitespace and invisible format characters from both ends of ``text``.

    These are the characters that make text blank, so blank text trims to "".
    Trailing tag characters (U+E0020 to U+E007F) stay, because they end an
    emoji tag sequence such as the flag of Scotland.
    """
    if is_blank(text):
        return ""
    start, end = 0, len(text)
    # The text has a visible character, which stops both loops.
    while is_invisible(text[start]):
        start += 1
    while is_invisible(text[end - 1]) and ord(text[end - 1]) not in TAG_CHARACTERS:
        end -= 1
    return text[start:end]


def parse_handoff_request(body: bytes) -> HandoffRequest:
    """Validate the body of ``POST /api/handoffs``.

    Raises:
        DeskError: a field is missing or has the wrong type or length.
    """
    fields = parse_json_object(
        body, example='{"conversation_id": "…", "reason": "requested"}'
    )
    conversation_id = optional_string(fields, "conversation_id", max_chars=64)
    reason = optional_string(fields, "reason", max_chars=REASON_MAX_CHARS)
    if not conversation_id:
        raise DeskError('Missing "conversation_id": name the conversation to hand off.')
    if not reason or not reason.strip():
        raise DeskError(
            'Missing "reason": say why the conversation goes to staff, '
            'for example "requested".'
        )
    context = fields.get("context")
    if context is not None and not isinstance(context, dict):
        raise DeskError(
            f'Invalid "context": expected a JSON object, got a JSON '
            f"{json_type_name(context)}."
        )
    reject_invalid_unicode("context", context)
    return HandoffRequest(
        conversation_id=conversation_id,
        reason=reason.strip(),
        topic=optional_string(fields, "topic", max_chars=TOPIC_MAX_CHARS) or None,
        context=context,
    )
