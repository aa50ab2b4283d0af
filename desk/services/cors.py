"""CORS and WebSocket origin checks, so that other sites can embed the widget.

A page of another origin that embeds widget.js calls the citizen API with
``fetch`` and opens the conversation's WebSocket. The desk lets such a page
read its responses only when its origin is in ``Settings.widget_origins``
(DESK_WIDGET_ORIGINS), and only on the routes in WIDGET_ROUTE_URIS. The agent
console, the service endpoints of the action server and the knowledge-base
routes never send CORS headers. Responses never allow credentials, because
the widget authenticates with a bearer token and sends no cookies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Coroutine
from typing import Any
from urllib.parse import urlsplit

from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse, HTTPResponse, empty

from desk.errors import DeskError
from desk.settings import Settings

logger = logging.getLogger(__name__)

# Routes that widget.js calls with fetch, as their blueprints declare them.
# GET /api/attachments/<id> is left out because the widget loads images with
# <img>, which needs no CORS.
WIDGET_ROUTE_URIS = (
    "/api/conversations",
    "/api/conversations/<conversation_id:str>/messages",
    "/api/conversations/<conversation_id:str>/attachments",
    "/api/conversations/<conversation_id:str>/contact",
    "/api/conversations/<conversation_id:str>/rating",
    "/api/agencies",
    "/api/enterprises/<credit_code:str>/departments",
)
# Request headers that widget.js sends besides the CORS-safelisted ones.
ALLOWED_REQUEST_HEADERS = "Authorization, Content-Type"
# Response headers that widget.js reads besides the CORS-safelisted ones:
# Retry-After of a 429.
EXPOSED_RESPONSE_HEADERS = "Retry-After"
# Seconds a browser may reuse a preflight response. Chromium 76 and later cap
# this at 7200 s and Firefox at 86400 s (MDN, Access-Control-Max-Age).
PREFLIGHT_MAX_AGE_SECONDS = 7200
# Disallowed origins are logged once each, for at most this many origins, so
# a foreign page that embeds the widget cannot flood the log.
MAX_LOGGED_ORIGINS = 100


def is_desk_origin(request: Request, origin: str) -> bool:
    """Return whether ``origin`` names the host and port the request was sent to."""
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


def check_socket_origin(request: Request, allowed: Collection[str]) -> None:
    """Raise 403 when a browser opens a citizen socket from a site not allowed.

    Browsers send Origin with every WebSocket handshake, and CORS does not
    apply to WebSockets. A request without Origin comes from a program, not a
    page, and is allowed, as are the desk's own pages and ``allowed``.

    Raises:
        DeskError: 403, for any other origin.
    """
    origin = request.headers.get("origin")
    if not origin or origin.lower() in allowed or is_desk_origin(request, origin):
        return
    logger.warning("conversation.socket.rejected_origin origin=%s", origin[:100])
    raise DeskError(
        f"WebSocket rejected because the page's origin {origin[:100]!r} is not "
        "the desk's and not in DESK_WIDGET_ORIGINS. The desk's operator can "
        "add it there.",
        status_code=403,
    )


def install_widget_cors(app: Sanic, settings: Settings) -> None:
    """Register preflight routes and a CORS response middleware for the widget.

    Call it after every blueprint is registered, because the allowed methods
    of each route are read from the router.

    Raises:
        RuntimeError: a URI of WIDGET_ROUTE_URIS has no route, because a
            blueprint changed it.
    """
    allowed = frozenset(settings.widget_origins)
    methods_by_uri = widget_route_methods(app)
    for index, (uri, methods) in enumerate(methods_by_uri.items()):
        app.add_route(
            preflight_handler(allowed, methods),
            uri,
            methods=["OPTIONS"],
            name=f"widget_preflight_{index}",
        )
    logged_origins: set[str] = set()

    async def add_cors_headers(request: Request, response: BaseHTTPResponse) -> None:
        route = request.route
        if route is None or route.uri not in methods_by_uri:
            return
        # The response depends on Origin whenever origins are listed, so a
        # cache must not give one site's response to another.
        if allowed:
            add_vary_origin(response)
        origin = request.headers.get("origin")
        if not origin:
            return
        if origin.lower() in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            if request.method != "OPTIONS":
                response.headers["Access-Control-Expose-Headers"] = (
                    EXPOSED_RESPONSE_HEADERS
                )
        elif not is_desk_origin(request, origin):
            log_rejected_origin(logged_origins, origin)

    app.register_middleware(add_cors_headers, "response")
    if allowed:
        logger.info("desk.widget_origins origins=%s", ",".join(sorted(allowed)))


def widget_route_methods(app: Sanic) -> dict[str, tuple[str, ...]]:
    """Return the HTTP methods that the app routes for each widget URI.

    Raises:
        RuntimeError: a URI has no route.
    """
    methods: dict[str, set[str]] = {uri: set() for uri in WIDGET_ROUTE_URIS}
    for route in app.router.routes:
        if route.uri in methods:
            methods[route.uri] |= set(route.methods)
    missing = [uri for uri, found in methods.items() if not found]
    if missing:
        raise RuntimeError(
            f"No route for {', '.join(missing)}. Update WIDGET_ROUTE_URIS in "
            "desk/services/cors.py to the URIs that widget.js calls."
        )
    return {uri: tuple(sorted(found)) for uri, found in methods.items()}


def preflight_handler(
    allowed: frozenset[str], methods: tuple[str, ...]
) -> Callable[..., Coroutine[Any, Any, HTTPResponse]]:
    """Return the OPTIONS handler of a widget route that accepts ``methods``.

    An allowed origin gets the methods, request headers and max-age that a
    browser needs before the actual request. Any other request gets only
    ``Allow``. The Access-Control-Allow-Origin header comes from the response
    middleware of install_widget_cors.
    """
    allow = ", ".join((*methods, "OPTIONS"))

    async def preflight(request: Request, **_path_parameters: str) -> HTTPResponse:
        headers = {"Allow": allow}
        origin = request.headers.get("origin", "")
        if origin.lower() in allowed:
            headers["Access-Control-Allow-Methods"] = ", ".join(methods)
            headers["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
            headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
        return empty(status=204, headers=headers)

    return preflight


def add_vary_origin(response: BaseHTTPResponse) -> None:
    """Add Origin to the response's Vary header, keeping the fields it has."""
    vary = response.headers.get("vary", "")
    fields = [field.strip().lower() for field in vary.split(",")]
    if "origin" in fields or "*" in fields:
        return
    response.headers["Vary"] = f"{vary}, Origin" if vary.strip() else "Origin"


def log_rejected_origin(logged_origins: set[str], origin: str) -> None:
    """Log the first request of each disallowed origin, up to MAX_LOGGED_ORIGINS."""
    key = origin[:100].lower()
    if key in logged_origins or len(logged_origins) >= MAX_LOGGED_ORIGINS:
        return
    logged_origins.add(key)
    logger.warning(
        "cors.origin_not_allowed origin=%s (browsers block the widget's calls "
        "from this site unless DESK_WIDGET_ORIGINS lists it)",
        key,
    )
