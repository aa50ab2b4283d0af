"""Fixtures of the browser tests: a real stack and Debian's Chromium under Playwright.

The stack is the desk, the Rasa server (with models/current.tar.gz) and the
action server on free loopback ports, started once per session. The browser
is /usr/bin/chromium, driven by the Python Playwright package; Playwright's
own browser downloads (`playwright install`) are never used.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from desk.devstack import ROOT, ServiceStack, free_port, http_json
from tests.browser.console_page import AgentApi, AgentConsole

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A mid-sized phone, because the portal and the widget are built for phones first.
PHONE_VIEWPORT = {"width": 390, "height": 844}
# The most common office screen, where agents work.
DESKTOP_VIEWPORT = {"width": 1366, "height": 768}
# A 10.9-inch tablet upright and on its side.
TABLET_VIEWPORTS = [{"width": 820, "height": 1180}, {"width": 1180, "height": 820}]
# Milliseconds that Playwright's waits and expect() assertions allow by default.
TIMEOUT_MS = 20_000

expect.set_options(timeout=TIMEOUT_MS)

# Desk settings of the test stack. The rate limits are raised because every
# test talks to the desk from 127.0.0.1 and the defaults (10 new conversations,
# 120 requests per minute) would throttle a whole session. Rasa gets 20 s
# instead of 2.5 s to reply, because a loaded test machine can take longer and
# the desk's apology for a slow bot is tested in tests/e2e.
DESK_TEST_SETTINGS = {
    "DESK_MESSAGES_PER_MINUTE": "1000",
    "DESK_REQUESTS_PER_MINUTE": "10000",
    "DESK_CONVERSATIONS_PER_MINUTE": "1000",
    "DESK_RASA_TIMEOUT": "20",
}


@pytest.fixture(scope="session")
def always_open_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of seeds/ in which every agency is open around the clock.

    Outside business hours a handoff becomes a left message, so with the real
    hours the tests would depend on the time of day they run at.
    """
    seeds = tmp_path_factory.mktemp("seeds") / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    path = seeds / "organisation.yml"
    organisation = yaml.safe_load(path.read_text(encoding="utf-8"))
    for agency in organisation["agencies"]:
        agency["business_hours"] = {
            day: ["00:00-24:00"]
            for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        }
        agency["holidays"] = []
        agency["extra_workdays"] = []
    path.write_text(yaml.safe_dump(organisation, allow_unicode=True), encoding="utf-8")
    return seeds


@pytest.fixture(scope="session")
def other_site_origin() -> str:
    """Return the origin of a site other than the desk that embeds the widget.

    Its port is chosen before the stack starts, because the desk reads
    DESK_WIDGET_ORIGINS once at start; test_widget_other_site.py serves the
    site's page on it.
    """
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    always_open_seeds: Path,
    other_site_origin: str,
) -> Iterator[ServiceStack]:
    services = ServiceStack(
        workdir=tmp_path_factory.mktemp("browser-stack"),
        extra_env={
            "DESK_SEEDS_DIR": str(always_open_seeds),
            "DESK_WIDGET_ORIGINS": other_site_origin,
            **DESK_TEST_SETTINGS,
        },
    )
    try:
        services.start_all()
        # The first search builds the knowledge-base index, which can take
        # longer than the action server waits for a response.
        status, body = http_json(
            "POST", f"{services.desk_url}/api/kb/search", {"q": "养老金"}, timeout=60
        )
        assert status == 200, body
        yield services
    finally:
        services.stop_all()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests drive Debian's Chromium. "
            "Install it with `apt-get install chromium`."
        )
    instance = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
    )
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """Return a fresh browser profile (empty storage) with a phone-sized window."""
    instance = browser.new_context(
        viewport=PHONE_VIEWPORT,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    instance.set_default_timeout(TIMEOUT_MS)
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """Return a page that fails the test on any uncaught JavaScript error."""
    instance = context.new_page()
    errors: list[str] = []
    instance.on("pageerror", lambda error: errors.append(str(error)))
    yield instance
    assert errors == [], f"uncaught JavaScript errors: {errors}"


@pytest.fixture(scope="session")
def agent_password(stack: ServiceStack) -> Callable[[str], str]:
    """Return a function that gives a seeded agent a random password once."""
    passwords: dict[str, str] = {}

    def password_of(username: str) -> str:
        if username not in passwords:
            password = secrets.token_urlsafe(16)
            stack.run_desk_command("set-password", username, input_text=password)
            passwords[username] = password
        return passwords[username]

    return password_of


@pytest.fixture
def open_console(
    browser: Browser, stack: ServiceStack, agent_password: Callable[[str], str]
) -> Iterator[Callable[..., AgentConsole]]:
    """Return a function that logs an agent in to /console in a new profile.

    Each console gets its own browser context, as if on another computer.
    At the end the agents log out, which sets them offline, so that routing
    in the next test finds nobody online; uncaught JavaScript errors fail the
    test.
    """
    opened: list[tuple[BrowserContext, AgentConsole, list[str]]] = []

    def open_for(
        username: str,
        *,
        viewport: dict[str, int] | None = None,
        log_in: bool = True,
        prepare: Callable[[Page], None] | None = None,
    ) -> AgentConsole:
        """Open the console for ``username``; ``prepare`` runs before the login."""
        context = browser.new_context(
            viewport=viewport or DESKTOP_VIEWPORT,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        console = AgentConsole(page, stack.desk_url)
        opened.append((context, console, errors))
        if prepare is not None:
            prepare(page)
        if log_in:
            console.log_in(username, agent_password(username))
        else:
            agent_password(username)
            console.open()
        return console

    yield open_for

    for context, console, _ in opened:
        console.end_session()
        context.close()
    for _, _, errors in opened:
        assert errors == [], f"uncaught JavaScript errors in the console: {errors}"


@pytest.fixture(scope="session")
def agent_api(
    stack: ServiceStack, agent_password: Callable[[str], str]
) -> Callable[[str], AgentApi]:
    """Return a function that logs an agent in to the agent API over HTTP.

    Logging in over the API leaves the agent's presence as it was, so an
    administrator logged in this way never takes part in routing.
    """
    sessions: dict[str, AgentApi] = {}

    def api_for(username: str) -> AgentApi:
        if username not in sessions:
            api = AgentApi(stack.desk_url)
            api.log_in(username, agent_password(username))
            sessions[username] = api
        return sessions[username]

    return api_for
