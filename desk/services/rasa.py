"""Thin client for Rasa's REST channel and the health endpoints of the bot."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/rest/webhook"

# Rasa 3.6 reads user text that starts with "/" after stripping whitespace as an
# intent with entities, such as "/request_human" (see
# YAMLStoryReader.unpack_regex_message). Typed text must never do that.
INTENT_PREFIX = "/"
FULLWIDTH_SOLIDUS = "\uff0f"


class RasaUnavailable(Exception):
    """Rasa could not be reached, timed out, or responded with an error."""


@dataclass(frozen=True)
class BotReply:
    """One message that Rasa sent back for the citizen."""

    text: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    image: str | None = None


async def send_message(
    *,
    http: httpx.AsyncClient,
    rasa_url: str,
    sender: str,
    message: str,
    metadata: dict[str, Any],
    timeout: float,
) -> list[BotReply]:
    """Send one user message to Rasa's REST channel and return the bot's replies.

    ``timeout`` bounds the whole exchange in seconds, not each phase of it as
    httpx's own timeout does. It also replaces the client's default timeout
    for this request, which may be shorter.

    Raises:
        RasaUnavailable: the connection failed, the call took longer than
            ``timeout``, or Rasa responded with a non-2xx status or a body
            that is not a JSON list.
    """
    body = {"sender": sender, "message": message, "metadata": metadata}
    try:
        async with asyncio.timeout(timeout):
            response = await http.post(
                rasa_url + WEBHOOK_PATH, json=body, timeout=timeout
            )
    except TimeoutError as error:
        raise RasaUnavailable(f"timed out after {timeout} s") from error
    except httpx.HTTPError as error:
        raise RasaUnavailable(f"request failed: {error!r}") from error

    if not response.is_success:
        raise RasaUnavailable(f"responded with HTTP {response.status_code}")
    try:
        items = response.json()
    except ValueError as error:
        raise RasaUnavailable("responded with a body that is not JSON") from error
    if not isinstance(items, list):
        raise RasaUnavailable(
            f"responded with a JSON {type(items).__name__}, not a list"
        )
    return [reply for item in items if (reply := parse_reply(item)) is not None]


def escape_intent_prefix(text: str) -> str:
    """Return typed text that Rasa cannot read as an intent command.

    Leading whitespace is dropped and each leading "/" becomes a full-width
    "／" (U+FF0F). Other text is returned unchanged.
    """
    stripped = text.lstrip()
    if not stripped.startswith(INTENT_PREFIX):
        return text
    rest = stripped.lstrip(INTENT_PREFIX)
    return FULLWIDTH_SOLIDUS * (len(stripped) - len(rest)) + rest


def parse_reply(item: object) -> BotReply | None:
    """Convert one item of Rasa's response to a reply, or None if nothing is shown.

    Custom JSON and attachments are skipped because the chat page has no way to
    show them. Buttons without a string title and payload are dropped.
    """
    if not isinstance(item, dict):
        return None
    text = item.get("text") if isinstance(item.get("text"), str) else None
    image = item.get("image") if isinstance(item.get("image"), str) else None
    buttons = parse_buttons(item.get("buttons"))
    if text is None and image is None and not buttons:
        logger.debug("rasa.reply.skipped keys=%s", sorted(item))
        return None
    return BotReply(text=text, buttons=buttons, image=image)


def parse_buttons(value: object) -> list[dict[str, str]]:
    """Return the ``{"title", "payload"}`` pairs of a Rasa ``buttons`` value."""
    if not isinstance(value, list):
        return []
    buttons = []
    for button in value:
        if not isinstance(button, dict):
            continue
        title, payload = button.get("title"), button.get("payload")
        if isinstance(title, str) and isinstance(payload, str) and payload:
            buttons.append({"title": title, "payload": payload})
    return buttons


async def is_reachable(*, http: httpx.AsyncClient, url: str, timeout: float) -> bool:
    """Return whether ``GET url`` returns a 2xx status within ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            response = await http.get(url)
    except (TimeoutError, httpx.HTTPError) as error:
        logger.debug("rasa.probe.failed url=%s error=%r", url, error)
        return False
    return response.is_success


async def append_tracker_events(
    *,
    http: httpx.AsyncClient,
    rasa_url: str,
    auth_token: str,
    sender: str,
    events: list[dict[str, Any]],
    timeout: float,
) -> None:
    """Append events to a conversation's tracker through Rasa's HTTP API.

    Raises:
        RasaUnavailable: the connection failed, timed out, or Rasa responded
            with a non-2xx status (401 when the token is wrong).
    """
    url = f"{rasa_url}/conversations/{sender}/tracker/events"
    params = {"include_events": "NONE"}
    if auth_token:
        params["token"] = auth_token
    try:
        async with asyncio.timeout(timeout):
            response = await http.post(url, params=params, json=events)
    except TimeoutError as error:
        raise RasaUnavailable(f"timed out after {timeout} s") from error
    except httpx.HTTPError as error:
        raise RasaUnavailable(f"request failed: {error!r}") from error
    if not response.is_success:
        raise RasaUnavailable(f"responded with HTTP {response.status_code}")
