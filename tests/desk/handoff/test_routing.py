"""The routing table: which queue and state a new ticket gets."""

from __future__ import annotations

from datetime import datetime

import pytest

from desk.models.organisation import Agency, Agent, Department, Enterprise
from desk.organisation.directory import Directory
from desk.organisation.hours import AGENCY_TIMEZONE
from desk.organisation.schema import read_organisation_file, seed_values
from desk.services.routing import choose_route, left_message_notice
from tests.desk.handoff.conftest import ALPHA_CODE, BETA_CODE, ORGANISATION_FILE

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=AGENCY_TIMEZONE)


@pytest.fixture(scope="module")
def directory() -> Directory:
    seeds = read_organisation_file(ORGANISATION_FILE)
    return Directory(
        agencies={a.id: Agency(**seed_values(a)) for a in seeds.agencies},
        departments={d.id: Department(**seed_values(d)) for d in seeds.departments},
        agents={a.username: Agent(**seed_values(a)) for a in seeds.agents},
    )


@pytest.fixture(scope="module")
def enterprises() -> dict[str, Enterprise]:
    seeds = read_organisation_file(ORGANISATION_FILE)
    return {e.credit_code: Enterprise(**seed_values(e)) for e in seeds.enterprises}


@pytest.mark.parametrize(
    ("agency", "code", "topic", "online", "queue", "state"),
    [
        # An online account manager gets the enterprise first.
        (
            None,
            ALPHA_CODE,
            "pension_benefits",
            {"alpha_manager", "alpha_pension"},
            "personal:alpha_manager",
            "queued",
        ),
        # Without the manager, the topic's department while its staff is online.
        (
            None,
            ALPHA_CODE,
            "pension_benefits",
            {"alpha_pension", "alpha_window"},
            "department:alpha.pension",
            "queued",
        ),
        # The department's staff is offline: the window specialist.
        ("alpha", None, "pension_benefits", {"alpha_window"}, "window:alpha", "queued"),
        # A topic that no department lists goes to the window.
        (
            "alpha",
            None,
            "work_injury",
            {"alpha_window", "alpha_pension"},
            "window:alpha",
            "queued",
        ),
        # Nobody online: a left message in the most specific queue.
        (
            "alpha",
            None,
            "pension_benefits",
            set(),
            "department:alpha.pension",
            "left_message",
        ),
        (None, ALPHA_CODE, None, set(), "personal:alpha_manager", "left_message"),
        ("alpha", None, None, {"beta_window"}, "window:alpha", "left_message"),
        # Administrators and trainers do not count as staff of a queue.
        (
            "alpha",
            None,
            None,
            {"alpha_admin", "alpha_trainer"},
            "window:alpha",
            "left_message",
        ),
        # The conversation's agency wins; an unknown one falls back to the default.
        (
            "beta",
            None,
            "pension_benefits",
            {"beta_pension", "alpha_pension"},
            "department:beta.pension",
            "queued",
        ),
        ("nowhere", None, None, {"alpha_window"}, "window:alpha", "queued"),
        # Without an agency the enterprise's agency applies.
        (None, BETA_CODE, None, {"beta_window"}, "window:beta", "queued"),
        # A closed agency takes left messages even with staff online.
        (
            "gamma",
            None,
            "contribution_payment",
            {"gamma_window"},
            "department:gamma.general",
            "left_message",
        ),
    ],
)
def test_route_table(directory, enterprises, agency, code, topic, online, queue, state):
    route = choose_route(
        directory=directory,
        online=online,
        agency_id=agency,
        enterprise=enterprises.get(code) if code else None,
        topic=topic,
        now=NOW,
    )

    assert route.queue == queue
    assert route.state == state
    assert route.agency == directory.queue_agency(queue)


def test_chosen_department_skips_the_other_rules(directory, enterprises):
    online_route = choose_route(
        directory=directory,
        online={"alpha_payment", "alpha_manager"},
        agency_id=None,
        enterprise=enterprises[ALPHA_CODE],
        topic=None,
        now=NOW,
        department_id="alpha.payment",
    )
    offline_route = choose_route(
        directory=directory,
        online={"alpha_manager"},
        agency_id=None,
        enterprise=enterprises[ALPHA_CODE],
        topic=None,
        now=NOW,
        department_id="alpha.payment",
    )

    assert (online_route.queue, online_route.state) == (
        "department:alpha.payment",
        "queued",
    )
    assert (offline_route.queue, offline_route.state) == (
        "department:alpha.payment",
        "left_message",
    )


def test_route_without_organisation_queues_without_queue():
    empty = Directory(agencies={}, departments={}, agents={})

    route = choose_route(
        directory=empty,
        online=set(),
        agency_id="alpha",
        enterprise=None,
        topic=None,
        now=NOW,
    )

    assert (route.queue, route.state, route.agency) == (None, "queued", None)


def test_notice_names_next_opening(directory):
    weekdays = Agency(
        id="office",
        name="办公时间机构",
        is_default=True,
        business_hours={"mon": ["08:30-12:00"], "tue": ["08:30-12:00"]},
        holidays=[],
        extra_workdays=[],
        content_hash="",
    )
    office = Directory(agencies={"office": weekdays}, departments={}, agents={})
    saturday = datetime(2026, 12, 5, 9, 0, tzinfo=AGENCY_TIMEZONE)

    route = choose_route(
        directory=office,
        online=set(),
        agency_id=None,
        enterprise=None,
        topic=None,
        now=saturday,
    )

    assert route.why == "closed"
    assert "工作人员将在 12月7日（周一）08:30 后回复" in left_message_notice(route)


def test_notice_without_staff_online(directory):
    route = choose_route(
        directory=directory,
        online=set(),
        agency_id="alpha",
        enterprise=None,
        topic=None,
        now=NOW,
    )

    assert route.why == "nobody_online"
    assert left_message_notice(route).startswith("工作人员暂时都不在线")
