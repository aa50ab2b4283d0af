"""Application factory of the desk."""

from __future__ import annotations

import logging

import httpx
from sanic import Request, Sanic
from sanic.response import HTTPResponse

from desk.blueprints import conversations, handoffs, health, kb, kb_edits, pages
from desk.db import create_engine, create_sessionmaker
from desk.errors import register_error_handlers
from desk.privacy import install_log_masking
from desk.services.cors import install_widget_cors
from desk.services.late_replies import LateReplies
from desk.settings import Settings
from desk.staff import install_staff_routes, session_info

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, name: str = "desk") -> Sanic:
    """Create the desk application with its database and HTTP client."""
    settings = settings or Settings.from_env()
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.settings = settings
    register_error_handlers(app)
    for blueprint in (
        health.bp,
        conversations.bp,
        kb.bp,
        kb_edits.bp,
        handoffs.bp,
        pages.bp,
    ):
        app.blueprint(blueprint)
    install_staff_routes(app, settings)
    install_widget_cors(app, settings)

    @app.before_server_start
    async def open_resources(app: Sanic) -> None:
        install_log_masking()
        app.ctx.engine = create_engine(settings.database_url)
        app.ctx.sessionmaker = create_sessionmaker(
            app.ctx.engine, info=session_info(app)
        )
        app.ctx.http = httpx.AsyncClient(timeout=settings.rasa_timeout)
        app.ctx.late_replies = LateReplies()
        logger.info("desk.started database=%s", app.ctx.engine.dialect.name)

    @app.after_server_stop
    async def close_resources(app: Sanic) -> None:
        # The late-reply tasks use the HTTP client and the database.
        await app.ctx.late_replies.close()
        await app.ctx.http.aclose()
        await app.ctx.engine.dispose()
        logger.info("desk.stopped")

    @app.on_request
    async def open_session(request: Request) -> None:
        request.ctx.session = request.app.ctx.sessionmaker()

    @app.on_response
    async def close_session(request: Request, response: HTTPResponse) -> None:
        session = getattr(request.ctx, "session", None)
        if session is not None:
            await session.close()

    return app
