"""Trainers' live edits of the knowledge base: the seed watcher and PUT of an entry."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, json
from sqlalchemy.exc import SQLAlchemyError

from desk.blueprints.handoffs import check_service_token
from desk.blueprints.kb import entry_to_dict, index_refresher
from desk.kb.edits import check_entry_fields, save_entry
from desk.kb.errors import SeedError
from desk.kb.queries import get_questions
from desk.kb.watcher import SeedWatcher
from desk.services.request_body import parse_json_object

logger = logging.getLogger(__name__)

bp = Blueprint("kb_edits")

EXAMPLE_BODY = (
    '{"category": "pension_benefits", "question": "养老金每月几号发放？", '
    '"phrasings": ["退休金几号到账", "养老金哪天发"], "answer": "…", '
    '"keywords": ["养老金"], "source": "…", "reviewed": "2026-12-01"}'
)


@bp.listener("after_server_start")
async def start_seed_watcher(app: Sanic) -> None:
    """Start loading changed seed files when the ``watch_seeds`` setting is on."""
    settings = app.ctx.settings
    app.ctx.kb_watcher_task = None
    if not settings.watch_seeds:
        return

    async def rebuild_index() -> None:
        try:
            app.ctx.kb_index = await index_refresher(app).rebuild()
        except (SQLAlchemyError, SeedError) as error:
            logger.error("kb.index.failed error=%s", error, exc_info=error)

    watcher = SeedWatcher(
        seeds_dir=settings.seeds_dir,
        sessionmaker=app.ctx.sessionmaker,
        interval=settings.watch_interval,
        on_loaded=rebuild_index,
    )
    app.ctx.kb_watcher_task = asyncio.create_task(watcher.run())


@bp.listener("before_server_stop")
async def stop_seed_watcher(app: Sanic) -> None:
    """Cancel the seed watcher, if one runs, and wait for it to end."""
    task: asyncio.Task[None] | None = getattr(app.ctx, "kb_watcher_task", None)
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@bp.put("/api/kb/entries/<entry_id:str>")
async def put_entry(request: Request, entry_id: str) -> HTTPResponse:
    """Create (201) or update (200) an entry, checked like a seed-file entry."""
    check_service_token(request)
    fields = parse_json_object(request.body, example=EXAMPLE_BODY)
    entry = check_entry_fields(entry_id, fields)
    session = request.ctx.session

    saved = await save_entry(session=session, entry=entry)
    if saved.changed:
        # The response waits for the new index, so the trainer's next search
        # finds the edit. Citizens' searches meanwhile use the current index.
        request.app.ctx.kb_index = await index_refresher(request.app).rebuild()

    row = saved.row
    related = await get_questions(session=session, entry_ids=row.related)
    edited_at = row.edited_in_desk_at
    body = entry_to_dict(row, related) | {
        "created": saved.created,
        "changed": saved.changed,
        "edited_in_desk_at": edited_at.isoformat() if edited_at else None,
    }
    return json(body, status=201 if saved.created else 200)
