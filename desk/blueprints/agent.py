"""Agent console API: login, presence, queues, departments, canned replies and
the audit log.

Every route except login needs the ``desk_session`` cookie that login sets.
The ticket routes are in ``desk.blueprints.agent_tickets``.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json

from desk.blueprints.kb import current_index
from desk.errors import DeskError
from desk.models.base import utcnow
from desk.models.organisation import (
    PRESENCE_AWAY,
    PRESENCE_ONLINE,
    ROLE_ADMIN,
    Agent,
)
from desk.organisation.directory import Directory, department_queue
from desk.services import audit
from desk.services.agent_requests import (
    agent_fields,
    current_agent,
    limit_argument,
    required_text,
)
from desk.services.auth import COOKIE_NAME, log_in, log_out
from desk.services.presence import agent_to_dict, change_presence, online_usernames
from desk.services.ticket_views import queue_summaries

bp = Blueprint("agent")

CANNED_REPLY_LIMIT = 5
MAX_CANNED_QUERY_CHARS = 500
DEFAULT_AUDIT_LIMIT = 100
MAX_AUDIT_LIMIT = 1000


@bp.post("/api/agent/login")
async def post_login(request: Request) -> HTTPResponse:
    """Check the password, set the session cookie and return the agent."""
    fields = agent_fields(request, example='{"username": "…", "password": "…"}')
    username = required_text(fields, "username", max_chars=64)
    password = required_text(fields, "password", max_chars=256, strip=False)
    session = request.ctx.session
    agent, token = await log_in(
        session=session,
        username=username,
        password=password,
        failures=request.app.ctx.login_failures,
        now=utcnow(),
    )
    directory = await Directory.load(session)
    response = json({"agent": agent_to_dict(agent, directory)})
    settings = request.app.ctx.settings
    response.add_cookie(
        COOKIE_NAME,
        token,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=settings.cookie_secure,
    )
    return response


@bp.post("/api/agent/logout")
async def post_logout(request: Request) -> HTTPResponse:
    """End the session, set the agent offline and delete the cookie."""
    agent = await current_agent(request)
    await log_out(
        session=request.ctx.session,
        agent=agent,
        agent_session=request.ctx.agent_session,
        now=utcnow(),
    )
    response = empty()
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


@bp.get("/api/agent/me")
async def get_me(request: Request) -> HTTPResponse:
    """Return the logged-in agent."""
    agent = await current_agent(request)
    directory = await Directory.load(request.ctx.session)
    return json({"agent": agent_to_dict(agent, directory)})


@bp.put("/api/agent/presence")
async def put_presence(request: Request) -> HTTPResponse:
    """Set the agent "online" (takes tickets) or "away" (does not)."""
    agent = await current_agent(request)
    fields = agent_fields(request, example='{"presence": "online"}')
    presence = fields.get("presence")
    if presence not in (PRESENCE_ONLINE, PRESENCE_AWAY):
        raise DeskError(
            f'Invalid "presence": {presence!r}; use "online" or "away". Logging '
            "out sets an agent offline.",
            status_code=422,
        )
    session = request.ctx.session
    directory = await Directory.load(session)
    change_presence(
        session,
        agent=agent,
        presence=presence,
        directory=directory,
        now=utcnow(),
        cause="agent",
    )
    await session.commit()
    return json({"agent": agent_to_dict(agent, directory)})


@bp.get("/api/agent/queues")
async def get_queues(request: Request) -> HTTPResponse:
    """Return the agent's queues with the waiting count and the oldest wait."""
    agent = await current_agent(request)
    session = request.ctx.session
    directory = await Directory.load(session)
    queues = await queue_summaries(
        session=session,
        queues=directory.queues_of(agent),
        directory=directory,
        now=utcnow(),
    )
    return json({"queues": queues})


@bp.get("/api/agent/departments")
async def get_departments(request: Request) -> HTTPResponse:
    """Return the departments a ticket can be transferred to, with staff online.

    The agent's own agency comes first. Transfers may cross agencies, so
    every agency's departments are listed.
    """
    agent = await current_agent(request)
    session = request.ctx.session
    directory = await Directory.load(session)
    online = await online_usernames(
        session=session,
        now=utcnow(),
        idle_seconds=request.app.ctx.settings.session_idle_seconds,
    )
    departments = sorted(
        directory.departments.values(),
        key=lambda department: (department.agency_id != agent.agency_id, department.id),
    )
    body = [
        {
            "id": department.id,
            "name": department.name,
            "agency": department.agency_id,
            "agency_name": directory.agencies[department.agency_id].name,
            "online_staff": len(
                online.intersection(directory.staff_of(department_queue(department.id)))
            ),
        }
        for department in departments
    ]
    return json({"departments": body})


@bp.get("/api/agent/canned")
async def get_canned(request: Request) -> HTTPResponse:
    """Search the knowledge base for entries the agent can paste into a reply.

    An empty ``q`` returns no replies.
    """
    await current_agent(request)
    query = (request.args.get("q") or "").strip()
    if len(query) > MAX_CANNED_QUERY_CHARS:
        raise DeskError(
            f'Invalid "q": it has {len(query)} characters; shorten it to at most '
            f"{MAX_CANNED_QUERY_CHARS}.",
            status_code=422,
        )
    if not query:
        return json({"replies": []})
    index = await current_index(request.app)
    found = index.search(query, category=None, limit=CANNED_REPLY_LIMIT)
    replies = [
        {
            "entry_id": result.entry.id,
            "question": result.entry.question,
            "answer": result.entry.answer,
        }
        for result in found.results
    ]
    return json({"replies": replies})


@bp.get("/api/agent/audit")
async def get_audit(request: Request) -> HTTPResponse:
    """Return the newest audit rows; administrators only."""
    agent = await current_agent(request)
    require_admin(agent)
    limit = limit_argument(
        request, default=DEFAULT_AUDIT_LIMIT, maximum=MAX_AUDIT_LIMIT
    )
    events = await audit.latest_events(session=request.ctx.session, limit=limit)
    return json({"events": [audit.event_to_dict(event) for event in events]})


def require_admin(agent: Agent) -> None:
    """Raise 403 unless the agent is an administrator."""
    if agent.role != ROLE_ADMIN:
        raise DeskError(
            f"Only administrators read the audit log; {agent.username} is a "
            f"{agent.role}.",
            status_code=403,
        )
