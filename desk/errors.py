"""Errors that map to HTTP statuses with a JSON ``error`` body."""

from __future__ import annotations

import logging
from typing import Any

from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json

logger = logging.getLogger(__name__)


class DeskError(SanicException):
    """An error the client can fix; ``message`` names the value and the fix.

    ``context`` contains extra fields for the JSON body, such as a limit that a
    client shows to the user. ``headers`` go into the HTTP response.
    """

    def __init__(
        self,
        message: str,
        status_code: int = 400,
        *,
        context: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, context=context, headers=headers
        )


class NotFound(DeskError):
    """A resource named in the request does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=404)


class Unauthorized(DeskError):
    """The request has no valid token for the resource."""

    def __init__(self, message: str) -> None:
        super().__init__(
            message, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )


def register_error_handlers(app: Sanic) -> None:
    """Send every error as ``{"error": message}`` with its HTTP status.

    Fields of a SanicException's ``context`` are added to the body.
    """

    @app.exception(SanicException)
    async def handle_sanic_error(
        request: Request, error: SanicException
    ) -> HTTPResponse:
        status = error.status_code or 500
        if status >= 500:
            logger.error("desk.request.failed path=%s", request.path, exc_info=error)
        body = {**(error.context or {}), "error": str(error)}
        return json(body, status=status, headers=error.headers)

    @app.exception(Exception)
    async def handle_unexpected(request: Request, error: Exception) -> HTTPResponse:
        logger.error("desk.request.failed path=%s", request.path, exc_info=error)
        return json(
            {"error": "Internal error in the desk; the request was logged."},
            status=500,
        )
