"""The chat widget (widget.js) as the browser tests drive it on the portal page.

Playwright's CSS selectors pierce open shadow roots, so the locators below
reach into the widget's Shadow DOM.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from desk.devstack import ServiceStack, http_json

# Replies of the bot (not the local welcome text, not a typing indicator).
BOT_REPLY = ".transcript .message-bot:not(.welcome):not(.typing)"
MESSAGE_ID = re.compile(r"^\d+$")


class Widget:
    """The widget on the portal page of one browser context."""

    def __init__(self, page: Page, stack: ServiceStack) -> None:
        self.page = page
        self.stack = stack

    # ------------------------------------------------------------ navigation

    def load_portal(self) -> None:
        self.page.goto(f"{self.stack.desk_url}/portal")
        expect(
            self.page.locator(".launcher, .panel:not([hidden])").first
        ).to_be_visible()

    def open(self) -> None:
        """Open the panel with the floating button, unless it is open already."""
        if self.panel.is_visible():
            return
        self.page.locator(".launcher").click()
        expect(self.panel).to_be_visible()

    # -------------------------------------------------------------- locators

    @property
    def panel(self) -> Locator:
        return self.page.locator(".panel")

    @property
    def input(self) -> Locator:
        return self.page.locator("#message-input")

    @property
    def transcript(self) -> Locator:
        return self.page.locator(".transcript")

    @property
    def bot_replies(self) -> Locator:
        return self.page.locator(BOT_REPLY)

    @property
    def citizen_messages(self) -> Locator:
        return self.page.locator(".transcript .message-citizen")

    @property
    def error_line(self) -> Locator:
        return self.page.locator(".error-line")

    # --------------------------------------------------------------- actions

    def ask(self, text: str) -> None:
        """Type a question, send it with Enter and wait until the desk replied."""
        replies_before = self.bot_replies.count()
        self.input.fill(text)
        self.input.press("Enter")
        expect(self.citizen_messages.last).to_have_attribute("data-id", MESSAGE_ID)
        expect(self.page.locator(".typing-bot")).to_have_count(0)
        expect(self.bot_replies).not_to_have_count(replies_before)

    # ---------------------------------------------------------------- state

    def stored_conversation(self) -> dict[str, Any] | None:
        """Return what the widget keeps in localStorage about its conversation."""
        return self.page.evaluate(
            "JSON.parse(localStorage.getItem('desk.widget.conversation'))"
        )

    def rendered_ids(self) -> list[int]:
        """Return the ids of the messages on screen, top to bottom."""
        return self.page.evaluate(
            """() => [...document.querySelector('#desk-widget').shadowRoot
                .querySelectorAll('.transcript [data-id]')]
                .map((row) => Number(row.dataset.id))"""
        )

    def server_messages(self) -> list[dict[str, Any]]:
        """Return the conversation's transcript as the desk stores it."""
        stored = self.stored_conversation()
        assert stored, "the widget has no conversation yet"
        status, body = http_json(
            "GET",
            f"{self.stack.desk_url}/api/conversations/{stored['id']}/messages",
            headers={"Authorization": f"Bearer {stored['token']}"},
        )
        assert status == 200, body
        return body["messages"]

    def post_as_citizen(self, text: str) -> dict[str, Any]:
        """Send a message of this conversation over HTTP, behind the page's back."""
        stored = self.stored_conversation()
        assert stored, "the widget has no conversation yet"
        status, body = http_json(
            "POST",
            f"{self.stack.desk_url}/api/conversations/{stored['id']}/messages",
            {"text": text},
            headers={"Authorization": f"Bearer {stored['token']}"},
            timeout=30,
        )
        assert status == 200, body
        return body
