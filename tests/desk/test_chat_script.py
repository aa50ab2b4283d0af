"""Error messages of the chat page, run in Node with a stand-in page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from desk.settings import ROOT

CHAT_SCRIPT = ROOT / "desk" / "static" / "chat.js"
HARNESS = Path(__file__).parent / "chat_harness.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def send_with_reply(status: str, text: str) -> dict[str, object]:
    """Send ``text`` on the chat page while the desk replies with ``status``."""
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(HARNESS), str(CHAT_SCRIPT), status, text],
        capture_output=True,
        check=True,
        text=True,
        timeout=30,
    )
    return json.loads(completed.stdout)


# The HTTP status of the desk's reply, or "network", and the message shown.
ERROR_MESSAGES = {
    "400": "消息格式有误",
    "413": "消息太长了：最多 2000 字",
    "422": "这个选项已失效",
    "401": "会话已失效",
    "404": "会话已失效",
    "429": "发送太频繁了",
    "500": "服务暂时不可用",
    "503": "服务暂时不可用",
    "418": "发送失败（错误代码 418）",
    "network": "网络连接失败",
}


@pytest.mark.parametrize("status", ERROR_MESSAGES)
def test_chat_error_is_chinese_and_keeps_typed_text(status):
    page = send_with_reply(status, "灵活就业怎么交养老保险")

    assert page["hidden"] is False
    assert ERROR_MESSAGES[status] in page["error"]
    # The API's English error text never reaches the citizen.
    assert re.search("[A-Za-z]", page["error"]) is None
    assert page["input"] == "灵活就业怎么交养老保险"


def test_chat_counts_text_without_surrounding_spaces():
    # 2,000 characters plus spaces pass the page's own check and reach the desk.
    page = send_with_reply("500", f"  {'长' * 2000}  ")

    assert "服务暂时不可用" in page["error"]


LATE_REPLY_HARNESS = Path(__file__).parent / "chat_late_reply_harness.js"


def run_late_reply_scenario(scenario: str) -> dict[str, object]:
    """Run the chat page against a fake desk whose bot replies late."""
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(LATE_REPLY_HARNESS), str(CHAT_SCRIPT), scenario],
        capture_output=True,
        check=True,
        text=True,
        timeout=30,
    )
    return json.loads(completed.stdout)


def test_chat_polls_until_late_reply():
    page = run_late_reply_scenario("poll")

    assert page["pollingAfterNotice"] == 1
    assert page["bubbles"] == ["问题一", "智能助手正在处理您的问题", "回答一"]
    assert page["requests"].count("GET messages?after=2") == 2
    assert page["pollingAtEnd"] == 0
    assert page["error"] == ""


def test_chat_shows_late_reply_before_next_reply():
    page = run_late_reply_scenario("send-again")

    assert page["bubbles"] == [
        "问题一",
        "智能助手正在处理您的问题",
        "问题二",
        "回答一",
        "回答二",
    ]
    assert page["pollingAtEnd"] == 0
    assert page["error"] == ""
