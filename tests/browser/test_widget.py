"""The chat widget on the portal: questions, buttons, reloads, input methods, text.

Each test has a fresh browser profile, so it starts without a stored
conversation, and talks to the real desk, Rasa and action server.
"""

from __future__ import annotations

import struct
import zlib

import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from desk.devstack import ServiceStack
from tests.browser.widget_driver import MESSAGE_ID, Widget


@pytest.fixture
def widget(page: Page, stack: ServiceStack) -> Widget:
    widget = Widget(page, stack)
    widget.load_portal()
    widget.open()
    return widget


def message_posts(page: Page) -> list[Request]:
    """Record the POST requests of chat messages that the page sends from now on."""
    posts: list[Request] = []
    page.on(
        "request",
        lambda request: (
            posts.append(request)
            if request.method == "POST" and request.url.endswith("/messages")
            else None
        ),
    )
    return posts


def test_answer_with_buttons_then_press(widget: Widget, page: Page) -> None:
    # Records whether the typing indicator showed while the bot worked.
    page.evaluate(
        """() => {
            const transcript = document.querySelector('#desk-widget')
                .shadowRoot.querySelector('.transcript');
            new MutationObserver(() => {
                if (transcript.querySelector('.typing-bot')) {
                    window.botTypingShown = true;
                }
            }).observe(transcript, {childList: true});
        }"""
    )

    # The citizen asks when pensions are paid; the bot answers from the
    # knowledge base and offers related questions as buttons.
    widget.ask("养老金每月几号发")
    assert page.evaluate("window.botTypingShown") is True
    expect(page.locator(".typing-bot")).to_have_count(0)
    answer = widget.bot_replies.first
    expect(answer.locator(".bubble")).to_contain_text("养老金")
    choices = widget.transcript.locator(".message-bot .choice")
    expect(choices.first).to_be_visible()
    title = choices.first.inner_text()

    # Pressing a button sends its payload and shows its title as the
    # citizen's message; the bot answers that question.
    replies_before = widget.bot_replies.count()
    choices.first.click()
    expect(widget.citizen_messages.last).to_have_text(title)
    expect(widget.bot_replies).not_to_have_count(replies_before)

    pressed = [
        message
        for message in widget.server_messages()
        if message["sender"] == "citizen" and message["text"] == title
    ]
    assert len(pressed) == 1
    assert pressed[0]["payload"].startswith("/")


def test_conversation_survives_reload(widget: Widget, page: Page) -> None:
    widget.ask("养老金资格认证怎么做？")
    stored = widget.stored_conversation()
    ids_before_reload = widget.rendered_ids()
    assert ids_before_reload == [m["id"] for m in widget.server_messages()]

    page.reload()

    # The panel opens again with the same conversation and the same messages.
    expect(widget.panel).to_be_visible()
    expect(widget.citizen_messages).to_have_count(1)
    expect(widget.bot_replies).to_have_count(
        sum(message["sender"] == "bot" for message in widget.server_messages())
    )
    assert widget.rendered_ids() == ids_before_reload
    assert widget.stored_conversation()["id"] == stored["id"]

    # The conversation goes on where it stopped.
    widget.ask("女职工现在多少岁退休？")
    assert widget.stored_conversation()["id"] == stored["id"]
    assert widget.rendered_ids() == [m["id"] for m in widget.server_messages()]


def test_enter_while_composing_does_not_send(
    widget: Widget, page: Page, context: BrowserContext
) -> None:
    posts = message_posts(page)
    widget.input.focus()
    ime = context.new_cdp_session(page)

    # A pinyin input method is composing "yanglaojin": Enter picks the
    # candidate and must not send the half-typed text.
    ime.send(
        "Input.imeSetComposition",
        {"text": "yanglaojin", "selectionStart": 10, "selectionEnd": 10},
    )
    widget.input.press("Enter")

    # Safari ends the composition first and then sends the Enter keydown,
    # with keyCode 229 and isComposing false; that Enter must not send either.
    ime.send("Input.insertText", {"text": "养老金"})
    page.evaluate(
        """() => {
            const input = document.querySelector('#desk-widget')
                .shadowRoot.querySelector('#message-input');
            const event = new KeyboardEvent('keydown', {
                key: 'Enter', bubbles: true, cancelable: true,
            });
            Object.defineProperty(event, 'keyCode', {value: 229});
            input.dispatchEvent(event);
        }"""
    )
    page.wait_for_timeout(500)
    assert posts == []
    expect(widget.citizen_messages).to_have_count(0)

    # With the characters committed, Enter sends them.
    widget.input.fill(widget.input.input_value().strip())
    widget.input.press("Enter")
    expect(widget.citizen_messages).to_have_count(1)
    expect(widget.citizen_messages.first).to_have_text("养老金")
    expect(widget.citizen_messages.first).to_have_attribute("data-id", MESSAGE_ID)
    assert len(posts) == 1


def test_html_in_message_shown_as_text(widget: Widget, page: Page) -> None:
    markup = '<img src=x onerror="window.__injected = true"><b>加粗</b>'

    widget.ask(markup)

    bubble = widget.citizen_messages.last.locator(".bubble")
    expect(bubble).to_have_text(markup)
    expect(bubble.locator("img, b")).to_have_count(0)
    expect(widget.transcript.locator("img")).to_have_count(0)
    assert page.evaluate("window.__injected") is None
    assert widget.server_messages()[0]["text"] == markup


def test_oversized_image_rejected_before_upload(widget: Widget, page: Page) -> None:
    uploads: list[Request] = []
    page.on(
        "request",
        lambda request: (
            uploads.append(request) if request.url.endswith("/attachments") else None
        ),
    )

    widget.page.locator(".file-input").set_input_files(
        {
            "name": "photo.png",
            "mimeType": "image/png",
            "buffer": b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024),
        }
    )

    expect(widget.error_line).to_contain_text("图片太大：最大 5 MB")
    assert uploads == []


def one_pixel_png() -> bytes:
    """Return a valid 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x15\x65\xc0")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def test_upload_rejects_renamed_file(widget: Widget, page: Page) -> None:
    # A PDF renamed to .png passes the browser's type check (the browser
    # goes by the extension); the desk reads its bytes and rejects it.
    with page.expect_response(lambda r: r.url.endswith("/attachments")) as rejected:
        page.locator(".file-input").set_input_files(
            {
                "name": "scan.png",
                "mimeType": "image/png",
                "buffer": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            }
        )
    assert rejected.value.status == 415
    server_error = rejected.value.json()["error"]

    expect(widget.error_line).to_contain_text("图片格式不支持")
    expect(page.locator(".error-detail")).to_have_text(server_error)
    expect(widget.transcript.locator(".message-image")).to_have_count(0)
    assert all(message["image"] is None for message in widget.server_messages())

    # A real PNG goes through and shows in the transcript.
    page.locator(".file-input").set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": one_pixel_png()}
    )
    image = widget.citizen_messages.locator(".message-image")
    expect(image).to_have_count(1)
    expect(widget.error_line).to_be_hidden()
    page.wait_for_function(
        "image => image.complete && image.naturalWidth === 1",
        arg=image.element_handle(),
    )
    stored = [m for m in widget.server_messages() if m["image"]]
    assert len(stored) == 1
    assert stored[0]["sender"] == "citizen"
