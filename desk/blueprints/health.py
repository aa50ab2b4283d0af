"""Health check of the desk and its dependencies."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from desk.services.health import check_health

bp = Blueprint("health")


@bp.get("/health")
async def get_health(request: Request) -> HTTPResponse:
    """Report each dependency; 503 only when the database fails.

    Rasa or the action server being down makes the status "degraded" with
    HTTP 200, because the desk still stores messages and opens tickets then.
    """
    report = await check_health(
        session=request.ctx.session,
        http=request.app.ctx.http,
        settings=request.app.ctx.settings,
    )
    return json(report, status=200 if report["database"] == "ok" else 503)
