"""Public read routes of the portal and widget: agencies and an enterprise's
departments."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from desk.errors import DeskError, NotFound
from desk.models.base import utcnow
from desk.models.organisation import Enterprise
from desk.organisation.credit_code import credit_code_problem
from desk.organisation.directory import Directory, department_queue
from desk.services.presence import online_usernames

bp = Blueprint("portal")


@bp.get("/api/agencies")
async def get_agencies(request: Request) -> HTTPResponse:
    """Return every agency, the default first, with whether it is open now.

    ``next_open`` is the start of the next opening period (Asia/Shanghai,
    ISO 8601) while the agency is closed, and null while it is open or when
    no opening is configured within a year.
    """
    directory = await Directory.load(request.ctx.session)
    now = utcnow()
    agencies = sorted(
        directory.agencies.values(),
        key=lambda agency: (not agency.is_default, agency.id),
    )
    body = []
    for agency in agencies:
        calendar = directory.calendar(agency)
        is_open = calendar.is_open(now)
        next_open = None if is_open else calendar.next_opening(now)
        body.append(
            {
                "id": agency.id,
                "name": agency.name,
                "default": agency.is_default,
                "open_now": is_open,
                "next_open": next_open.isoformat() if next_open else None,
            }
        )
    return json({"agencies": body})


@bp.get("/api/enterprises/<credit_code:str>/departments")
async def get_enterprise_departments(
    request: Request, credit_code: str
) -> HTTPResponse:
    """Return an enterprise and its agency's departments with online staff counts."""
    code = credit_code.strip().upper()
    problem = credit_code_problem(code)
    if problem:
        raise DeskError(
            f"Invalid unified social credit code {code[:40]!r}: {problem}.",
            status_code=422,
        )

    session = request.ctx.session
    enterprise = await session.get(Enterprise, code)
    if enterprise is None:
        raise NotFound(
            f"No enterprise with the credit code {code}; the enterprise entry is "
            "open to enterprises that the agency registered. Use the ordinary chat "
            "instead."
        )

    directory = await Directory.load(session)
    online = await online_usernames(
        session=session,
        now=utcnow(),
        idle_seconds=request.app.ctx.settings.session_idle_seconds,
    )
    agency = directory.agencies[enterprise.agency_id]
    departments = [
        {
            "id": department.id,
            "name": department.name,
            "online_staff": len(
                online & set(directory.staff_of(department_queue(department.id)))
            ),
        }
        for department in sorted(directory.departments.values(), key=lambda d: d.id)
        if department.agency_id == agency.id
    ]
    body = {
        "enterprise": {
            "credit_code": enterprise.credit_code,
            "name": enterprise.name,
            "agency": agency.id,
            "agency_name": agency.name,
        },
        "departments": departments,
    }
    return json(body)
