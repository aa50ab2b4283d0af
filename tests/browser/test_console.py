"""The agent console at /console, driven in Chromium against the real stack.

Citizens talk to the desk over HTTP here, as the chat page does; the full
path through the widget is in test_full_path.py. Agents come from
seeds/organisation.yml.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import (
    APIResponse,
    Locator,
    Page,
    Route,
    WebSocketRoute,
    expect,
)

from desk.devstack import ServiceStack
from tests.browser.conftest import TABLET_VIEWPORTS
from tests.browser.console_page import AgentApi, AgentConsole
from tests.e2e.conftest import Citizen

WINDOW = "city_window_1"  # 王丽, window specialist of the city centre
OTHER_WINDOW = "city_window_2"  # 陈浩, the same agency's second window specialist
PENSION = "city_pension"  # 赵磊, 养老待遇科 of the city centre
ADMIN = "city_admin"

OpenConsole = Callable[..., AgentConsole]


def request_human(citizen: Citizen, admin: AgentApi) -> int:
    """Let the citizen ask for a human and return the id of the new ticket."""
    citizen.say("转人工")
    return int(admin.ticket_of(citizen.conversation_id)["id"])


@pytest.fixture
def admin(agent_api: Callable[[str], AgentApi]) -> AgentApi:
    return agent_api(ADMIN)


def test_console_page_headers_and_script(stack: ServiceStack):
    with urllib.request.urlopen(f"{stack.desk_url}/console", timeout=10) as response:
        headers = response.headers
        page = response.read().decode()
    with urllib.request.urlopen(
        f"{stack.desk_url}/static/console.js", timeout=10
    ) as response:
        script = response.read().decode()

    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"
    assert '<script src="/static/console.js" defer>' in page
    # Text from citizens and agents goes in through textContent only.
    assert "innerHTML" not in script
    assert "insertAdjacentHTML" not in script


def test_login_rejects_wrong_password_then_opens_console(
    open_console: OpenConsole, agent_password: Callable[[str], str]
):
    console = open_console(WINDOW, log_in=False)
    page = console.page
    expect(page.locator("#login-view")).to_be_visible()

    page.fill("#login-username", WINDOW)
    page.fill("#login-password", "not-the-password")
    page.click("#login-button")

    expect(console.login_message).to_have_text("用户名或密码错误。")
    expect(page.locator("#console-view")).to_be_hidden()

    console.log_in(WINDOW, agent_password(WINDOW))

    expect(page.locator("#agent-label")).to_contain_text("王丽")
    expect(page.locator("#agent-label")).to_contain_text("窗口专员")
    expect(page.locator("#agent-label")).to_contain_text("泰安市社会保险事业中心")
    expect(presence_button(page, "online")).to_have_attribute("aria-pressed", "true")


def presence_button(page: Page, presence: str) -> Locator:
    return page.locator(f'.presence-button[data-presence="{presence}"]')


def test_new_ticket_appears_live_with_ticking_wait(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    console = open_console(WINDOW)
    citizen = Citizen(stack)

    # The ticket arrives after the console loaded its lists: only a push can
    # bring it.
    ticket_id = request_human(citizen, admin)

    entry = console.ticket(ticket_id)
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("排队中")
    wait = entry.locator(".ticket-wait")
    expect(wait).to_have_text(re.compile(r"^已等 \d+"))
    first = wait.text_content()
    console.page.wait_for_timeout(2100)
    assert wait.text_content() != first, "the waiting time did not tick"

    queue = console.page.locator(".queue-item", has_text="窗口专员")
    expect(queue.locator(".queue-waiting")).to_have_text(
        re.compile(r"^[1-9]\d* 人等待")
    )
    expect(queue.locator(".queue-oldest")).to_have_text(re.compile(r"^最久已等 "))
    expect(console.tab("queue").locator(".tab-count")).to_have_text(re.compile(r"\d+"))


def test_transcript_shows_bot_part_as_plain_text(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    console = open_console(WINDOW)
    citizen = Citizen(stack)
    # Turn 1: a knowledge-base question that the bot answers.
    answer = citizen.say("养老金每月几号发？")["messages"][0]["text"]
    # Turn 2: markup that must stay text in the console.
    markup = '<img src="x" onerror="window.injected = 1"><b>加粗</b>'
    citizen.say(markup)
    ticket_id = request_human(citizen, admin)

    console.open_ticket(ticket_id)

    transcript = console.transcript
    expect(transcript.locator(".message-citizen").first).to_contain_text(
        "养老金每月几号发"
    )
    expect(transcript.locator(".message-bot").first).to_contain_text(answer[:20])
    expect(
        transcript.locator(".message-citizen", has_text="<b>加粗</b>")
    ).to_have_count(1)
    expect(transcript.locator("img")).to_have_count(0)
    assert console.page.evaluate("window.injected") is None
    expect(console.page.locator("#ticket-facts")).to_contain_text("市民要求转人工")
    expect(console.page.locator("#accept-button")).to_be_visible()
    expect(console.page.locator("#reply-closed-note")).to_have_text(
        "接入会话后才能回复市民。"
    )


def button_payload(reply: dict[str, Any], title: str) -> str:
    """Return the payload of the bot's button with this title."""
    for message in reply["messages"]:
        for button in message.get("buttons") or []:
            if button["title"] == title:
                return str(button["payload"])
    raise AssertionError(f"no button {title!r} in {reply}")


def test_flow_step_and_collected_details_shown(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    console = open_console(WINDOW)
    citizen = Citizen(stack)
    # The citizen starts the family-sharing guide by typing, answers its
    # first question and asks for a human at the next step.
    first = citizen.say("一步步带我办理家庭共济")
    citizen.press(button_payload(first, "是，职工医保"))
    ticket_id = request_human(citizen, admin)

    console.open_ticket(ticket_id)

    flow = console.page.locator("#flow-facts")
    expect(flow).to_contain_text("医保个账家庭共济办理引导")
    # The agent reads the step's question and the answers as the citizen
    # saw them, not step ids or slot names.
    expect(flow).to_contain_text("您想办理哪一项？")
    expect(flow).not_to_contain_text("ask_task")
    slots = console.page.locator("#flow-slots")
    expect(slots.locator("dt").first).to_contain_text("请问您本人参加的是职工医保吗")
    expect(slots.locator("dd").first).to_have_text("是，职工医保")
    expect(slots).not_to_contain_text("has_employee_insurance")
    expect(console.page.locator("#flow-empty")).to_be_hidden()
    # The buttons that the bot offered are part of the transcript.
    expect(console.transcript.locator(".message-buttons").first).to_contain_text(
        "是，职工医保"
    )


def test_accept_after_another_agent_shows_conflict(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    first = open_console(WINDOW)
    citizen = Citizen(stack)
    ticket_id = request_human(citizen, admin)

    # The second console gets no pushes, because a stub that never connects
    # to the desk takes its WebSocket. Its first fetch lists the ticket.
    second = open_console(OTHER_WINDOW, prepare=stub_agent_socket)
    second.open_ticket(ticket_id)
    first.open_ticket(ticket_id)
    first.accept()

    second.page.click("#accept-button")

    expect(second.notice).to_have_text(
        f"接入失败：会话 #{ticket_id} 已被其他工作人员接入。"
    )
    expect(second.ticket(ticket_id)).to_have_count(0)
    expect(second.page.locator("#accept-button")).to_be_hidden()
    expect(second.page.locator("#reply-closed-note")).to_contain_text("王丽")


def stub_agent_socket(page: Page) -> None:
    page.route_web_socket(re.compile(r"/api/agent/ws$"), lambda socket: None)


def test_accept_elsewhere_updates_open_ticket_live(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    watching = open_console(WINDOW)
    taking = open_console(OTHER_WINDOW)
    citizen = Citizen(stack)
    ticket_id = request_human(citizen, admin)
    watching.open_ticket(ticket_id)

    taking.open_ticket(ticket_id)
    taking.accept()

    expect(watching.notice).to_have_text(f"会话 #{ticket_id} 已由 陈浩 接入。")
    expect(watching.page.locator("#accept-button")).to_be_hidden()
    expect(watching.ticket(ticket_id)).to_have_count(0)
    expect(taking.tab("mine")).to_have_attribute("aria-selected", "true")
    expect(taking.ticket(ticket_id)).to_be_visible()


def test_reply_keys_respect_shift_and_input_method(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    console = open_console(WINDOW)
    citizen = Citizen(stack)
    ticket_id = request_human(citizen, admin)
    console.open_ticket(ticket_id)
    console.accept()
    box = console.page.locator("#reply-input")

    # Shift+Enter starts a new line instead of sending.
    box.press_sequentially("第一行")
    box.press("Shift+Enter")
    box.press_sequentially("第二行")
    expect(box).to_have_value("第一行\n第二行")

    # A pinyin input method composes "disanhang": Enter picks the candidate
    # and must not send the half-typed reply.
    ime = console.page.context.new_cdp_session(console.page)
    ime.send(
        "Input.imeSetComposition",
        {"text": "disanhang", "selectionStart": 9, "selectionEnd": 9},
    )
    box.press("Enter")
    # Safari ends the composition before its keydown, which then has keyCode
    # 229 and isComposing false.
    box.dispatch_event("keydown", {"key": "Enter", "keyCode": 229})
    console.page.wait_for_timeout(500)
    expect(console.transcript.locator(".message-agent")).to_have_count(0)

    # The input method commits the characters; now Enter sends the reply.
    ime.send("Input.insertText", {"text": "第三行"})
    box.fill("第一行\n第二行第三行")
    box.press("Enter")

    expect(box).to_have_value("")
    expect(console.transcript.locator(".message-agent")).to_have_count(1)
    expect(console.transcript.locator(".message-agent")).to_contain_text(
        "第一行\n第二行第三行"
    )
    agent_messages = [m for m in citizen.transcript() if m["sender"] == "agent"]
    assert [m["text"] for m in agent_messages] == ["第一行\n第二行第三行"]
    assert agent_messages[0]["agent_name"] == "王丽"


def test_canned_reply_search_fills_reply_box(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    console = open_console(WINDOW)
    citizen = Citizen(stack)
    ticket_id = request_human(citizen, admin)
    console.open_ticket(ticket_id)
    console.accept()
    query = "养老金"
    status, body = admin.request("GET", f"/api/agent/canned?q={quote(query)}")
    assert status == 200, body
    expected = body["replies"][0]

    console.page.fill("#canned-query", query)

    options = console.page.locator(".canned-option")
    expect(options.first).to_contain_text(expected["question"])
    options.first.click()
    expect(console.page.locator("#reply-input")).to_have_value(expected["answer"])
    expect(console.page.locator("#canned-results")).to_be_hidden()
    expect(console.transcript.locator(".message-agent")).to_have_count(0)


def test_transfer_and_return_reach_the_other_queue_live(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    window = open_console(WINDOW)
    citizen = Citizen(stack)
    ticket_id = request_human(citizen, admin)
    window.open_ticket(ticket_id)
    window.accept()
    # The department agent comes online only now, so routing left the
    # ticket with the window.
    department = open_console(PENSION)

    window.transfer("养老待遇科", "市民问养老金调整，请答复")

    department.open_ticket(ticket_id)
    notes = department.page.locator("#notes-list")
    expect(notes).to_contain_text("市民问养老金调整，请答复")
    expect(notes).to_contain_text("王丽")
    expect(department.transcript).to_contain_text("已为您转接到养老待遇科")
    expect(window.ticket(ticket_id)).to_have_count(0)
    expect(window.page.locator("#reply-form")).to_be_hidden()

    department.accept()
    department.page.fill("#return-note", "不属于本科室，请窗口核实")
    department.page.click("#return-form button[type=submit]")

    expect(department.notice).to_have_text(f"已将会话 #{ticket_id} 退回窗口队列。")
    window.show_tab("queue")
    window.open_ticket(ticket_id)
    expect(window.page.locator("#notes-list li")).to_have_count(2)
    expect(window.page.locator("#notes-list")).to_contain_text(
        "不属于本科室，请窗口核实"
    )
    expect(window.page.locator("#accept-button")).to_be_visible()


def test_close_moves_ticket_to_history(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    console = open_console(WINDOW)
    citizen = Citizen(stack)
    citizen.say("我的社保卡丢了，编号历史检索甲乙")
    ticket_id = request_human(citizen, admin)
    console.open_ticket(ticket_id)
    console.accept()

    # A resolution is required before closing.
    console.page.click("#close-form button[type=submit]")
    expect(console.notice).to_have_text("请先填写处理结果，再结束会话。")
    console.close("已告知挂失和补办渠道")

    expect(console.notice).to_contain_text(f"会话 #{ticket_id} 已结束")
    expect(console.ticket(ticket_id)).to_have_count(0)
    console.show_tab("history")
    expect(console.ticket(ticket_id)).to_be_visible()
    console.page.fill("#history-query", "历史检索甲乙")
    console.page.click("#history-search button[type=submit]")
    expect(console.page.locator(".ticket-item")).to_have_count(1)
    console.open_ticket(ticket_id)
    expect(console.page.locator("#ticket-facts")).to_contain_text(
        "已告知挂失和补办渠道"
    )
    # The citizen is asked for a rating once the ticket is closed.
    last = citizen.transcript()[-1]
    assert last["sender"] == "system"


def test_presence_switch_changes_agent_presence(open_console: OpenConsole):
    console = open_console(WINDOW)
    page = console.page

    presence_button(page, "away").click()

    expect(presence_button(page, "away")).to_have_attribute("aria-pressed", "true")
    expect(presence_button(page, "online")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#presence-state")).to_have_attribute("data-presence", "away")
    assert page_agent(page)["presence"] == "away"

    presence_button(page, "online").click()

    expect(presence_button(page, "online")).to_have_attribute("aria-pressed", "true")
    assert page_agent(page)["presence"] == "online"


def page_agent(page: Page) -> dict[str, Any]:
    """Return GET /api/agent/me as the page's session sees it."""
    return page.evaluate("fetch('/api/agent/me').then((response) => response.json())")[
        "agent"
    ]


def test_logout_returns_to_login_form(open_console: OpenConsole):
    console = open_console(WINDOW)

    console.log_out()

    expect(console.login_message).to_have_text("您已退出登录。")
    console.page.reload()
    expect(console.page.locator("#login-view")).to_be_visible()
    expect(console.login_message).to_be_hidden()


def test_expired_session_returns_to_login_with_message(
    open_console: OpenConsole, stack: ServiceStack
):
    console = open_console(WINDOW)
    # Ending the page's session on the server is what expiry looks like to
    # the page: every request and the socket get 401.
    api = AgentApi(stack.desk_url)
    for cookie in console.page.context.cookies():
        api.cookies.set_cookie(as_http_cookie(cookie))
    api.log_out()

    console.show_tab("history")

    expect(console.page.locator("#login-view")).to_be_visible()
    expect(console.login_message).to_have_text(
        "登录已过期或已在其他地方退出，请重新登录。"
    )
    expect(console.page.locator("#login-username")).to_have_value(WINDOW)


def as_http_cookie(cookie: Any) -> http.cookiejar.Cookie:
    """Convert a Playwright cookie into one that urllib's cookie jar sends."""
    return http.cookiejar.Cookie(
        version=0,
        name=cookie["name"],
        value=cookie["value"],
        port=None,
        port_specified=False,
        domain=cookie["domain"],
        domain_specified=False,
        domain_initial_dot=False,
        path=cookie["path"],
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


def test_reconnect_fetches_ticket_missed_while_disconnected(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    sockets: list[WebSocketRoute] = []

    def route(socket: WebSocketRoute) -> None:
        # The first socket is a stub that hears nothing; later ones reach the desk.
        sockets.append(socket)
        if len(sockets) > 1:
            socket.connect_to_server()

    console = open_console(
        WINDOW,
        prepare=lambda page: page.route_web_socket(
            re.compile(r"/api/agent/ws$"), route
        ),
    )
    citizen = Citizen(stack)
    ticket_id = request_human(citizen, admin)
    console.page.wait_for_timeout(1000)
    expect(console.ticket(ticket_id)).to_have_count(0)

    sockets[0].close()

    expect(console.ticket(ticket_id)).to_be_visible()
    console.expect_connected()
    assert len(sockets) == 2


def test_slow_list_fetch_keeps_pushed_ticket(
    open_console: OpenConsole, stack: ServiceStack, admin: AgentApi
):
    held: list[tuple[Route, APIResponse]] = []

    def hold(route: Route) -> None:
        # The desk reads the list now; the page gets it only when released.
        held.append((route, route.fetch()))

    queue_list = re.compile(r"/api/agent/tickets\?scope=queue")
    console = open_console(WINDOW, prepare=lambda page: page.route(queue_list, hold))
    # Route handlers run while the test waits on Playwright, so wait here
    # until the desk has returned the first queue list.
    for _ in range(50):
        if held:
            break
        console.page.wait_for_timeout(100)
    assert held, "the console fetched no queue list"
    citizen = Citizen(stack)
    ticket_id = request_human(citizen, admin)
    expect(console.ticket(ticket_id)).to_be_visible()

    # The lists read before the ticket existed arrive after its push.
    for route, response in held:
        route.fulfill(response=response)
    console.page.wait_for_timeout(1000)

    expect(console.ticket(ticket_id)).to_be_visible()


@pytest.mark.parametrize("viewport", TABLET_VIEWPORTS, ids=["portrait", "landscape"])
def test_console_fits_a_tablet(
    open_console: OpenConsole,
    stack: ServiceStack,
    admin: AgentApi,
    viewport: dict[str, int],
):
    console = open_console(WINDOW, viewport=viewport)
    citizen = Citizen(stack)
    ticket_id = request_human(citizen, admin)
    console.open_ticket(ticket_id)
    console.accept()

    console.reply("您好，请问有什么可以帮您？")

    page = console.page
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the console scrolls sideways"
    )
    for selector in ("#reply-input", "#reply-button", "#logout-button"):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0, selector
        assert box["x"] + box["width"] <= viewport["width"], selector
