"""The agent console as the browser tests drive it, and the agent API over HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.request
from typing import Any

from playwright.sync_api import Locator, Page, expect

# Milliseconds to wait for a push to reach the page. Generous, because a push
# after a desk restart waits for the console to reconnect (1 s, 2 s, 4 s …).
LIVE_TIMEOUT_MS = 20_000


class AgentConsole:
    """One agent's console page at /console."""

    def __init__(self, page: Page, desk_url: str) -> None:
        self.page = page
        self.desk_url = desk_url

    def open(self) -> None:
        self.page.goto(f"{self.desk_url}/console")

    def log_in(self, username: str, password: str) -> None:
        """Open the console, log in and wait until live updates are connected."""
        self.open()
        self.page.fill("#login-username", username)
        self.page.fill("#login-password", password)
        self.page.click("#login-button")
        expect(self.page.locator("#console-view")).to_be_visible()
        self.expect_connected()

    def log_out(self) -> None:
        self.page.click("#logout-button")
        expect(self.page.locator("#login-view")).to_be_visible()

    def end_session(self) -> None:
        """Log out over the API, whatever the page shows, so the agent is offline."""
        if self.page.is_closed() or not self.page.url.startswith(self.desk_url):
            return
        self.page.evaluate(
            "fetch('/api/agent/logout', {method: 'POST'}).then(() => true, () => false)"
        )

    def expect_connected(self) -> None:
        expect(self.page.locator("#connection-state")).to_have_attribute(
            "data-state", "up", timeout=LIVE_TIMEOUT_MS
        )

    @property
    def notice(self) -> Locator:
        return self.page.locator("#console-notice-text")

    @property
    def login_message(self) -> Locator:
        return self.page.locator("#login-message")

    @property
    def transcript(self) -> Locator:
        return self.page.locator("#transcript")

    def tab(self, name: str) -> Locator:
        return self.page.locator(f'.tab[data-tab="{name}"]')

    def show_tab(self, name: str) -> None:
        self.tab(name).click()

    def ticket(self, ticket_id: int) -> Locator:
        """Return the ticket's entry in the list on screen."""
        return self.page.locator(f'.ticket-item[data-ticket-id="{ticket_id}"]')

    def open_ticket(self, ticket_id: int) -> None:
        """Click the ticket in the list, waiting for it to arrive first."""
        entry = self.ticket(ticket_id)
        expect(entry).to_be_visible(timeout=LIVE_TIMEOUT_MS)
        entry.click()
        expect(self.page.locator("#ticket-title")).to_contain_text(f"#{ticket_id}")
        expect(self.page.locator("#details")).to_be_visible()

    def accept(self) -> None:
        self.page.click("#accept-button")
        expect(self.page.locator("#reply-form")).to_be_visible()

    def reply(self, text: str) -> None:
        """Type a reply and send it with Enter, as agents do."""
        box = self.page.locator("#reply-input")
        box.fill(text)
        box.press("Enter")
        expect(box).to_have_value("")
        expect(self.transcript.locator(".message-agent").last).to_contain_text(text)

    def transfer(self, department: str, note: str) -> None:
        """Transfer the open ticket to the department with this name."""
        select = self.page.locator("#transfer-department")
        value = select.locator("option", has_text=department).first.get_attribute(
            "value"
        )
        assert value, f"department {department!r} is not offered for transfer"
        select.select_option(value)
        self.page.fill("#transfer-note", note)
        self.page.click("#transfer-form button[type=submit]")
        expect(self.notice).to_contain_text("转接到")

    def close(self, resolution: str) -> None:
        self.page.fill("#close-resolution", resolution)
        self.page.click("#close-form button[type=submit]")
        expect(self.page.locator("#reply-closed-note")).to_contain_text("会话已结束")


class AgentApi:
    """The agent API with one agent's session cookie, as the console uses it."""

    def __init__(self, desk_url: str) -> None:
        self.desk_url = desk_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """Send one JSON request and return the status and the decoded body."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.desk_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with self.opener.open(request, timeout=10) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, json.loads(raw) if raw else None

    def log_in(self, username: str, password: str) -> dict[str, Any]:
        status, body = self.request(
            "POST", "/api/agent/login", {"username": username, "password": password}
        )
        assert status == 200, body
        return body["agent"]

    def log_out(self) -> None:
        self.request("POST", "/api/agent/logout")

    def tickets(self, scope: str) -> list[dict[str, Any]]:
        status, body = self.request("GET", f"/api/agent/tickets?scope={scope}")
        assert status == 200, body
        return body["tickets"]

    def ticket_of(self, conversation_id: str, scope: str = "queue") -> dict[str, Any]:
        """Return the ticket of a conversation among the tickets in ``scope``."""
        for ticket in self.tickets(scope):
            if ticket["conversation_id"] == conversation_id:
                return ticket
        raise AssertionError(
            f"no ticket of conversation {conversation_id} in scope {scope!r}"
        )
