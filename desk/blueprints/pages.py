"""Pages (chat, portal, agent console), the widget script and the OpenAPI document."""

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

# Other sites embed the widget, so its script may be loaded cross-origin;
# "no-cache" makes browsers revalidate, so a new version reaches them at once.
WIDGET_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Cache-Control": "no-cache",
}

# The agent console is never framed, so no other page can overlay its buttons,
# and it is not cached because it shows personal data after login.
CONSOLE_HEADERS = {
    **PAGE_HEADERS,
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' https: data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",
}

bp = Blueprint("pages")
bp.static("/static", STATIC_DIR, name="static")


async def html_page(name: str, headers: dict[str, str] = PAGE_HEADERS) -> HTTPResponse:
    """Return the HTML page ``name`` of the static folder."""
    return await file(
        STATIC_DIR / name, mime_type="text/html; charset=utf-8", headers=headers
    )


@bp.get("/")
async def get_chat_page(request: Request) -> HTTPResponse:
    """Return the chat page."""
    return await html_page("chat.html")


@bp.get("/portal")
async def get_portal_page(request: Request) -> HTTPResponse:
    """Return the citizen portal: notices, common questions, guides and the widget."""
    return await html_page("portal.html")


@bp.get("/widget.js")
async def get_widget_script(request: Request) -> HTTPResponse:
    """Return the embeddable chat widget, which other sites load by URL.

    The widget finds the desk's API and stylesheet next to this URL.
    """
    return await file(
        STATIC_DIR / "widget.js",
        mime_type="text/javascript; charset=utf-8",
        headers=WIDGET_HEADERS,
    )


@bp.get("/console")
async def get_console_page(request: Request) -> HTTPResponse:
    """Return the agent console: login, queues, tickets and replies."""
    return await html_page("console.html", CONSOLE_HEADERS)


@bp.get("/api/openapi.yaml")
async def get_openapi(request: Request) -> HTTPResponse:
    """Return the OpenAPI 3.1 document of the desk's routes."""
    return await file(OPENAPI_PATH, mime_type="application/yaml; charset=utf-8")
