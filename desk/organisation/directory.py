"""A per-request snapshot of the organisation and the queue ids built from it.

Queue ids name what a ticket waits in: ``window:<agency>`` for the agency's
window specialists, ``department:<department>`` for a department's staff and
``personal:<username>`` for an account manager's enterprises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.models.organisation import (
    ROLE_ADMIN,
    ROLE_DEPARTMENT,
    ROLE_MANAGER,
    ROLE_WINDOW,
    Agency,
    Agent,
    Department,
)
from desk.organisation.hours import BusinessCalendar

KIND_WINDOW = "window"
KIND_DEPARTMENT = "department"
KIND_PERSONAL = "personal"
QUEUE_KINDS = (KIND_WINDOW, KIND_DEPARTMENT, KIND_PERSONAL)


def window_queue(agency_id: str) -> str:
    """Return the id of an agency's window queue."""
    return f"{KIND_WINDOW}:{agency_id}"


def department_queue(department_id: str) -> str:
    """Return the id of a department's queue."""
    return f"{KIND_DEPARTMENT}:{department_id}"


def personal_queue(username: str) -> str:
    """Return the id of an account manager's personal queue."""
    return f"{KIND_PERSONAL}:{username}"


def split_queue(queue_id: str) -> tuple[str, str]:
    """Return the kind and the agency, department or username of a queue id.

    Raises:
        ValueError: the id does not start with a queue kind and a colon.
    """
    kind, _, key = queue_id.partition(":")
    if kind not in QUEUE_KINDS or not key:
        raise ValueError(
            f"{queue_id!r} is not a queue id; queue ids look like "
            "'window:taian_city', 'department:taian_city.pension' or "
            "'personal:<username>'"
        )
    return kind, key


@dataclass
class Directory:
    """Agencies, departments and agents, loaded once per request."""

    agencies: dict[str, Agency]
    departments: dict[str, Department]
    agents: dict[str, Agent]
    _calendars: dict[str, BusinessCalendar] = field(default_factory=dict)

    @classmethod
    async def load(cls, session: AsyncSession) -> Directory:
        """Read the three organisation tables."""
        agencies = (await session.scalars(select(Agency))).all()
        departments = (await session.scalars(select(Department))).all()
        agents = (await session.scalars(select(Agent))).all()
        return cls(
            agencies={agency.id: agency for agency in agencies},
            departments={department.id: department for department in departments},
            agents={agent.username: agent for agent in agents},
        )

    @property
    def default_agency(self) -> Agency | None:
        """Return the default agency (the city centre), None before seeds load."""
        return next((a for a in self.agencies.values() if a.is_default), None)

    def calendar(self, agency: Agency) -> BusinessCalendar:
        """Return the business calendar of an agency."""
        calendar = self._calendars.get(agency.id)
        if calendar is None:
            calendar = BusinessCalendar.from_config(
                agency.business_hours, agency.holidays, agency.extra_workdays
            )
            self._calendars[agency.id] = calendar
        return calendar

    def agent_name(self, username: str | None) -> str | None:
        """Return an agent's display name; the username for a removed agent."""
        if username is None:
            return None
        agent = self.agents.get(username)
        return agent.name if agent else username

    def queue_agency(self, queue_id: str) -> str | None:
        """Return the agency of a queue, None when its owner no longer exists."""
        kind, key = split_queue(queue_id)
        if kind == KIND_WINDOW:
            return key if key in self.agencies else None
        if kind == KIND_DEPARTMENT:
            department = self.departments.get(key)
            return department.agency_id if department else None
        agent = self.agents.get(key)
        return agent.agency_id if agent else None

    def queue_name(self, queue_id: str | None) -> str | None:
        """Return the name that the console shows for a queue."""
        if queue_id is None:
            return None
        kind, key = split_queue(queue_id)
        if kind == KIND_WINDOW:
            agency = self.agencies.get(key)
            return f"{agency.name} 窗口专员" if agency else queue_id
        if kind == KIND_DEPARTMENT:
            department = self.departments.get(key)
            return department.name if department else queue_id
        agent = self.agents.get(key)
        return f"{agent.name}（包保专员）" if agent else queue_id

    def queues_of(self, agent: Agent) -> list[str]:
        """Return the queues whose tickets ``agent`` may accept, in console order.

        Window specialists take their agency's window queue, department staff
        their department's, account managers their personal queue and
        administrators every queue. Trainers take none.
        """
        if agent.role == ROLE_WINDOW:
            return [window_queue(agent.agency_id)]
        if agent.role == ROLE_DEPARTMENT and agent.department_id:
            return [department_queue(agent.department_id)]
        if agent.role == ROLE_MANAGER:
            return [personal_queue(agent.username)]
        if agent.role == ROLE_ADMIN:
            return self.all_queues()
        return []

    def all_queues(self) -> list[str]:
        """Return every queue: per agency its window, departments and managers."""
        queues = []
        for agency_id in sorted(self.agencies):
            queues.append(window_queue(agency_id))
            queues.extend(
                department_queue(department.id)
                for department in sorted(self.departments.values(), key=lambda d: d.id)
                if department.agency_id == agency_id
            )
            queues.extend(
                personal_queue(agent.username)
                for agent in sorted(self.agents.values(), key=lambda a: a.username)
                if agent.agency_id == agency_id and agent.role == ROLE_MANAGER
            )
        return queues

    def staff_of(self, queue_id: str) -> list[str]:
        """Return the usernames of the agents who take tickets from a queue.

        Administrators are left out: they can take any ticket, but routing
        does not count on them.
        """
        kind, key = split_queue(queue_id)
        if kind == KIND_WINDOW:
            return [
                a.username
                for a in self.agents.values()
                if a.role == ROLE_WINDOW and a.agency_id == key
            ]
        if kind == KIND_DEPARTMENT:
            return [
                a.username
                for a in self.agents.values()
                if a.role == ROLE_DEPARTMENT and a.department_id == key
            ]
        agent = self.agents.get(key)
        return [key] if agent is not None and agent.role == ROLE_MANAGER else []

    def can_see_agency(self, agent: Agent, agency_id: str | None) -> bool:
        """Return whether ``agent`` may read tickets of ``agency_id``.

        Administrators read every ticket, including those without an agency.
        """
        return agent.role == ROLE_ADMIN or (
            agency_id is not None and agency_id == agent.agency_id
        )
