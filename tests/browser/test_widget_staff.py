"""The widget with staff: agencies, enterprise entry, left messages, replies, ratings.

The agents work through the agent API, not the console page, so these tests
check what the citizen sees. The stack keeps every agency open around the
clock (see conftest.py), so routing depends only on who is online.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from desk.devstack import ServiceStack
from tests.browser.console_page import AgentApi
from tests.browser.widget_driver import MESSAGE_ID, Widget

ORGANISATION = Path(__file__).resolve().parents[2] / "seeds" / "organisation.yml"

LogIn = Callable[[str], AgentApi]


@pytest.fixture(scope="module")
def organisation() -> dict[str, Any]:
    return yaml.safe_load(ORGANISATION.read_text(encoding="utf-8"))


@pytest.fixture
def widget(page: Page, stack: ServiceStack) -> Widget:
    widget = Widget(page, stack)
    widget.load_portal()
    widget.open()
    return widget


@pytest.fixture
def log_in(
    stack: ServiceStack, agent_password: Callable[[str], str]
) -> Iterator[LogIn]:
    """Return a function that logs an agent in over the API and sets them online.

    The agents log out at the end, which sets them offline for the next test.
    """
    agents: list[AgentApi] = []

    def log_in_as(username: str) -> AgentApi:
        api = AgentApi(stack.desk_url)
        api.log_in(username, agent_password(username))
        status, body = api.request("PUT", "/api/agent/presence", {"presence": "online"})
        assert status == 200, body
        agents.append(api)
        return api

    yield log_in_as

    for api in agents:
        api.log_out()


def act(api: AgentApi, ticket_id: int, action: str, body: Any = None) -> Any:
    """Run one ticket action of the agent API and return the response body."""
    status, response = api.request(
        "POST", f"/api/agent/tickets/{ticket_id}/{action}", body or {}
    )
    assert status in (200, 201), response
    return response


def test_agency_chooser_lists_agencies(
    widget: Widget, page: Page, organisation: dict[str, Any]
) -> None:
    agencies = organisation["agencies"]
    default = next(agency for agency in agencies if agency.get("default"))
    select = page.locator("#agency")

    # The default agency comes first and is chosen, as the portal's
    # data-agency attribute sets. The stack's agencies are open all day.
    expect(select.locator("option")).to_have_count(len(agencies))
    expect(select.locator("option").first).to_have_text(default["name"])
    expect(select).to_have_value("taian_city")
    assert sorted(select.locator("option").all_inner_texts()) == sorted(
        agency["name"] for agency in agencies
    )
    expect(page.locator(".hours")).to_contain_text("工作时间内")

    # Another agency is remembered for the next conversation.
    select.select_option("taishan")
    expect(page.locator(".subtitle")).to_contain_text("泰山区社会保险事业中心")
    widget.ask("养老金每月几号发")
    assert widget.stored_conversation()["agency"] == "taishan"


def test_left_message_then_reply_later(
    widget: Widget, page: Page, log_in: LogIn
) -> None:
    # Nobody of 东平县 is online, so the request for a human becomes a
    # left message, and the widget offers the contact form.
    page.locator("#agency").select_option("dongping")
    widget.input.fill("转人工")
    widget.input.press("Enter")
    contact = page.locator(".card.contact")
    expect(contact).to_be_visible()
    expect(page.locator(".status-line")).to_have_text(
        "工作人员暂时不在线，您可以在下方留言"
    )
    expect(widget.transcript.locator(".message-system")).not_to_have_count(0)

    # A phone number with letters is rejected in the form.
    contact.get_by_label("手机或电话（选填）").fill("0538-12ab")
    contact.get_by_label("留言内容").fill("想咨询退休手续需要的材料，请回电。")
    contact.get_by_role("button", name="提交留言").click()
    expect(contact.locator(".field-error")).to_contain_text("电话号码只能包含数字")

    contact.get_by_label("姓名（选填）").fill("张先生")
    contact.get_by_label("手机或电话（选填）").fill("0538-1234567")
    contact.get_by_role("button", name="提交留言").click()
    expect(contact).to_contain_text("留言已提交")

    # Later the window specialist of 东平县 takes the left message and
    # replies; the reply appears in the same conversation.
    conversation_id = widget.stored_conversation()["id"]
    agent = log_in("dongping_window")
    ticket = agent.ticket_of(conversation_id)
    assert ticket["agency"] == "dongping"
    assert ticket["state"] == "left_message"
    assert "0538-1234567" in str(ticket["contact"])

    act(agent, ticket["id"], "accept")
    act(
        agent,
        ticket["id"],
        "messages",
        {"text": "张先生您好，退休手续需要身份证和档案。"},
    )
    reply = widget.transcript.locator(".message-agent").last
    expect(reply.locator(".bubble")).to_have_text(
        "张先生您好，退休手续需要身份证和档案。"
    )
    expect(reply.locator(".sender-label")).to_have_text("工作人员 曾辉")
    expect(page.locator(".status-line")).to_have_text("工作人员曾辉正在为您服务")
    assert widget.stored_conversation()["id"] == conversation_id

    # The specialist transfers the question to 养老待遇科: the citizen sees
    # the transfer notice and waits again.
    act(
        agent,
        ticket["id"],
        "transfer",
        {"department": "dongping.pension", "note": "退休材料"},
    )
    expect(widget.transcript.locator(".message-system").last).to_have_text(
        "已为您转接到养老待遇科，请稍候"
    )
    expect(page.locator(".status-line")).to_have_text("正在为您转接工作人员，请稍候")


def test_enterprise_department_then_rating(
    widget: Widget, page: Page, log_in: LogIn
) -> None:
    agent = log_in("taishan_pension")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    # The HR clerk of 泰山区示例食品有限公司 opens the enterprise entry. A
    # mistyped check character is caught before any request.
    page.get_by_role("button", name="企业咨询").click()
    code_input = page.get_by_label("统一社会信用代码")
    expect(code_input).to_be_focused()
    code_input.fill("91370902MA3DEM003X")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".enterprise .field-error")).to_contain_text("校验位不对")
    assert not [url for url in requests if "/api/enterprises/" in url]

    # Typed in lower case with a space, the code finds the enterprise and the
    # departments of its agency, with the staff online.
    code_input.fill("91370902ma3dem 003l")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".enterprise-name")).to_contain_text("泰山区示例食品有限公司")
    pension = page.locator(".department", has_text="养老待遇科")
    expect(pension.locator(".online")).to_have_text("1 人在线")

    # Starting with the department opens a ticket in its queue at once.
    pension.get_by_role("button", name="咨询养老待遇科").click()
    expect(widget.input).to_be_visible()
    expect(page.locator(".status-line")).to_have_text("正在为您转接工作人员，请稍候")
    expect(widget.transcript.locator(".message-system").last).to_contain_text(
        "养老待遇科"
    )
    stored = widget.stored_conversation()
    assert stored["enterprise"] == "91370902MA3DEM003L"
    ticket = agent.ticket_of(stored["id"])
    assert ticket["enterprise"]

    # The agent accepts: the widget shows the system notice and who serves.
    act(agent, ticket["id"], "accept")
    expect(widget.transcript.locator(".message-system").last).to_contain_text(
        "工作人员已接入"
    )
    expect(page.locator(".status-line")).to_have_text("工作人员何伟正在为您服务")

    # While staff own the conversation the bot stays quiet.
    widget.input.fill("我们单位新招的员工怎么办理参保？")
    widget.input.press("Enter")
    expect(widget.citizen_messages.last).to_have_attribute("data-id", MESSAGE_ID)
    expect(page.locator(".typing-bot")).to_have_count(0)
    act(agent, ticket["id"], "messages", {"text": "请在单位网厅办理参保登记。"})
    expect(widget.transcript.locator(".message-agent .bubble").last).to_have_text(
        "请在单位网厅办理参保登记。"
    )

    # The agent closes the ticket and the citizen rates the service once.
    act(agent, ticket["id"], "close", {"resolution": "已告知网厅办理参保登记"})
    rating = page.locator(".card.rating")
    expect(rating).to_be_visible()
    expect(page.locator(".status-line")).to_be_hidden()
    rating.get_by_role("button", name="提交评价").click()
    expect(rating.locator(".field-error")).to_have_text("请先选择分数。")
    rating.get_by_label("5 分 非常满意").check()
    rating.get_by_label("意见和建议（选填）").fill("回复很快")
    rating.get_by_role("button", name="提交评价").click()
    expect(rating).to_have_text("感谢您的评价！")

    # A reload does not ask again.
    page.reload()
    expect(widget.panel).to_be_visible()
    expect(widget.transcript.locator(".message-agent")).to_have_count(1)
    expect(page.locator(".card.rating")).to_have_count(0)
