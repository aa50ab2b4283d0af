"""seeds/organisation.yml: validation with file:line, idempotent loading, passwords."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from desk.db import create_engine, create_sessionmaker
from desk.kb.errors import SeedError
from desk.migrations.runner import upgrade_to_head
from desk.models.organisation import Agent
from desk.organisation.credit_code import check_character, credit_code_problem
from desk.organisation.loader import load_organisation
from desk.organisation.passwords import (
    create_demo_passwords,
    set_password,
    verify_password,
)
from desk.organisation.schema import read_organisation_file
from tests.desk.handoff.conftest import ORGANISATION_FILE

ROOT = Path(__file__).resolve().parents[3]
VALID_HEADER = """\
agencies:
  - id: city
    name: 市中心
    default: true
    business_hours: {mon: ["08:30-12:00"]}
    holidays: [2026-10-01]
    extra_workdays: []
departments:
  - {id: city.pension, agency: city, name: 养老待遇科, topics: [pension_benefits]}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "organisation.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_repository_seeds_are_valid():
    seeds = read_organisation_file(ROOT / "seeds" / "organisation.yml")

    assert [agency.id for agency in seeds.agencies if agency.is_default] == [
        "taian_city"
    ]
    assert len(seeds.agencies) == 7
    county_departments = {
        (department.agency_id, department.name) for department in seeds.departments
    }
    for agency in seeds.agencies:
        names = {
            name for agency_id, name in county_departments if agency_id == agency.id
        }
        assert any("参保缴费" in name for name in names), agency.id
        assert "养老待遇科" in names, agency.id
        assert "医保科" in names, agency.id


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        (
            "agents:\n  - {username: a1, name: 甲, agency: city, role: boss}\n",
            11,
            "role 'boss' is unknown",
        ),
        (
            "agents:\n  - {username: a1, name: 甲, agency: city, "
            "role: department_staff}\n",
            11,
            "missing 'department'",
        ),
        (
            "agents:\n  - {username: a1, name: 甲, agency: town, role: trainer}\n",
            11,
            "agency 'town' is not defined",
        ),
        (
            "agents:\n  - {username: a1, name: 甲, agency: city, role: trainer, "
            "password: x}\n",
            11,
            "desk set-password",
        ),
        (
            "enterprises:\n  - {credit_code: 91370900MA3TE0001X, name: 公司, "
            "agency: city}\n",
            11,
            "check character",
        ),
        (
            "enterprises:\n  - {credit_code: 91370900MA3TE0001B, name: 公司, "
            "agency: city, account_manager: nobody}\n",
            11,
            "'nobody' is not an agent with role account_manager",
        ),
    ],
)
def test_invalid_items_are_reported_with_line(tmp_path, body, line, words):
    path = write(tmp_path, VALID_HEADER + body)

    with pytest.raises(SeedError) as raised:
        read_organisation_file(path)

    assert f"{path}:{line}: " in str(raised.value)
    assert words in str(raised.value)


def test_agency_problems_are_all_reported(tmp_path):
    path = write(
        tmp_path,
        """\
        agencies:
          - id: city
            name: 市中心
            business_hours: {mon: ["8:30-12:00"], someday: []}
            holidays: ['2026-13-01']
            extra_workdays: []
        """,
    )

    with pytest.raises(SeedError) as raised:
        read_organisation_file(path)

    message = str(raised.value)
    assert "exactly one agency must have 'default: true'" in message
    assert "'8:30-12:00' is not a time range" in message
    assert "'someday' is not a weekday" in message
    assert "'2026-13-01' is not a date" in message
    assert f"{path}:4: " in message


def test_unquoted_impossible_date_is_a_seed_error(tmp_path):
    path = write(tmp_path, VALID_HEADER.replace("2026-10-01", "2026-13-01"))

    with pytest.raises(SeedError, match="month must be in 1..12"):
        read_organisation_file(path)


def test_check_seeds_command_prints_file_and_line(tmp_path):
    seeds_dir = tmp_path / "seeds"
    shutil.copytree(ROOT / "tests" / "desk" / "kb" / "fixtures" / "seeds", seeds_dir)
    write(
        seeds_dir,
        VALID_HEADER
        + "agents:\n  - {username: A!, name: 甲, agency: city, role: trainer}\n",
    )

    result = subprocess.run(
        [sys.executable, "-m", "desk.cli", "check-seeds", str(seeds_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )

    assert result.returncode == 1
    assert f"{seeds_dir / 'organisation.yml'}:11: agent 'A!'" in result.stderr


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91370900MA3TE0001B", "91370900MA3DEM001H"]
)
def test_valid_credit_codes(code):
    assert credit_code_problem(code) is None
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("91370900MA3TE0001", "17 characters"),
        ("91370900MA3TE0O01B", "'O'"),
        ("91370900MA3TE0001C", "check character"),
    ],
)
def test_invalid_credit_codes(code, words):
    assert words in credit_code_problem(code)


async def test_loading_twice_changes_nothing(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    await asyncio.to_thread(upgrade_to_head, url)
    engine = create_engine(url)
    seeds = read_organisation_file(ORGANISATION_FILE)
    try:
        async with create_sessionmaker(engine)() as session:
            first = await load_organisation(session=session, seeds=seeds)
            await set_password(
                session=session, username="alpha_window", password="long-enough-pw"
            )
            second = await load_organisation(session=session, seeds=seeds)
            agent = await session.get(Agent, "alpha_window")
    finally:
        await engine.dispose()

    assert first["agents.inserted"] == len(seeds.agents)
    assert first["agencies.inserted"] == 3
    assert second["agents.unchanged"] == len(seeds.agents)
    assert sum(value for key, value in second.items() if "unchanged" not in key) == 0
    assert agent is not None
    assert verify_password(agent.password_hash, "long-enough-pw")


async def test_loading_updates_and_deletes(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    await asyncio.to_thread(upgrade_to_head, url)
    engine = create_engine(url)
    original = ORGANISATION_FILE.read_text(encoding="utf-8")
    changed = original.replace("name: 甲窗口二,", "name: 甲窗口新名,").replace(
        "  - {username: gamma_window, name: 丙窗口, agency: gamma, "
        "role: window_specialist}\n",
        "",
    )
    changed_path = tmp_path / "organisation.yml"
    changed_path.write_text(changed, encoding="utf-8")
    try:
        async with create_sessionmaker(engine)() as session:
            await load_organisation(
                session=session, seeds=read_organisation_file(ORGANISATION_FILE)
            )
            counts = await load_organisation(
                session=session, seeds=read_organisation_file(changed_path)
            )
            usernames = set((await session.scalars(select(Agent.username))).all())
    finally:
        await engine.dispose()

    assert counts["agents.updated"] == 1
    assert counts["agents.deleted"] == 1
    assert "gamma_window" not in usernames


async def test_demo_passwords_file_is_private(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    await asyncio.to_thread(upgrade_to_head, url)
    engine = create_engine(url)
    output = tmp_path / "var" / "agent-passwords.txt"
    try:
        async with create_sessionmaker(engine)() as session:
            await load_organisation(
                session=session, seeds=read_organisation_file(ORGANISATION_FILE)
            )
            await set_password(
                session=session, username="alpha_admin", password="chosen-password"
            )
            first = await create_demo_passwords(session=session, path=output)
            second = await create_demo_passwords(session=session, path=output)
            hashes = {
                agent.username: agent.password_hash
                for agent in (await session.scalars(select(Agent))).all()
            }
    finally:
        await engine.dispose()

    lines = dict(
        line.split(" ", 1) for line in output.read_text(encoding="utf-8").splitlines()
    )
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert "alpha_admin" not in first.created
    assert "alpha_admin" not in lines
    assert len(first.created) == 9
    assert second.created == []
    assert set(lines) == set(first.created)
    assert verify_password(hashes["alpha_window"], lines["alpha_window"])
