"""Routing of a new handoff ticket to a queue, and the left-message notice.

The rules, in order:

1. The agency is the conversation's agency, else the agency of its
   enterprise, else the default agency (the city centre).
2. An enterprise whose account manager is online goes to the manager's
   personal queue.
3. Else a topic that a department of the agency lists goes to that
   department while one of its staff is online.
4. Else the agency's window queue, while a window specialist is online.
5. Outside business hours, or with nobody online for any of these queues,
   the ticket is "left_message" in the first queue that applies (manager,
   department, window), where staff find it when they come back.

A conversation started for a department (enterprise HR staff choosing one)
skips rules 2 to 4: it waits in that department's queue, and is
"left_message" there outside business hours or while nobody is online.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desk.models.conversation import TICKET_LEFT_MESSAGE, TICKET_QUEUED
from desk.models.organisation import Agency, Enterprise
from desk.organisation.directory import (
    Directory,
    department_queue,
    personal_queue,
    window_queue,
)
from desk.organisation.hours import format_opening

WHY_MANAGER = "account_manager"
WHY_DEPARTMENT = "department"
WHY_WINDOW = "window"
WHY_CHOSEN_DEPARTMENT = "chosen_department"
WHY_CLOSED = "closed"
WHY_NOBODY_ONLINE = "nobody_online"
WHY_NO_ORGANISATION = "no_organisation"


@dataclass(frozen=True)
class Route:
    """The queue and state of a new ticket.

    ``why`` names the rule that decided, for logs and tests. ``next_open`` is
    the agency's next opening time when it is closed now.
    """

    agency: str | None
    queue: str | None
    state: str
    why: str
    next_open: datetime | None = None


def choose_route(
    *,
    directory: Directory,
    online: set[str],
    agency_id: str | None,
    enterprise: Enterprise | None,
    topic: str | None,
    now: datetime,
    department_id: str | None = None,
) -> Route:
    """Apply the routing rules of this module to one new ticket."""
    agency = resolve_agency(directory, agency_id=agency_id, enterprise=enterprise)
    if agency is None:
        # No organisation is loaded, so there is no queue to choose; the
        # ticket waits without one, as before routing existed.
        return Route(
            agency=None, queue=None, state=TICKET_QUEUED, why=WHY_NO_ORGANISATION
        )

    calendar = directory.calendar(agency)
    is_open = calendar.is_open(now)
    next_open = None if is_open else calendar.next_opening(now)
    if department_id is not None:
        candidates = [(department_queue(department_id), WHY_CHOSEN_DEPARTMENT)]
    else:
        candidates = candidate_queues(
            directory, agency=agency, enterprise=enterprise, topic=topic
        )

    if is_open:
        for queue, why in candidates:
            if online & set(directory.staff_of(queue)):
                return Route(
                    agency=directory.queue_agency(queue) or agency.id,
                    queue=queue,
                    state=TICKET_QUEUED,
                    why=why,
                )
    queue = candidates[0][0]
    return Route(
        agency=directory.queue_agency(queue) or agency.id,
        queue=queue,
        state=TICKET_LEFT_MESSAGE,
        why=WHY_NOBODY_ONLINE if is_open else WHY_CLOSED,
        next_open=next_open,
    )


def resolve_agency(
    directory: Directory, *, agency_id: str | None, enterprise: Enterprise | None
) -> Agency | None:
    """Return the agency of rule 1; an unknown agency id counts as none."""
    agency = directory.agencies.get(agency_id) if agency_id else None
    if agency is None and enterprise is not None:
        agency = directory.agencies.get(enterprise.agency_id)
    return agency or directory.default_agency


def candidate_queues(
    directory: Directory,
    *,
    agency: Agency,
    enterprise: Enterprise | None,
    topic: str | None,
) -> list[tuple[str, str]]:
    """Return the queues of rules 2 to 4 that apply, in order, with their rule."""
    candidates = []
    if enterprise is not None and enterprise.account_manager in directory.agents:
        candidates.append((personal_queue(enterprise.account_manager), WHY_MANAGER))
    if topic:
        for department in sorted(directory.departments.values(), key=lambda d: d.id):
            if department.agency_id == agency.id and topic in department.topics:
                candidates.append((department_queue(department.id), WHY_DEPARTMENT))
                break
    candidates.append((window_queue(agency.id), WHY_WINDOW))
    return candidates


def left_message_notice(route: Route) -> str:
    """Return the system message with the time at which staff will reply."""
    if route.why == WHY_CLOSED and route.next_open is not None:
        return (
            f"现在是非工作时间，工作人员将在 {format_opening(route.next_open)} 后回复。"
            "您可以留下联系方式和问题，回复会显示在这个对话里。"
        )
    if route.why == WHY_CLOSED:
        return (
            "现在是非工作时间，工作人员上班后会在这个对话里回复您。"
            "您可以留下联系方式和问题。"
        )
    return (
        "工作人员暂时都不在线，上线后会在这个对话里回复您。您可以留下联系方式和问题。"
    )
