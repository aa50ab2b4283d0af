"""The chat page, its static files and the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file

PACKAGE_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = PACKAGE_DIR / "static"
OPENAPI_PATH = PACKAGE_DIR / "openapi.yaml"

# The page loads only its own script and style and talks only to the desk.
# Bot images may come from other hosts, so img-src allows any HTTPS source.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' https: data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

bp = Blueprint("pages")
bp.static("/static", STATIC_DIR, name="static")


@bp.get("/")
async def get_chat_page(request: Request) -> HTTPResponse:
    """Return the chat page."""
    return await file(
        STATIC_DIR / "chat.html",
        mime_type="text/html; charset=utf-8",
        headers=PAGE_HEADERS,
    )


@bp.get("/api/openapi.yaml")
async def get_openapi(request: Request) -> HTTPResponse:
    """Return the OpenAPI 3.1 document of the desk's routes."""
    return await file(OPENAPI_PATH, mime_type="application/yaml; charset=utf-8")
