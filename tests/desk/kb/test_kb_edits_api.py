"""Tests of PUT /api/kb/entries/<id>: trainers' edits through the desk."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sanic_testing.testing import SanicASGITestClient

from desk.app import create_app
from desk.seeds import load_seeds_from_dir
from desk.settings import Settings

from ..conftest import SERVICE_TOKEN

HEADERS = {"X-Service-Token": SERVICE_TOKEN}

NEW_ENTRY: dict[str, Any] = {
    "category": "pension_benefits",
    "question": "退休后去外地居住，养老金怎么领？",
    "phrasings": ["跟孩子去外地住了退休金咋领", "搬到外省住养老金还能照发吗"],
    "answer": "养老金照常发放到社保卡，按时在手机上做资格认证即可。",
    "keywords": ["异地居住", "外地居住"],
    "source": "test",
    "reviewed": "2026-12-04",
    "related": ["pension_benefits.002"],
}


@pytest.fixture
def edit_settings(kb_settings: Settings, kb_loaded: dict[str, int]) -> Settings:
    """Return settings over the loaded fixture seeds, with a service token."""
    return replace(kb_settings, service_token=SERVICE_TOKEN)


@pytest.fixture
def edit_client(edit_settings: Settings) -> SanicASGITestClient:
    app = create_app(edit_settings, name=f"desk_kb_edit_{id(edit_settings)}")
    return app.asgi_client


async def put(
    client: SanicASGITestClient,
    entry_id: str,
    body: Any,
    headers: dict[str, str] | None = None,
) -> Any:
    _, response = await client.put(
        f"/api/kb/entries/{entry_id}", json=body, headers=headers or HEADERS
    )
    return response


async def test_put_creates_entry(edit_client: SanicASGITestClient) -> None:
    response = await put(edit_client, "pension_benefits.010", NEW_ENTRY)

    assert response.status == 201
    body = response.json
    assert body["id"] == "pension_benefits.010"
    assert body["created"] is True
    assert body["changed"] is True
    assert body["edited_in_desk_at"] is not None
    assert body["related"] == [
        {"id": "pension_benefits.002", "question": "领取养老金的人怎么做资格认证？"}
    ]
    _, stored = await edit_client.get("/api/kb/entries/pension_benefits.010")
    assert stored.json["answer"] == NEW_ENTRY["answer"]


async def test_created_entry_is_searchable(edit_client: SanicASGITestClient) -> None:
    await put(edit_client, "pension_benefits.010", NEW_ENTRY)

    _, response = await edit_client.get(
        "/api/kb/search", params={"q": "跟孩子去外地住了退休金咋领"}
    )

    assert response.json["results"][0]["id"] == "pension_benefits.010"


async def test_put_updates_entry_and_search(edit_client: SanicASGITestClient) -> None:
    _, before = await edit_client.get("/api/kb/entries/pension_benefits.001")
    entry = before.json | {"answer": "每月10日前发放到社保卡。", "related": []}

    response = await put(edit_client, "pension_benefits.001", entry)

    assert response.status == 200
    assert response.json["created"] is False
    assert response.json["changed"] is True
    _, search = await edit_client.get("/api/kb/search", params={"q": "退休金几号到账"})
    assert search.json["results"][0]["answer"] == "每月10日前发放到社保卡。"


async def test_entry_read_with_get_puts_back(
    edit_client: SanicASGITestClient,
) -> None:
    # GET returns related entries as {id, question}; PUT takes them back.
    _, before = await edit_client.get("/api/kb/entries/pension_benefits.001")
    assert before.json["related"], "the fixture entry needs related entries"
    body = {
        key: value
        for key, value in before.json.items()
        if key not in ("created", "changed", "edited_in_desk_at")
    }

    response = await put(edit_client, "pension_benefits.001", body)

    assert response.status == 200, response.json
    assert response.json["changed"] is False


async def test_put_same_entry_changes_nothing(
    edit_client: SanicASGITestClient,
) -> None:
    _, before = await edit_client.get("/api/kb/entries/pension_benefits.001")
    entry = before.json | {"related": [item["id"] for item in before.json["related"]]}

    response = await put(edit_client, "pension_benefits.001", entry)

    assert response.status == 200
    assert response.json["changed"] is False
    assert response.json["edited_in_desk_at"] is None


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Missing X-Service-Token"),
        ({"X-Service-Token": "wrong"}, "Invalid X-Service-Token"),
    ],
)
async def test_put_needs_service_token(
    edit_client: SanicASGITestClient, headers: dict[str, str], message: str
) -> None:
    _, response = await edit_client.put(
        "/api/kb/entries/pension_benefits.010", json=NEW_ENTRY, headers=headers
    )

    assert response.status == 401
    assert message in response.json["error"]
    _, stored = await edit_client.get("/api/kb/entries/pension_benefits.010")
    assert stored.status == 404


@pytest.mark.parametrize(
    ("entry_id", "changes", "problem"),
    [
        (
            "pension_benefits.010",
            {"phrasings": ["只有一个"]},
            "entry pension_benefits.010: 'phrasings' needs at least 2 items",
        ),
        (
            "pension_benefits.010",
            {"answer": "长" * 601},
            "'answer' has 601 characters; shorten it to at most 600",
        ),
        ("pension_benefits.010", {"source": None}, "'source' is missing"),
        ("pension_benefits.010", {"reviewed": "soon"}, "'reviewed' must be a date"),
        ("pension_benefits.010", {"anwser": "错字"}, "unknown field 'anwser'"),
        (
            "retirement_approval.010",
            {},
            "id prefix 'retirement_approval' does not match 'category' "
            "'pension_benefits'",
        ),
        ("pension-10", {}, "'id' 'pension-10' must look like '<category>.<digits>'"),
        (
            "pension_benefits.010",
            {"related": ["pension_benefits.404"]},
            "'related' names 'pension_benefits.404', which is not an entry id",
        ),
    ],
)
async def test_put_rejects_invalid_entry(
    edit_client: SanicASGITestClient,
    entry_id: str,
    changes: dict[str, Any],
    problem: str,
) -> None:
    response = await put(edit_client, entry_id, NEW_ENTRY | changes)

    assert response.status == 400
    assert response.json["error"].startswith("Invalid entry: ")
    assert any(problem in line for line in response.json["problems"])
    _, stored = await edit_client.get(f"/api/kb/entries/{entry_id}")
    assert stored.status == 404


async def test_put_lists_every_problem(edit_client: SanicASGITestClient) -> None:
    broken = NEW_ENTRY | {"phrasings": ["一个"], "keywords": [], "answer": ""}

    response = await put(edit_client, "pension_benefits.010", broken)

    assert response.status == 400
    assert response.json["error"].startswith("Invalid entry: 3 problems.")
    assert len(response.json["problems"]) == 3


async def test_put_rejects_other_id_in_body(edit_client: SanicASGITestClient) -> None:
    body = NEW_ENTRY | {"id": "pension_benefits.011"}

    response = await put(edit_client, "pension_benefits.010", body)

    assert response.status == 400
    assert (
        "'pension_benefits.011' differs from 'pension_benefits.010'"
        in (response.json["error"])
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "Missing request body"),
        (b"[1, 2]", "expected a JSON object, got a JSON array"),
        (b"{", "Invalid JSON in request body"),
        (b'{"question": "\\ud800"}', 'Invalid "question": it contains'),
    ],
)
async def test_put_rejects_malformed_body(
    edit_client: SanicASGITestClient, body: bytes, message: str
) -> None:
    _, response = await edit_client.put(
        "/api/kb/entries/pension_benefits.010", content=body, headers=HEADERS
    )

    assert response.status == 400
    assert message in response.json["error"]


async def test_seed_load_keeps_desk_edit(
    edit_client: SanicASGITestClient, edit_settings: Settings
) -> None:
    # A trainer creates an entry and edits another in the desk; then the seed
    # files, which contain neither edit, are loaded again.
    await put(edit_client, "pension_benefits.010", NEW_ENTRY)
    _, before = await edit_client.get("/api/kb/entries/pension_benefits.001")
    await put(
        edit_client,
        "pension_benefits.001",
        before.json | {"answer": "桌面改过的回答。", "related": []},
    )

    counts = await load_seeds_from_dir(edit_settings)

    assert counts["entries.kept"] == 2
    assert counts["entries.deleted"] == 0
    assert counts["entries.updated"] == 0
    _, edited = await edit_client.get("/api/kb/entries/pension_benefits.001")
    assert edited.json["answer"] == "桌面改过的回答。"


async def test_discarding_desk_edits_restores_files(
    edit_client: SanicASGITestClient, edit_settings: Settings
) -> None:
    await put(edit_client, "pension_benefits.010", NEW_ENTRY)

    counts = await load_seeds_from_dir(edit_settings, discard_desk_edits=True)

    assert counts["entries.deleted"] == 1
    assert counts["entries.kept"] == 0
    _, removed = await edit_client.get("/api/kb/entries/pension_benefits.010")
    assert removed.status == 404
