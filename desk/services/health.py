"""Health of the desk and of the services it depends on."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from desk.services.rasa import is_reachable
from desk.settings import Settings

logger = logging.getLogger(__name__)

# Timeout in seconds of each check. The checks run concurrently.
PROBE_TIMEOUT = 1.0


async def database_is_up(*, session: AsyncSession, timeout: float) -> bool:
    """Return whether ``SELECT 1`` succeeds within ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            await session.execute(text("SELECT 1"))
    except (TimeoutError, SQLAlchemyError, OSError) as error:
        logger.error("health.database.failed error=%r", error)
        return False
    return True


async def check_health(
    *, session: AsyncSession, http: httpx.AsyncClient, settings: Settings
) -> dict[str, Any]:
    """Check the database, Rasa and the action server and return the report."""
    database, rasa, action_server = await asyncio.gather(
        database_is_up(session=session, timeout=PROBE_TIMEOUT),
        is_reachable(http=http, url=settings.rasa_url + "/", timeout=PROBE_TIMEOUT),
        is_reachable(
            http=http,
            url=settings.action_server_url + "/health",
            timeout=PROBE_TIMEOUT,
        ),
    )
    healthy = database and rasa and action_server
    return {
        "status": "ok" if healthy else "degraded",
        "desk": "ok",
        "database": "ok" if database else "error",
        "rasa": "ok" if rasa else "unreachable",
        "action_server": "ok" if action_server else "unreachable",
    }
