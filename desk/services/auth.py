"""Agent login, sessions that expire when idle, and logout.

The ``desk_session`` cookie carries a random token; the database stores its
SHA-256 digest. A session expires after ``session_idle_seconds`` without a
request and is then deleted.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.errors import DeskError
from desk.models.organisation import PRESENCE_OFFLINE, PRESENCE_ONLINE, Agent
from desk.models.staff import AgentSession
from desk.organisation.directory import Directory
from desk.organisation.passwords import verify_password
from desk.services import audit
from desk.services.presence import change_presence
from desk.services.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

COOKIE_NAME = "desk_session"
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_PERIOD = 15 * 60
# A request refreshes last_seen_at at most this often, to spare writes.
LAST_SEEN_RESOLUTION = timedelta(seconds=60)
TEXT_BAD_LOGIN = "Invalid username or password."


def login_failure_limiter() -> RateLimiter:
    """Return the limiter of failed logins: 5 per username per 15 minutes."""
    return RateLimiter(LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_PERIOD)


def hash_session_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a session token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def unauthorized(message: str) -> DeskError:
    """Return a 401 error for a request without a valid session."""
    return DeskError(message, status_code=401)


async def log_in(
    *,
    session: AsyncSession,
    username: str,
    password: str,
    failures: RateLimiter,
    now: datetime,
) -> tuple[Agent, str]:
    """Check the password, open a session and set the agent online; commit.

    Returns the agent and the new session token for the cookie.

    Raises:
        DeskError: 429 after LOGIN_FAILURE_LIMIT failures for the username in
            LOGIN_FAILURE_PERIOD seconds, 401 for an unknown username or a
            wrong password (the same message for both).
    """
    wait = failures.retry_after(username)
    if wait is not None:
        minutes = LOGIN_FAILURE_PERIOD // 60
        seconds = max(1, int(wait) + 1)
        logger.warning("agent.login.throttled agent=%s", username)
        raise DeskError(
            f"Too many failed logins for this username: the limit is "
            f"{LOGIN_FAILURE_LIMIT} in {minutes} minutes. Try again in {seconds} s, "
            "or ask an administrator to reset the password.",
            status_code=429,
            headers={"Retry-After": str(seconds)},
        )
    agent = await session.get(Agent, username)
    password_hash = agent.password_hash if agent else None
    # Argon2 takes tens of milliseconds of CPU, so it runs off the event loop.
    valid = await asyncio.to_thread(verify_password, password_hash, password)
    if agent is None or not valid:
        failures.hit(username)
        logger.warning("agent.login.failed agent=%s", username)
        raise unauthorized(TEXT_BAD_LOGIN)
    failures.reset(username)

    token = secrets.token_urlsafe(32)
    session.add(
        AgentSession(
            token_hash=hash_session_token(token),
            agent=agent.username,
            created_at=now,
            last_seen_at=now,
        )
    )
    audit.record(
        session,
        agent=agent.username,
        action=audit.ACTION_LOGIN,
        detail={"presence": PRESENCE_ONLINE},
    )
    if agent.presence != PRESENCE_ONLINE:
        change_presence(
            session,
            agent=agent,
            presence=PRESENCE_ONLINE,
            directory=await Directory.load(session),
            now=now,
            cause="login",
            record_audit=False,
        )
    await session.commit()
    logger.info("agent.login agent=%s", agent.username)
    return agent, token


async def authenticate(
    *,
    session: AsyncSession,
    token: str | None,
    now: datetime,
    idle_seconds: int,
) -> tuple[Agent, AgentSession]:
    """Return the agent and session of a cookie token, refreshing last_seen_at.

    Raises:
        DeskError: 401 when the token is missing, unknown or expired.
    """
    if not token:
        raise unauthorized(
            "Not logged in: log in with POST /api/agent/login, which sets the "
            f"{COOKIE_NAME} cookie."
        )
    query = select(AgentSession).where(
        AgentSession.token_hash == hash_session_token(token)
    )
    agent_session = (await session.scalars(query)).first()
    if agent_session is None:
        raise unauthorized("Invalid session: it ended or never existed; log in again.")
    if agent_session.last_seen_at <= now - timedelta(seconds=idle_seconds):
        await session.delete(agent_session)
        await session.commit()
        logger.info("agent.session.expired agent=%s", agent_session.agent)
        hours = idle_seconds / 3600
        raise unauthorized(
            f"Session expired after {hours:g} h without activity; log in again."
        )
    agent = await session.get(Agent, agent_session.agent)
    if agent is None:
        raise unauthorized("Invalid session: the agent no longer exists.")
    if now - agent_session.last_seen_at >= LAST_SEEN_RESOLUTION:
        agent_session.last_seen_at = now
        await session.commit()
    return agent, agent_session


async def log_out(
    *, session: AsyncSession, agent: Agent, agent_session: AgentSession, now: datetime
) -> None:
    """End the session, set the agent offline, audit it and commit."""
    await session.execute(
        delete(AgentSession).where(AgentSession.id == agent_session.id)
    )
    audit.record(
        session,
        agent=agent.username,
        action=audit.ACTION_LOGOUT,
        detail={"presence": PRESENCE_OFFLINE},
    )
    change_presence(
        session,
        agent=agent,
        presence=PRESENCE_OFFLINE,
        directory=await Directory.load(session),
        now=now,
        cause="logout",
        record_audit=False,
    )
    await session.commit()
    logger.info("agent.logout agent=%s", agent.username)
