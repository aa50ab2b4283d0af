"""Errors that map to HTTP statuses with a JSON ``error`` body."""

from __future__ import annotations

import logging

from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json

logger = logging.getLogger(__name__)


class DeskError(SanicException):
    """An error the client can fix; ``message`` names the value and the fix."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message, status_code=status_code)


class NotFound(DeskError):
    """A resource named in the request does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=404)


class Unauthorized(DeskError):
    """The request has no valid token for the resource."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=401)


def register_error_handlers(app: Sanic) -> None:
    """Send every error as ``{"error": message}`` with its HTTP status."""

    @app.exception(SanicException)
    async def handle_sanic_error(
        request: Request, error: SanicException
    ) -> HTTPResponse:
        status = error.status_code or 500
        if status >= 500:
            logger.error("desk.request.failed path=%s", request.path, exc_info=error)
        return json({"error": str(error)}, status=status)

    @app.exception(Exception)
    async def handle_unexpected(request: Request, error: Exception) -> HTTPResponse:
        logger.error("desk.request.failed path=%s", request.path, exc_info=error)
        return json(
            {"error": "Internal error in the desk; the request was logged."},
            status=500,
        )
