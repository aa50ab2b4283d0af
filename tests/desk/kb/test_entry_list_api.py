"""Tests of GET /api/kb/entries: the questions of a category, for the portal."""

from __future__ import annotations

from sanic_testing.testing import SanicASGITestClient


async def test_entries_of_category_in_id_order(kb_client: SanicASGITestClient) -> None:
    _, response = await kb_client.get(
        "/api/kb/entries", params={"category": "pension_benefits"}
    )

    assert response.status == 200
    entries = response.json["entries"]
    assert [entry["id"] for entry in entries] == [
        "pension_benefits.001",
        "pension_benefits.002",
        "pension_benefits.003",
    ]
    assert {entry["category"] for entry in entries} == {"pension_benefits"}
    assert all(entry["question"] for entry in entries)
    assert set(entries[0]) == {"id", "category", "question"}


async def test_entries_without_category_lists_all(
    kb_client: SanicASGITestClient,
) -> None:
    _, response = await kb_client.get("/api/kb/entries")

    assert response.status == 200
    assert len(response.json["entries"]) == 9


async def test_entries_of_empty_category_is_empty(
    kb_client: SanicASGITestClient,
) -> None:
    _, response = await kb_client.get(
        "/api/kb/entries", params={"category": "work_injury"}
    )

    assert response.status == 200
    assert response.json["entries"] == []


async def test_entries_of_unknown_category_is_400(
    kb_client: SanicASGITestClient,
) -> None:
    _, response = await kb_client.get("/api/kb/entries", params={"category": "tax"})

    assert response.status == 400
    assert "'tax'" in response.json["error"]
    assert "pension_benefits" in response.json["error"]
