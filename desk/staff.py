"""Set-up of the human side: agent console API, WebSockets, uploads, limits.

``create_app`` calls ``install_staff_routes`` once per app.
"""

from __future__ import annotations

from sanic import Sanic

from desk.blueprints import (
    agent,
    agent_tickets,
    agent_ws,
    attachments,
    citizen_ws,
    feedback,
    portal,
)
from desk.services.auth import login_failure_limiter
from desk.services.hub import HUB_KEY, Hub
from desk.services.presence import ConsoleConnections
from desk.services.ratelimit import install_rate_limits
from desk.settings import Settings


def install_staff_routes(app: Sanic, settings: Settings) -> None:
    """Register the blueprints and the in-process state they share.

    The hub, the console connection counts and the rate-limit counters live
    on ``app.ctx`` from creation on, so they outlive the restarts of Sanic's
    ASGI test client.
    """
    app.ctx.hub = Hub()
    app.ctx.console_connections = ConsoleConnections(settings.presence_grace_seconds)
    app.ctx.login_failures = login_failure_limiter()
    install_rate_limits(app, settings)
    for blueprint in (
        agent.bp,
        agent_tickets.bp,
        agent_ws.bp,
        attachments.bp,
        citizen_ws.bp,
        feedback.bp,
        portal.bp,
    ):
        app.blueprint(blueprint)


def session_info(app: Sanic) -> dict[str, object]:
    """Return the ``info`` that every database session of the app starts with."""
    return {HUB_KEY: app.ctx.hub}
