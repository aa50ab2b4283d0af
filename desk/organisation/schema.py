"""Reading and validation of ``seeds/organisation.yml``.

The file has four lists: ``agencies``, ``departments``, ``agents`` and
``enterprises``. Every problem is collected with its ``file:line`` and raised
together as one SeedError before anything touches the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from desk.kb.errors import SeedError
from desk.kb.schema import CATEGORIES
from desk.kb.yaml_lines import LineMapping, load_with_lines
from desk.models.organisation import (
    DEPARTMENT_ROLES,
    NAME_MAX_CHARS,
    ROLE_MANAGER,
    ROLES,
)
from desk.organisation.credit_code import credit_code_problem
from desk.organisation.hours import WEEKDAYS, parse_range

ORGANISATION_FILE_NAME = "organisation.yml"
SECTIONS = ("agencies", "departments", "agents", "enterprises")

AGENCY_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
DEPARTMENT_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
DEPARTMENT_ID_MAX_CHARS = 64


@dataclass(frozen=True)
class AgencySeed:
    """One agency of the seed file."""

    id: str
    name: str
    is_default: bool
    business_hours: dict[str, list[str]]
    holidays: list[str]
    extra_workdays: list[str]


@dataclass(frozen=True)
class DepartmentSeed:
    """One department of the seed file."""

    id: str
    agency_id: str
    name: str
    topics: list[str]


@dataclass(frozen=True)
class AgentSeed:
    """One agent of the seed file, without a password."""

    username: str
    name: str
    agency_id: str
    role: str
    department_id: str | None


@dataclass(frozen=True)
class EnterpriseSeed:
    """One enterprise of the seed file."""

    credit_code: str
    name: str
    agency_id: str
    account_manager: str | None


OrganisationItem = AgencySeed | DepartmentSeed | AgentSeed | EnterpriseSeed


@dataclass(frozen=True)
class OrganisationSeeds:
    """Validated contents of the organisation file."""

    agencies: list[AgencySeed]
    departments: list[DepartmentSeed]
    agents: list[AgentSeed]
    enterprises: list[EnterpriseSeed]


def seed_hash(item: OrganisationItem) -> str:
    """Return the SHA-256 hex digest of a seed item's fields."""
    encoded = json.dumps(asdict(item), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class _Problems:
    """Problems found in one file, each prefixed with ``file:line``."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[str] = []

    def add(self, line: int | None, message: str) -> None:
        self.lines.append(f"{self.file}:{line or 1}: {message}")


class _Item:
    """One mapping of a section, with helpers that record problems at its lines."""

    def __init__(
        self, fields: LineMapping, label: str, problems: _Problems, allowed: set[str]
    ) -> None:
        self.fields = fields
        self.label = label
        self.problems = problems
        for name in sorted(set(map(str, fields)) - allowed):
            hint = ""
            if name == "password":
                hint = "; set passwords with `desk set-password USERNAME`"
            self.problem(
                name, f"unknown field {name!r}; use {', '.join(sorted(allowed))}{hint}"
            )

    def line(self, name: str) -> int:
        return self.fields.value_lines.get(name, self.fields.line)

    def problem(self, name: str | None, message: str) -> None:
        line = self.line(name) if name else self.fields.line
        self.problems.add(line, f"{self.label}: {message}")

    def text(self, name: str, *, required: bool = True, max_chars: int) -> str:
        value = self.fields.get(name)
        if value is None:
            if required:
                self.problem(None, f"missing {name!r}")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(name, f"{name!r} must be a non-empty string")
            return ""
        if len(value) > max_chars:
            self.problem(
                name,
                f"{name!r} has {len(value)} characters; the maximum is {max_chars}",
            )
        return value.strip()

    def matching(self, name: str, pattern: re.Pattern[str], rule: str) -> str:
        value = self.text(name, max_chars=DEPARTMENT_ID_MAX_CHARS)
        if value and not pattern.match(value):
            self.problem(name, f"{name!r} {value!r} must be {rule}")
        return value

    def string_list(self, name: str) -> list[str]:
        value = self.fields.get(name, [])
        if not isinstance(value, list) or not all(
            isinstance(item, str | date) for item in value
        ):
            self.problem(name, f"{name!r} must be a list of strings")
            return []
        return [item.isoformat() if isinstance(item, date) else item for item in value]


def read_organisation_file(path: Path) -> OrganisationSeeds:
    """Read and validate the organisation file at ``path``.

    Raises:
        SeedError: the file is missing, not YAML, or has invalid items; the
            message lists every problem as ``file:line: …``.
    """
    if not path.exists():
        raise SeedError(f"{path}: file not found")
    try:
        with path.open(encoding="utf-8") as handle:
            document = load_with_lines(handle)
    except yaml.YAMLError as error:
        raise SeedError(f"{path}: invalid YAML: {error}") from error
    except ValueError as error:
        # PyYAML reads an unquoted 2026-13-01 as a date and fails on it.
        raise SeedError(
            f"{path}: invalid date or number: {error}; write dates as 2026-10-01"
        ) from error

    problems = _Problems(str(path))
    if not isinstance(document, LineMapping):
        raise SeedError(f"{path}:1: expected a mapping with {', '.join(SECTIONS)}")
    for name in sorted(set(map(str, document)) - set(SECTIONS)):
        problems.add(
            document.value_lines.get(name),
            f"unknown section {name!r}; use {', '.join(SECTIONS)}",
        )
    sections = {name: _section(document, name, problems) for name in SECTIONS}

    agencies = [_read_agency(item, problems) for item in sections["agencies"]]
    _check_unique(problems, sections["agencies"], [a.id for a in agencies], "agency")
    defaults = [agency.id for agency in agencies if agency.is_default]
    if len(defaults) != 1:
        problems.add(
            document.value_lines.get("agencies"),
            f"exactly one agency must have 'default: true' (the city centre), "
            f"found {len(defaults)}: {', '.join(defaults) or 'none'}",
        )
    agency_ids = {agency.id for agency in agencies}

    departments = [
        _read_department(item, problems, agency_ids) for item in sections["departments"]
    ]
    _check_unique(
        problems, sections["departments"], [d.id for d in departments], "department"
    )
    department_agency = {d.id: d.agency_id for d in departments}

    agents = [
        _read_agent(item, problems, agency_ids, department_agency)
        for item in sections["agents"]
    ]
    _check_unique(problems, sections["agents"], [a.username for a in agents], "agent")
    managers = {a.username: a for a in agents if a.role == ROLE_MANAGER}

    enterprises = [
        _read_enterprise(item, problems, agency_ids, managers)
        for item in sections["enterprises"]
    ]
    _check_unique(
        problems,
        sections["enterprises"],
        [e.credit_code for e in enterprises],
        "enterprise",
    )

    if problems.lines:
        raise SeedError("\n".join(problems.lines))
    return OrganisationSeeds(
        agencies=agencies,
        departments=departments,
        agents=agents,
        enterprises=enterprises,
    )


def _section(
    document: LineMapping, name: str, problems: _Problems
) -> list[LineMapping]:
    value = document.get(name, [])
    line = document.value_lines.get(name, 1)
    if not isinstance(value, list):
        problems.add(line, f"{name!r} must be a list")
        return []
    items = []
    for number, item in enumerate(value):
        if isinstance(item, LineMapping):
            items.append(item)
        else:
            item_line = getattr(value, "item_lines", [line] * len(value))[number]
            problems.add(item_line, f"each item of {name!r} must be a mapping")
    if name == "agencies" and not items:
        problems.add(line, "'agencies' must list at least the city centre")
    return items


def _check_unique(
    problems: _Problems, items: list[LineMapping], ids: list[str], kind: str
) -> None:
    seen: dict[str, int] = {}
    for item, item_id in zip(items, ids, strict=True):
        if not item_id:
            continue
        if item_id in seen:
            problems.add(
                item.line,
                f"{kind} {item_id!r} is defined twice; the first is at line "
                f"{seen[item_id]}",
            )
        else:
            seen[item_id] = item.line


def _read_agency(fields: LineMapping, problems: _Problems) -> AgencySeed:
    label = f"agency {fields.get('id')!r}"
    allowed = {"id", "name", "default", "business_hours", "holidays", "extra_workdays"}
    item = _Item(fields, label, problems, allowed)
    agency_id = item.matching(
        "id", AGENCY_ID_PATTERN, "lower-case letters, digits and '_', up to 64"
    )
    is_default = fields.get("default", False)
    if not isinstance(is_default, bool):
        item.problem("default", "'default' must be true or false")
        is_default = False
    holidays = _dates(item, "holidays")
    extra_workdays = _dates(item, "extra_workdays")
    for day in sorted(set(holidays) & set(extra_workdays)):
        item.problem("extra_workdays", f"{day} is both a holiday and an extra workday")
    return AgencySeed(
        id=agency_id,
        name=item.text("name", max_chars=NAME_MAX_CHARS),
        is_default=is_default,
        business_hours=_business_hours(item),
        holidays=holidays,
        extra_workdays=extra_workdays,
    )


def _business_hours(item: _Item) -> dict[str, list[str]]:
    value = item.fields.get("business_hours")
    if not isinstance(value, dict):
        item.problem(
            None if value is None else "business_hours",
            "'business_hours' must map weekdays (mon … sun) to lists of "
            "'HH:MM-HH:MM' ranges",
        )
        return {}
    hours: dict[str, list[str]] = {}
    for day, ranges in value.items():
        if day not in WEEKDAYS:
            item.problem(
                "business_hours", f"{day!r} is not a weekday; use {', '.join(WEEKDAYS)}"
            )
            continue
        if not isinstance(ranges, list) or not all(isinstance(r, str) for r in ranges):
            item.problem(
                "business_hours", f"{day}: expected a list of 'HH:MM-HH:MM' strings"
            )
            continue
        for text in ranges:
            try:
                parse_range(text)
            except ValueError as error:
                item.problem("business_hours", f"{day}: {error}")
        hours[day] = [text.strip() for text in ranges]
    return hours


def _dates(item: _Item, name: str) -> list[str]:
    days = []
    for value in item.string_list(name):
        try:
            days.append(date.fromisoformat(value).isoformat())
        except ValueError:
            item.problem(name, f"{name}: {value!r} is not a date like 2026-10-01")
    return sorted(set(days))


def _read_department(
    fields: LineMapping, problems: _Problems, agency_ids: set[str]
) -> DepartmentSeed:
    item = _Item(
        fields,
        f"department {fields.get('id')!r}",
        problems,
        {"id", "agency", "name", "topics"},
    )
    department_id = item.matching(
        "id",
        DEPARTMENT_ID_PATTERN,
        "lower-case words joined by '.', such as 'taian_city.pension'",
    )
    agency_id = _agency(item, agency_ids)
    topics = item.string_list("topics")
    if not topics:
        item.problem(
            "topics", "'topics' must list at least one knowledge-base category"
        )
    for topic in topics:
        if topic not in CATEGORIES:
            item.problem(
                "topics",
                f"topic {topic!r} is not a knowledge-base category; use one of "
                f"{', '.join(CATEGORIES)}",
            )
    return DepartmentSeed(
        id=department_id,
        agency_id=agency_id,
        name=item.text("name", max_chars=NAME_MAX_CHARS),
        topics=topics,
    )


def _agency(item: _Item, agency_ids: set[str]) -> str:
    agency_id = item.text("agency", max_chars=64)
    if agency_id and agency_id not in agency_ids:
        item.problem(
            "agency",
            f"agency {agency_id!r} is not defined; use one of "
            f"{', '.join(sorted(agency_ids))}",
        )
    return agency_id


def _read_agent(
    fields: LineMapping,
    problems: _Problems,
    agency_ids: set[str],
    department_agency: dict[str, str],
) -> AgentSeed:
    item = _Item(
        fields,
        f"agent {fields.get('username')!r}",
        problems,
        {"username", "name", "agency", "role", "department"},
    )
    username = item.matching(
        "username", USERNAME_PATTERN, "lower-case letters, digits, '_', '.' and '-'"
    )
    agency_id = _agency(item, agency_ids)
    role = item.text("role", max_chars=32)
    if role and role not in ROLES:
        item.problem("role", f"role {role!r} is unknown; use one of {', '.join(ROLES)}")
    department_id = item.text("department", required=False, max_chars=64) or None
    if role in DEPARTMENT_ROLES and department_id is None:
        item.problem(None, f"missing 'department': a {role} belongs to a department")
    if role not in DEPARTMENT_ROLES and department_id is not None and role in ROLES:
        item.problem(
            "department",
            f"a {role} has no department; only {' and '.join(DEPARTMENT_ROLES)} do",
        )
    if department_id is not None:
        owner = department_agency.get(department_id)
        if owner is None:
            item.problem("department", f"department {department_id!r} is not defined")
        elif agency_id and owner != agency_id:
            item.problem(
                "department",
                f"department {department_id!r} belongs to agency {owner!r}, "
                f"not to {agency_id!r}",
            )
    return AgentSeed(
        username=username,
        name=item.text("name", max_chars=NAME_MAX_CHARS),
        agency_id=agency_id,
        role=role,
        department_id=department_id,
    )


def _read_enterprise(
    fields: LineMapping,
    problems: _Problems,
    agency_ids: set[str],
    managers: dict[str, AgentSeed],
) -> EnterpriseSeed:
    item = _Item(
        fields,
        f"enterprise {fields.get('credit_code')!r}",
        problems,
        {"credit_code", "name", "agency", "account_manager"},
    )
    code = item.text("credit_code", max_chars=18 + 10)
    problem = credit_code_problem(code) if code else None
    if problem:
        item.problem("credit_code", f"'credit_code' {code!r} is invalid: {problem}")
    agency_id = _agency(item, agency_ids)
    manager = item.text("account_manager", required=False, max_chars=64) or None
    if manager is not None:
        seed = managers.get(manager)
        if seed is None:
            item.problem(
                "account_manager",
                f"{manager!r} is not an agent with role {ROLE_MANAGER}",
            )
        elif agency_id and seed.agency_id != agency_id:
            item.problem(
                "account_manager",
                f"{manager!r} works for agency {seed.agency_id!r}, not {agency_id!r}",
            )
    return EnterpriseSeed(
        credit_code=code,
        name=item.text("name", max_chars=NAME_MAX_CHARS),
        agency_id=agency_id,
        account_manager=manager,
    )


def seed_values(item: OrganisationItem) -> dict[str, Any]:
    """Return the seed's fields as column values, with ``content_hash`` added."""
    return asdict(item) | {"content_hash": seed_hash(item)}
