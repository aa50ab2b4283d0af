"""Knowledge-base search, entries and categories, notices and guides."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, json
from sqlalchemy.exc import SQLAlchemyError

from desk.errors import DeskError, NotFound
from desk.kb.errors import SeedError
from desk.kb.index import KnowledgeIndex, SearchResult
from desk.kb.queries import (
    count_entries_by_category,
    get_entry,
    get_questions,
    list_entries,
    list_guides,
    list_notices,
)
from desk.kb.refresh import IndexRefresher
from desk.kb.schema import CATEGORIES
from desk.models.kb import Guide, KnowledgeEntry, Notice
from desk.services.request_body import (
    json_type_name,
    parse_json_object,
    reject_invalid_unicode,
)
from desk.settings import MAX_MESSAGE_CHARS

logger = logging.getLogger(__name__)

bp = Blueprint("kb")

# Longest "q" of GET /api/kb/search; POST takes up to MAX_MESSAGE_CHARS.
MAX_QUERY_CHARS = 500
DEFAULT_LIMIT = 5
MAX_LIMIT = 20


@dataclass(frozen=True)
class SearchRequest:
    """A validated search: the question, an optional category and a result limit."""

    query: str
    category: str | None
    limit: int


@bp.listener("after_server_start")
async def build_index(app: Sanic) -> None:
    """Build the search index once the app's own listener opened the database.

    Blueprint listeners are registered before the app's ``before_server_start``
    listener that creates ``app.ctx.sessionmaker``, so this one waits for
    ``after_server_start``. A search that arrives earlier builds the index
    itself through ``current_index``. A database without the table is logged
    here and reported to each search as HTTP 503.
    """
    # Each server start has a new sessionmaker, so it gets a new refresher.
    app.ctx.kb_refresher = None
    try:
        app.ctx.kb_index = await index_refresher(app).rebuild()
    except (SQLAlchemyError, SeedError) as error:
        logger.error("kb.index.failed error=%s", error, exc_info=error)


async def current_index(app: Sanic) -> KnowledgeIndex:
    """Return the up-to-date index, also stored in ``app.ctx.kb_index``.

    Raises:
        DeskError: 503 when the knowledge-base table cannot be read, or when
            the synonyms file is invalid and no earlier index exists.
    """
    try:
        app.ctx.kb_index = await index_refresher(app).get()
    except SQLAlchemyError as error:
        raise DeskError(
            "The knowledge base cannot be read; run `desk migrate` and "
            "`desk load-seeds`, then try again.",
            status_code=503,
        ) from error
    except SeedError as error:
        raise DeskError(
            f"The search index cannot be built: {error}", status_code=503
        ) from error
    return app.ctx.kb_index


def index_refresher(app: Sanic) -> IndexRefresher:
    """Return the app's index refresher, created on first use."""
    refresher: IndexRefresher | None = getattr(app.ctx, "kb_refresher", None)
    if refresher is None:
        refresher = IndexRefresher(
            sessionmaker=app.ctx.sessionmaker, seeds_dir=app.ctx.settings.seeds_dir
        )
        app.ctx.kb_refresher = refresher
    return refresher


@bp.get("/api/kb/search")
async def search(request: Request) -> HTTPResponse:
    """Rank entries for the ``q`` query argument: answer, suggest or none.

    ``q`` has at most MAX_QUERY_CHARS characters, so that the URL stays short.
    """
    search_request = SearchRequest(
        query=check_query(
            request.args.get("q"),
            max_chars=MAX_QUERY_CHARS,
            example="/api/kb/search?q=社保怎么交",
            longer_hint=(
                f" Questions of up to {MAX_MESSAGE_CHARS} characters go in the "
                "JSON body of POST /api/kb/search."
            ),
        ),
        category=check_category(request.args.get("category")),
        limit=check_limit(request.args.get("limit")),
    )
    return await search_response(request.app, search_request)


@bp.post("/api/kb/search")
async def search_by_body(request: Request) -> HTTPResponse:
    """Rank entries for the ``q`` of a JSON body: answer, suggest or none.

    ``q`` may be as long as a citizen's message (MAX_MESSAGE_CHARS), which
    does not fit in a URL. The body is ``{"q", "category"?, "limit"?}``.
    """
    example = '{"q": "灵活就业人员怎么缴纳养老保险？"}'
    fields = parse_json_object(request.body, example=example)
    search_request = SearchRequest(
        query=check_query(
            fields.get("q"), max_chars=MAX_MESSAGE_CHARS, example=example
        ),
        category=check_category(fields.get("category")),
        limit=check_limit(fields.get("limit")),
    )
    return await search_response(request.app, search_request)


async def search_response(app: Sanic, search_request: SearchRequest) -> HTTPResponse:
    """Run a validated search and return the JSON response of both search routes."""
    index = await current_index(app)

    started = time.perf_counter()
    response = index.search(
        search_request.query,
        category=search_request.category,
        limit=search_request.limit,
    )
    logger.debug(
        "kb.search outcome=%s results=%d top=%s ms=%.2f",
        response.outcome,
        len(response.results),
        response.results[0].entry.id if response.results else None,
        (time.perf_counter() - started) * 1000,
    )
    return json(
        {
            "query": search_request.query,
            "outcome": response.outcome,
            "results": [_result_to_dict(result, index) for result in response.results],
        }
    )


@bp.get("/api/kb/entries")
async def get_entries(request: Request) -> HTTPResponse:
    """Return the id and question of every entry, or of one ``category``'s entries.

    The portal lists a category's questions with it and loads each answer
    from ``/api/kb/entries/<id>``.
    """
    category = check_category(request.args.get("category"))
    entries = await list_entries(session=request.ctx.session, category=category)
    return json(
        {
            "entries": [
                {"id": entry.id, "category": entry.category, "question": entry.question}
                for entry in entries
            ]
        }
    )


@bp.get("/api/kb/entries/<entry_id:str>")
async def get_entry_by_id(request: Request, entry_id: str) -> HTTPResponse:
    """Return one entry with the questions of its related entries."""
    session = request.ctx.session
    entry = await get_entry(session=session, entry_id=entry_id)
    if entry is None:
        raise NotFound(
            f"No knowledge-base entry {entry_id!r}; ids look like "
            "'pension_benefits.003', and /api/kb/search finds them."
        )
    related = await get_questions(session=session, entry_ids=entry.related)
    return json(entry_to_dict(entry, related))


@bp.get("/api/kb/categories")
async def get_categories(request: Request) -> HTTPResponse:
    """Return every category with its label and number of entries."""
    counts = await count_entries_by_category(session=request.ctx.session)
    return json(
        {
            "categories": [
                {"name": name, "label": label, "count": counts[name]}
                for name, label in CATEGORIES.items()
            ]
        }
    )


@bp.get("/api/notices")
async def get_notices(request: Request) -> HTTPResponse:
    """Return every notice, newest first."""
    notices = await list_notices(session=request.ctx.session)
    return json({"notices": [_notice_to_dict(notice) for notice in notices]})


@bp.get("/api/guides")
async def get_guides(request: Request) -> HTTPResponse:
    """Return every topic guide."""
    guides = await list_guides(session=request.ctx.session)
    return json({"guides": [_guide_to_dict(guide) for guide in guides]})


def check_query(
    value: object, *, max_chars: int, example: str, longer_hint: str = ""
) -> str:
    """Return the stripped ``q`` of a search.

    Raises:
        DeskError: ``q`` is missing, blank, not a string, not valid Unicode or
            longer than ``max_chars``. ``longer_hint`` ends the last message.
    """
    if value is not None and not isinstance(value, str):
        raise DeskError(
            f'Invalid "q": expected a string, got a JSON {json_type_name(value)}.'
        )
    query = (value or "").strip()
    if not query:
        raise DeskError(
            f'Missing "q": pass the question to search for, for example {example}.'
        )
    reject_invalid_unicode("q", query)
    if len(query) > max_chars:
        raise DeskError(
            f'Invalid "q": it has {len(query)} characters; shorten it to at most '
            f"{max_chars}.{longer_hint}"
        )
    return query


def check_category(value: object) -> str | None:
    """Return the category of a search, None when it is absent or blank.

    Raises:
        DeskError: the value is not a string or not a category.
    """
    if value is not None and not isinstance(value, str):
        raise DeskError(
            f'Invalid "category": expected a string, got a JSON '
            f"{json_type_name(value)}."
        )
    category = (value or "").strip()
    if not category:
        return None
    if category not in CATEGORIES:
        raise DeskError(
            f'Invalid "category": {category!r} is not a category; use one of '
            f"{', '.join(CATEGORIES)}, or leave it out."
        )
    return category


def check_limit(value: object) -> int:
    """Return the result limit of a search, from a query argument or a JSON number.

    Raises:
        DeskError: the value is not a whole number from 1 to MAX_LIMIT.
    """
    number = value
    if isinstance(value, str):
        value = value.strip()
        # Short digit strings only, because int() rejects more than 4,300 digits.
        if value.isascii() and value.isdigit() and len(value) <= 4:
            number = int(value)
    if value is None or value == "":
        return DEFAULT_LIMIT
    if type(number) is int and 1 <= number <= MAX_LIMIT:
        return number

    if isinstance(value, str | int | float):
        described = repr(value)
    else:
        described = f"a JSON {json_type_name(value)}"
    raise DeskError(
        f'Invalid "limit": {described}; pass a whole number from 1 to {MAX_LIMIT}, '
        f"or leave it out for {DEFAULT_LIMIT}."
    )


def _result_to_dict(result: SearchResult, index: KnowledgeIndex) -> dict[str, Any]:
    entry = result.entry
    related = [index.get(entry_id) for entry_id in entry.related]
    return {
        "id": entry.id,
        "category": entry.category,
        "question": entry.question,
        "answer": entry.answer,
        "score": result.score,
        "confidence": result.confidence,
        "related": [
            {"id": other.id, "question": other.question}
            for other in related
            if other is not None
        ],
    }


def entry_to_dict(
    entry: KnowledgeEntry, related: list[tuple[str, str]]
) -> dict[str, Any]:
    """Return the JSON of an entry, with (id, question) of its related entries."""
    return {
        "id": entry.id,
        "category": entry.category,
        "question": entry.question,
        "phrasings": entry.phrasings,
        "answer": entry.answer,
        "keywords": entry.keywords,
        "source": entry.source,
        "reviewed": entry.reviewed.isoformat(),
        "review": entry.review,
        "related": [
            {"id": entry_id, "question": question} for entry_id, question in related
        ],
    }


def _notice_to_dict(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.id,
        "title": notice.title,
        "body": notice.body,
        "published": notice.published.isoformat(),
        "source": notice.source,
    }


def _guide_to_dict(guide: Guide) -> dict[str, Any]:
    return {
        "id": guide.id,
        "title": guide.title,
        "category": guide.category,
        "summary": guide.summary,
        "steps": guide.steps,
        "related": guide.related,
    }
