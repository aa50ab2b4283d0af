"""The widget embedded on a page of another origin, as on an agency's portal site.

The page is served by a small HTTP server on another port of 127.0.0.1,
which is another origin than the desk's. The desk lists that origin in
DESK_WIDGET_ORIGINS (tests/browser/conftest.py). The page sends the
Content-Security-Policy that docs/widget.md recommends for such a site, so a
directive that the widget needs and the docs leave out fails the test.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Response, expect

from desk.devstack import ServiceStack
from tests.browser.widget_driver import Widget

PAGE_TEMPLATE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>泰安市人力资源和社会保障局</title></head>
<body>
<h1>泰安市人力资源和社会保障局</h1>
<script src="{desk_url}/widget.js" data-agency="taian_city" defer></script>
</body>
</html>
"""


def content_security_policy(desk_url: str) -> str:
    """Return the policy of docs/widget.md for a page that embeds ``desk_url``."""
    socket_url = "ws" + desk_url.removeprefix("http")
    return (
        f"default-src 'self'; script-src 'self' {desk_url}; "
        f"style-src 'self' {desk_url}; connect-src 'self' {desk_url} {socket_url}; "
        f"img-src 'self' {desk_url}"
    )


@pytest.fixture
def other_site(stack: ServiceStack, other_site_origin: str) -> Iterator[str]:
    """Serve the page that embeds the widget at ``other_site_origin``, yield its URL."""
    body = PAGE_TEMPLATE.format(desk_url=stack.desk_url).encode("utf-8")
    policy = content_security_policy(stack.desk_url)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (name fixed by http.server)
            if self.path != "/":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", policy)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    address = urlsplit(other_site_origin)
    server = ThreadingHTTPServer((address.hostname or "", address.port or 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{other_site_origin}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_widget_on_other_site_gets_reply(
    page: Page, stack: ServiceStack, other_site: str, other_site_origin: str
) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    message_posts: list[Response] = []
    page.on(
        "response",
        lambda response: (
            message_posts.append(response)
            if response.request.method == "POST" and response.url.endswith("/messages")
            else None
        ),
    )
    widget = Widget(page, stack)

    page.goto(other_site)
    launcher = page.locator(".launcher")
    expect(launcher).to_be_visible()
    # The stylesheet from the desk applies inside the Shadow DOM.
    position = page.evaluate(
        """() => getComputedStyle(document.querySelector('#desk-widget')
            .shadowRoot.querySelector('.widget')).position"""
    )
    widget.open()
    widget.ask("养老金每月几号发")

    expect(widget.bot_replies.first.locator(".bubble")).to_contain_text("养老金")
    # The desk accepted the WebSocket from the listed origin.
    expect(widget.panel).to_have_attribute("data-connection", "socket")
    assert position == "fixed"
    assert page.evaluate("location.origin") == other_site_origin
    stored = widget.stored_conversation()
    assert stored is not None
    assert stored["token"]
    assert message_posts, "the widget sent no message"
    headers = message_posts[0].headers
    assert headers.get("access-control-allow-origin") == other_site_origin
    assert "access-control-allow-credentials" not in headers
    assert violations == []
