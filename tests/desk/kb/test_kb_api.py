"""Tests of the knowledge-base, notices and guides endpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sanic import Sanic
from sanic_testing.testing import SanicASGITestClient

from desk.app import create_app
from desk.db import create_engine, create_sessionmaker
from desk.kb.refresh import IndexRefresher
from desk.kb.schema import CATEGORIES
from desk.seeds import load_seeds
from desk.settings import MAX_MESSAGE_CHARS, Settings


async def test_search_answers_clear_question(kb_client: SanicASGITestClient) -> None:
    _, response = await kb_client.get(
        "/api/kb/search", params={"q": "个体户怎么交职工养老保险"}
    )

    assert response.status == 200
    body = response.json
    assert body["query"] == "个体户怎么交职工养老保险"
    assert body["outcome"] == "answer"
    top = body["results"][0]
    assert top["id"] == "contribution_payment.001"
    assert top["category"] == "contribution_payment"
    assert top["question"] == "灵活就业人员怎么参加职工养老保险？"
    assert top["answer"].startswith("携带身份证")
    assert top["score"] > 0
    assert 0 < top["confidence"] <= 1
    assert top["related"] == [
        {"id": "contribution_payment.002", "question": "灵活就业人员的缴费基数怎么选？"}
    ]


async def test_search_off_topic_gets_none(kb_client: SanicASGITestClient) -> None:
    _, response = await kb_client.get("/api/kb/search", params={"q": "今天天气怎么样"})

    assert response.status == 200
    assert response.json["outcome"] == "none"


async def test_search_filters_by_category(kb_client: SanicASGITestClient) -> None:
    _, response = await kb_client.get(
        "/api/kb/search",
        params={"q": "养老保险", "category": "pension_benefits", "limit": "20"},
    )

    categories = {result["category"] for result in response.json["results"]}
    assert categories == {"pension_benefits"}


async def test_search_limit_defaults_to_five(kb_client: SanicASGITestClient) -> None:
    _, response = await kb_client.get(
        "/api/kb/search", params={"q": "社保 养老 缴费 共济 医保 认证"}
    )

    assert len(response.json["results"]) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, 'Missing "q"'),
        ({"q": "   "}, 'Missing "q"'),
        ({"q": "社" * 501}, 'Invalid "q": it has 501 characters'),
        ({"q": "社保", "category": "pension"}, "Invalid \"category\": 'pension'"),
        ({"q": "社保", "limit": "0"}, "Invalid \"limit\": '0'"),
        ({"q": "社保", "limit": "21"}, "from 1 to 20"),
        ({"q": "社保", "limit": "five"}, 'Invalid "limit"'),
        ({"q": "社保", "limit": "-3"}, 'Invalid "limit"'),
    ],
)
async def test_search_rejects_bad_input(
    kb_client: SanicASGITestClient, params: dict[str, str], message: str
) -> None:
    _, response = await kb_client.get("/api/kb/search", params=params)

    assert response.status == 400
    assert message in response.json["error"]


async def test_get_search_over_500_characters_points_to_post(
    kb_client: SanicASGITestClient,
) -> None:
    _, response = await kb_client.get("/api/kb/search", params={"q": "社" * 501})

    assert response.status == 400
    assert "POST /api/kb/search" in response.json["error"]


async def test_get_search_rejects_limit_of_many_digits(
    kb_client: SanicASGITestClient,
) -> None:
    _, response = await kb_client.get(
        "/api/kb/search", params={"q": "社保", "limit": "1" * 5000}
    )

    assert response.status == 400
    assert 'Invalid "limit"' in response.json["error"]


def long_question(length: int) -> str:
    """Return a citizen's question of ``length`` characters, background first."""
    question = "个体户怎么交职工养老保险？"
    background = "我以前在外地公司上班，公司一直给我交社保，去年辞职回泰安开了个小店。"
    filler = (background * (length // len(background) + 1))[: length - len(question)]
    return filler + question


async def test_post_search_answers_2000_character_question(
    kb_client: SanicASGITestClient,
) -> None:
    question = long_question(MAX_MESSAGE_CHARS)
    assert len(question) == MAX_MESSAGE_CHARS

    _, response = await kb_client.post("/api/kb/search", json={"q": question})

    assert response.status == 200
    body = response.json
    assert body["query"] == question
    assert body["results"][0]["id"] == "contribution_payment.001"


async def test_post_search_rejects_2001_characters(
    kb_client: SanicASGITestClient,
) -> None:
    question = long_question(MAX_MESSAGE_CHARS + 1)

    _, response = await kb_client.post("/api/kb/search", json={"q": question})

    assert response.status == 400
    error = response.json["error"]
    assert f'Invalid "q": it has {MAX_MESSAGE_CHARS + 1} characters' in error
    assert f"at most {MAX_MESSAGE_CHARS}" in error


async def test_post_search_returns_what_get_returns(
    kb_client: SanicASGITestClient,
) -> None:
    query = {"q": "  养老保险 ", "category": "pension_benefits", "limit": "2"}

    _, by_get = await kb_client.get("/api/kb/search", params=query)
    _, by_post = await kb_client.post("/api/kb/search", json={**query, "limit": 2})

    assert by_post.status == 200
    assert by_post.json == by_get.json
    assert by_post.json["query"] == "养老保险"
    assert len(by_post.json["results"]) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "Missing request body"),
        (b"[]", "expected a JSON object, got a JSON array"),
        (b"{q: 1}", "Invalid JSON in request body"),
        (b"{}", 'Missing "q"'),
        (b'{"q": null}', 'Missing "q"'),
        (b'{"q": "   "}', 'Missing "q"'),
        (b'{"q": 5}', 'Invalid "q": expected a string, got a JSON number'),
        (b'{"q": "\\ud800"}', 'Invalid "q": it contains invalid Unicode'),
        (b'{"q": "a", "category": "pension"}', "Invalid \"category\": 'pension'"),
        (b'{"q": "a", "category": 1}', 'Invalid "category": expected a string'),
        (b'{"q": "a", "limit": 0}', 'Invalid "limit": 0;'),
        (b'{"q": "a", "limit": 21}', "from 1 to 20"),
        (b'{"q": "a", "limit": 1.5}', 'Invalid "limit": 1.5;'),
        (b'{"q": "a", "limit": true}', 'Invalid "limit": True;'),
        (b'{"q": "a", "limit": [5]}', 'Invalid "limit": a JSON array;'),
        (b'{"q": "a", "limit": "five"}', "Invalid \"limit\": 'five'"),
    ],
)
async def test_post_search_rejects_bad_body(
    kb_client: SanicASGITestClient, body: bytes, message: str
) -> None:
    _, response = await kb_client.post("/api/kb/search", content=body)

    assert response.status == 400
    assert message in response.json["error"]


async def test_unknown_category_lists_valid_ones(
    kb_client: SanicASGITestClient,
) -> None:
    _, response = await kb_client.get(
        "/api/kb/search", params={"q": "社保", "category": "nope"}
    )

    assert "family_account_sharing" in response.json["error"]
    assert "other_agencies" in response.json["error"]


async def test_get_entry_with_related(kb_client: SanicASGITestClient) -> None:
    _, response = await kb_client.get("/api/kb/entries/contribution_payment.002")

    assert response.status == 200
    entry = response.json
    assert entry["id"] == "contribution_payment.002"
    assert entry["phrasings"] == [
        "灵活就业缴费基数可以自己选吗",
        "个体户交社保按多少基数",
    ]
    assert entry["keywords"] == ["缴费基数", "灵活就业"]
    assert entry["reviewed"] == "2026-12-01"
    assert entry["review"] == "to confirm"
    assert entry["source"] == "test fixture"
    assert entry["related"] == [
        {
            "id": "contribution_payment.001",
            "question": "灵活就业人员怎么参加职工养老保险？",
        }
    ]


async def test_get_unknown_entry_is_404(kb_client: SanicASGITestClient) -> None:
    _, response = await kb_client.get("/api/kb/entries/pension_benefits.999")

    assert response.status == 404
    assert "'pension_benefits.999'" in response.json["error"]


async def test_categories_count_entries(kb_client: SanicASGITestClient) -> None:
    _, response = await kb_client.get("/api/kb/categories")

    categories = {item["name"]: item for item in response.json["categories"]}
    assert set(categories) == set(CATEGORIES)
    assert categories["contribution_payment"]["count"] == 4
    assert categories["pension_benefits"]["count"] == 3
    assert categories["family_account_sharing"]["count"] == 2
    assert categories["work_injury"]["count"] == 0
    assert categories["pension_benefits"]["label"] == "养老待遇"


async def test_notices_newest_first(kb_client: SanicASGITestClient) -> None:
    _, response = await kb_client.get("/api/notices")

    notices = response.json["notices"]
    assert [notice["id"] for notice in notices] == [
        "resident-premium-2027",
        "pension-raise-2026",
    ]
    assert notices[0]["published"] == "2026-11-01"
    assert notices[0]["title"] == "2027年度城乡居民医保集中缴费开始"


async def test_guides_list_steps(kb_client: SanicASGITestClient) -> None:
    _, response = await kb_client.get("/api/guides")

    guides = response.json["guides"]
    assert [guide["id"] for guide in guides] == ["family-sharing-open"]
    assert len(guides[0]["steps"]) == 3
    assert guides[0]["related"] == ["family_account_sharing.002"]


async def test_server_start_builds_index(kb_app: Sanic) -> None:
    await kb_app.asgi_client.get("/api/kb/categories")

    assert len(kb_app.ctx.kb_index) == 9


async def test_search_without_tables_is_503(tmp_path: Path, kb_seeds_dir: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}",
        seeds_dir=kb_seeds_dir,
    )
    app = create_app(settings, name="desk_kb_test_unmigrated")

    _, response = await app.asgi_client.get("/api/kb/search", params={"q": "社保"})

    assert response.status == 503
    assert "desk migrate" in response.json["error"]


async def test_refresher_picks_up_reloaded_seeds(
    kb_settings: Settings, kb_loaded: dict[str, int]
) -> None:
    # A running desk picks up seeds that another process loaded, without restart.
    engine = create_engine(kb_settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    refresher = IndexRefresher(
        sessionmaker=sessionmaker, seeds_dir=kb_settings.seeds_dir, check_interval=0.0
    )
    index = await refresher.get()
    assert index.get("pension_benefits.003") is not None

    path = kb_settings.seeds_dir / "kb" / "pension_benefits.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["entries"].pop()
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    async with sessionmaker() as session:
        await load_seeds(session=session, seeds_dir=kb_settings.seeds_dir)

    # The search that notices the change still gets the current index at
    # once; the rebuild runs beside it.
    stale = await refresher.get()
    assert stale.get("pension_benefits.003") is not None
    await refresher.wait_for_refresh()

    index = await refresher.get()
    assert index.get("pension_benefits.003") is None
    assert len(index) == 8
    await engine.dispose()


async def test_refresher_reuses_index_between_checks(
    kb_settings: Settings, kb_loaded: dict[str, int]
) -> None:
    engine = create_engine(kb_settings.database_url)
    refresher = IndexRefresher(
        sessionmaker=create_sessionmaker(engine), seeds_dir=kb_settings.seeds_dir
    )

    first = await refresher.get()
    second = await refresher.get()

    assert second is first
    await engine.dispose()
