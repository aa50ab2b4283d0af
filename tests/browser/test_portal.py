"""The portal page (/portal): its four sections show the seeded content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from desk.devstack import ServiceStack
from desk.kb.schema import CATEGORIES
from tests.browser.widget_driver import Widget

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def load_seed(name: str) -> dict[str, Any]:
    with (SEEDS / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def kb_entries() -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for path in sorted((SEEDS / "kb").glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            for entry in yaml.safe_load(handle)["entries"]:
                entries[entry["id"]] = entry
    return entries


@pytest.fixture
def portal(page: Page, stack: ServiceStack) -> Page:
    page.goto(f"{stack.desk_url}/portal")
    return page


def test_notices_newest_first_then_all(portal: Page) -> None:
    notices = sorted(
        load_seed("notices.yml")["notices"],
        key=lambda notice: (-notice["published"].toordinal(), notice["id"]),
    )
    section = portal.locator("#notices")
    titles = section.locator(".notice-title")

    # The five newest notices show first, then all of them on request.
    expect(titles.first).to_have_text(notices[0]["title"])
    expect(section.locator(".notice:visible")).to_have_count(min(5, len(notices)))
    if len(notices) > 5:
        section.get_by_role("button", name=f"查看全部 {len(notices)} 条通知").click()
    expect(titles).to_have_text([notice["title"] for notice in notices])

    # Opening a notice shows its body as text.
    section.locator("summary").first.click()
    expect(section.locator(".notice-body").first).to_have_text(
        notices[0]["body"].strip()
    )


def test_questions_by_category_then_answer(
    portal: Page, kb_entries: dict[str, dict[str, Any]]
) -> None:
    section = portal.locator("#faq")
    seeded_categories = {entry["category"] for entry in kb_entries.values()}
    labels = [label for name, label in CATEGORIES.items() if name in seeded_categories]
    expect(section.locator(".category-label")).to_have_text(labels)

    # 养老待遇 lists its questions in id order.
    pension = sorted(
        (
            entry
            for entry in kb_entries.values()
            if entry["category"] == "pension_benefits"
        ),
        key=lambda entry: entry["id"],
    )
    section.locator(".category", has_text=CATEGORIES["pension_benefits"]).click()
    expect(section.locator("h3")).to_have_text(CATEGORIES["pension_benefits"])
    expect(section.locator("h3")).to_be_focused()
    expect(section.locator(".question")).to_have_text(
        [entry["question"] for entry in pension]
    )

    # A question opens its answer, with its related questions.
    entry = pension[1]
    section.locator(".question", has_text=entry["question"]).click()
    expect(section.locator("h3")).to_have_text(entry["question"])
    expect(section.locator(".answer")).to_have_text(entry["answer"].strip())
    related = [kb_entries[entry_id]["question"] for entry_id in entry["related"]]
    expect(section.locator(".question")).to_have_text(related)

    # The back button returns to the category's questions.
    section.locator(".back").click()
    expect(section.locator(".question")).to_have_count(len(pension))


def test_guides_show_steps_and_related(
    portal: Page, kb_entries: dict[str, dict[str, Any]]
) -> None:
    guides = sorted(
        load_seed("guides.yml")["guides"],
        key=lambda guide: (guide["category"], guide["id"]),
    )
    section = portal.locator("#guides")
    expect(section.locator("summary")).to_have_text(
        [guide["title"] for guide in guides]
    )

    guide = guides[0]
    section.locator("summary", has_text=guide["title"]).click()
    opened = section.locator("details[open]")
    expect(opened.locator(".steps li")).to_have_text(guide["steps"])
    expect(opened.locator(".question")).to_have_text(
        [kb_entries[entry_id]["question"] for entry_id in guide["related"]]
    )


def test_consult_tile_opens_widget(portal: Page, stack: ServiceStack) -> None:
    widget = Widget(portal, stack)
    expect(portal.locator(".launcher")).to_be_visible()

    portal.locator(".tile-consult").click()

    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()
    expect(widget.transcript.locator(".welcome")).to_contain_text("社保智能助手")
