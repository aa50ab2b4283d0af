"""Thin HTTP client for the desk's knowledge-base and handoff endpoints."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from actions.settings import ActionSettings

logger = logging.getLogger(__name__)


class DeskError(Exception):
    """A call to the desk failed."""


class DeskUnavailable(DeskError):
    """The desk could not be reached or returned an error status."""


class DeskNotFound(DeskError):
    """The desk returned 404 for the requested resource."""


class DeskClient:
    """Calls the desk over HTTP; one short-lived session per call."""

    def __init__(self, settings: ActionSettings | None = None) -> None:
        self.settings = settings or ActionSettings.from_env()

    async def search(
        self, query: str, *, category: str | None = None, limit: int = 5
    ) -> dict[str, Any]:
        """Search the knowledge base; return the desk's search result.

        The query goes in a POST body because citizens' messages may be up
        to 2,000 characters, too long for a query string.
        """
        body: dict[str, Any] = {"q": query, "limit": limit}
        if category:
            body["category"] = category
        return await self._request("POST", "/api/kb/search", json=body)

    async def get_entry(self, entry_id: str) -> dict[str, Any] | None:
        """Return one knowledge-base entry, or None when the id is unknown."""
        try:
            return await self._request("GET", f"/api/kb/entries/{entry_id}")
        except DeskNotFound:
            return None

    async def create_handoff(
        self,
        *,
        conversation_id: str,
        reason: str,
        topic: str | None,
        context: dict[str, Any],
    ) -> dict[str, Any]:
        """Create (or return the open) handoff ticket of a conversation."""
        body = {
            "conversation_id": conversation_id,
            "reason": reason,
            "topic": topic,
            "context": context,
        }
        return await self._request("POST", "/api/handoffs", json=body)

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = self.settings.desk_url + path
        headers = {"X-Service-Token": self.settings.service_token}
        timeout = aiohttp.ClientTimeout(total=self.settings.desk_timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.request(
                    method, url, headers=headers, **kwargs
                ) as response:
                    if response.status == 404:
                        raise DeskNotFound(path)
                    if response.status >= 400:
                        detail = await response.text()
                        raise DeskUnavailable(
                            f"{method} {path} returned {response.status}: {detail}"
                        )
                    return await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise DeskUnavailable(f"{method} {path} failed: {error!r}") from error
