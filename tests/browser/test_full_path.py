"""One consultation from the bot to a department and back, in three browsers.

The citizen uses the widget on the portal in a phone-sized profile. The city
centre's window specialist and the pension department's agent each use the
console in a profile of their own, as on three computers. Along the way every
page is reloaded and the desk restarts, and nothing is lost or shown twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from desk.devstack import ServiceStack
from tests.browser.conftest import PHONE_VIEWPORT, TIMEOUT_MS
from tests.browser.console_page import LIVE_TIMEOUT_MS, AgentApi, AgentConsole
from tests.browser.widget_driver import MESSAGE_ID, Widget

WINDOW = "city_window_1"  # 王丽, window specialist of the city centre
PENSION = "city_pension"  # 赵磊, 养老待遇科 of the city centre
ADMIN = "city_admin"


@pytest.fixture
def citizen_page(browser: Browser) -> Iterator[Page]:
    """Return a phone-sized page of its own profile; JavaScript errors fail the test."""
    context = browser.new_context(
        viewport=PHONE_VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"uncaught JavaScript errors in the widget: {errors}"


def write_as_citizen(widget: Widget, text: str) -> None:
    """Send a message while staff own the conversation, so no bot reply follows."""
    widget.input.fill(text)
    widget.input.press("Enter")
    sent = widget.citizen_messages.filter(has_text=text)
    expect(sent).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    expect(sent).to_have_attribute("data-id", MESSAGE_ID, timeout=LIVE_TIMEOUT_MS)


def expect_same_transcript(widget: Widget) -> None:
    """Check that the widget shows each stored message once, in order."""
    stored = [message["id"] for message in widget.server_messages()]
    expect(widget.transcript.locator("[data-id]")).to_have_count(len(stored))
    assert widget.rendered_ids() == stored


def test_citizen_bot_window_department_and_back_to_bot(
    citizen_page: Page,
    stack: ServiceStack,
    open_console: Callable[..., AgentConsole],
    agent_api: Callable[[str], AgentApi],
):
    widget = Widget(citizen_page, stack)
    widget.load_portal()
    widget.open()
    window = open_console(WINDOW)

    # Citizen: "养老金每月几号发？" The bot answers from the knowledge base.
    widget.ask("养老金每月几号发？")
    bot_answer = widget.bot_replies.first.locator(".bubble").inner_text()
    assert "养老金" in bot_answer

    # Citizen: "转人工". Only the window specialist is online, so the ticket
    # goes to the window queue and appears in her console without a reload.
    widget.ask("转人工")
    conversation_id = widget.stored_conversation()["id"]
    ticket_id = agent_api(ADMIN).ticket_of(conversation_id)["id"]
    window.open_ticket(ticket_id)
    expect(window.transcript.locator(".message-bot").first).to_contain_text(
        bot_answer[:20]
    )
    citizen_bubbles = window.transcript.locator(".message-citizen .bubble")
    expect(citizen_bubbles.last).to_have_text("转人工")

    # Window specialist accepts and replies; the citizen sees both live.
    window.accept()
    system = widget.transcript.locator(".message-system")
    expect(system.last).to_contain_text("工作人员已接入，王丽将为您解答。")
    greeting = "您好，我是窗口专员王丽。请问您想了解养老金的哪方面？"
    window.reply(greeting)
    expect(widget.transcript.locator(".message-agent")).to_have_count(1)
    expect(widget.transcript.locator(".message-agent")).to_contain_text(greeting)

    # Both pages reload: the same conversation, each message once.
    citizen_page.reload()
    expect(widget.panel).to_be_visible()
    expect(widget.transcript.locator(".message-agent")).to_have_count(1)
    expect_same_transcript(widget)
    window.page.reload()
    window.expect_connected()
    expect(window.page.locator("#ticket-title")).to_contain_text(f"#{ticket_id}")
    expect(window.page.locator("#reply-form")).to_be_visible()
    expect(window.transcript.locator(".message-agent")).to_have_count(1)

    # The desk restarts. The citizen's next message reaches the console once
    # both pages have reconnected.
    stack.restart_desk()
    question = "我想问今年养老金什么时候调整？"
    write_as_citizen(widget, question)
    latest = window.transcript.locator(".message-citizen").last
    expect(latest).to_contain_text(question, timeout=LIVE_TIMEOUT_MS)
    window.expect_connected()

    # The pension department's agent starts work; the window specialist
    # transfers the ticket to that department with a note.
    department = open_console(PENSION)
    note = "市民咨询今年养老金调整时间，请答复"
    window.transfer("养老待遇科", note)
    expect(system.last).to_contain_text("已为您转接到养老待遇科")
    expect(window.page.locator("#reply-form")).to_be_hidden()

    # The ticket appears in the department's queue with the whole transcript
    # and the note.
    department.open_ticket(ticket_id)
    expect(department.page.locator("#notes-list")).to_contain_text(note)
    expect(department.transcript.locator(".message-bot").first).to_contain_text(
        bot_answer[:20]
    )
    expect(department.transcript).to_contain_text(greeting)
    expect(department.transcript).to_contain_text(question)
    department.accept()
    expect(system.last).to_contain_text("赵磊")
    answer = "今年的调整通知发布后，我们会尽快按新标准发放，届时可在爱山东查询。"
    department.reply(answer)
    expect(widget.transcript.locator(".message-agent").last).to_contain_text(answer)

    # The department console reloads in the middle of its work.
    department.page.reload()
    department.expect_connected()
    expect(department.page.locator("#reply-form")).to_be_visible()
    expect(department.transcript.locator(".message-agent")).to_have_count(2)

    # The department closes the ticket; the citizen is asked for a rating.
    department.close("已答复养老金调整时间")
    expect(system.last).to_contain_text("本次人工服务已结束")
    expect(citizen_page.locator(".card.rating")).to_be_visible()

    # The bot owns the conversation again: it knows that staff helped and
    # answers the next question from the knowledge base.
    widget.ask("你好")
    expect(widget.bot_replies.last.locator(".bubble")).to_contain_text("欢迎回来")
    replies_before = widget.bot_replies.count()
    widget.ask("养老金每月几号发？")
    expect(widget.bot_replies.nth(replies_before).locator(".bubble")).to_have_text(
        bot_answer
    )
    expect_same_transcript(widget)
    agent_texts = [
        message["text"]
        for message in widget.server_messages()
        if message["sender"] == "agent"
    ]
    assert agent_texts == [greeting, answer]

    # The closed ticket is in the department's history.
    department.show_tab("history")
    expect(department.ticket(ticket_id)).to_be_visible()
