"""The widget's live connection: WebSocket pushes, reconnects and polling.

Playwright's WebSocket routing sits between the page and the desk, so a test
can drop the socket or refuse new ones while the desk keeps running.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, WebSocketRoute, expect

from desk.devstack import ServiceStack
from tests.browser.widget_driver import Widget


def is_conversation_socket(url: str) -> bool:
    return "/api/conversations/" in url and "/ws?" in url


class SocketSwitch:
    """Routes the widget's WebSockets to the desk, or refuses them while down.

    While down, the transcript polls fail too, so that nothing reaches the
    page until the switch is up again.
    """

    def __init__(self, page: Page) -> None:
        self.down = False
        self.sockets: list[WebSocketRoute] = []
        page.route_web_socket(is_conversation_socket, self._route_socket)
        page.route("**/messages?after=*", self._route_poll)

    def _route_socket(self, socket: WebSocketRoute) -> None:
        if self.down:
            socket.close(code=1011, reason="test: network down")
            return
        socket.connect_to_server()
        self.sockets.append(socket)

    def _route_poll(self, route: Route) -> None:
        if self.down:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    def cut(self) -> None:
        """Close the open socket and refuse new sockets and polls."""
        self.down = True
        self.sockets[-1].close(code=1011, reason="test: connection dropped")

    def restore(self) -> None:
        self.down = False


@pytest.fixture
def widget(page: Page, stack: ServiceStack) -> Widget:
    widget = Widget(page, stack)
    widget.load_portal()
    widget.open()
    return widget


def wait_until(page: Page, condition: Callable[[], bool], timeout_ms: int) -> None:
    """Poll ``condition`` in Python until it holds, failing after ``timeout_ms``."""
    waited = 0
    while not condition():
        assert waited < timeout_ms, "condition not met in time"
        page.wait_for_timeout(200)
        waited += 200


def test_reconnect_resumes_without_gaps(widget: Widget, page: Page) -> None:
    switch = SocketSwitch(page)
    widget.ask("养老金每月几号发")
    expect(widget.panel).to_have_attribute("data-connection", "socket")
    sockets_before = len(switch.sockets)

    # The connection drops. Meanwhile the citizen's other device sends a
    # question, and the desk stores it with the bot's answer.
    switch.cut()
    expect(widget.panel).to_have_attribute("data-connection", "polling")
    sent = widget.post_as_citizen("女职工现在多少岁退休？")
    assert sent["messages"], sent
    page.wait_for_timeout(1500)
    expect(widget.citizen_messages).to_have_count(1)

    # The connection comes back: the widget opens a new socket, reads what
    # it missed with ?after=, and shows every message once, in order.
    switch.restore()
    expect(widget.panel).to_have_attribute("data-connection", "socket")
    expect(widget.citizen_messages).to_have_count(2)
    expect(widget.citizen_messages.last).to_have_text("女职工现在多少岁退休？")
    assert len(switch.sockets) > sockets_before
    server_ids = [message["id"] for message in widget.server_messages()]
    assert widget.rendered_ids() == server_ids

    # Later messages arrive as pushes on the new socket.
    widget.post_as_citizen("养老金资格认证怎么做？")
    expect(widget.citizen_messages).to_have_count(3)
    server_ids = [message["id"] for message in widget.server_messages()]
    wait_until(page, lambda: widget.rendered_ids() == server_ids, 5000)


def test_polling_when_socket_refused(widget: Widget, page: Page) -> None:
    # A proxy that does not pass WebSockets: every socket closes at once.
    page.route_web_socket(is_conversation_socket, lambda socket: socket.close())
    widget.ask("养老金每月几号发")
    expect(widget.panel).to_have_attribute("data-connection", "polling")

    # A message stored behind the page's back shows up within a poll or two.
    widget.post_as_citizen("女职工现在多少岁退休？")
    expect(widget.citizen_messages.last).to_have_text(
        "女职工现在多少岁退休？", timeout=8000
    )
    server_ids = [message["id"] for message in widget.server_messages()]
    wait_until(page, lambda: widget.rendered_ids() == server_ids, 8000)
