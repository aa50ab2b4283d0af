"""Records read from the seed files, and the checks of their fields.

Each ``read_*`` function turns one YAML mapping into a frozen record, or
returns None after adding one problem line per invalid field to ``problems``,
so that a content author gets every mistake of a file in one run.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

# Categories of the knowledge base, with the label the portal shows.
CATEGORIES: dict[str, str] = {
    "contribution_payment": "参保缴费",
    "insurance_transfer": "转移接续",
    "pension_benefits": "养老待遇",
    "retirement_approval": "退休审批",
    "family_account_sharing": "医保个账家庭共济",
    "medical_insurance": "医疗保险",
    "social_security_card": "社会保障卡",
    "work_injury": "工伤保险",
    "unemployment": "失业保险",
    "enterprise_business": "单位业务",
    "other_agencies": "其他部门事项",
}

MIN_PHRASINGS = 2
MIN_KEYWORDS = 1
# Maximum length of an answer in characters, about what a phone screen shows
# without much scrolling. Longer procedures belong in a guide.
MAX_ANSWER_CHARS = 600

ENTRY_ID_PATTERN = re.compile(r"^(?P<category>[a-z_]+)\.(?P<number>\d+)$")
# Ids of notices and guides appear in URLs, so they keep to URL-safe characters.
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

ENTRY_FIELDS = (
    "id category question phrasings answer keywords source reviewed review related"
).split()
NOTICE_FIELDS = "id title body published source".split()
GUIDE_FIELDS = "id title category summary steps related".split()


@dataclass(frozen=True)
class EntrySeed:
    """One standard question with its phrasings and answer."""

    id: str
    category: str
    question: str
    phrasings: tuple[str, ...]
    answer: str
    keywords: tuple[str, ...]
    source: str
    reviewed: date
    review: str | None
    related: tuple[str, ...]


@dataclass(frozen=True)
class NoticeSeed:
    """One public notice (通知公告)."""

    id: str
    title: str
    body: str
    published: date
    source: str


@dataclass(frozen=True)
class GuideSeed:
    """One topic guide (专题指引): a procedure as a list of steps."""

    id: str
    title: str
    category: str
    summary: str
    steps: tuple[str, ...]
    related: tuple[str, ...]


Seed = EntrySeed | NoticeSeed | GuideSeed


def content_hash(seed: Seed) -> str:
    """Return a SHA-256 hex digest of every field, stable across runs."""
    payload = json.dumps(asdict(seed), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class _Fields:
    """Typed access to the fields of one YAML mapping, recording problems."""

    def __init__(self, raw: dict[str, Any], where: str, problems: list[str]) -> None:
        self.raw = raw
        self.where = where
        self.problems = problems
        self.count_before = len(problems)

    @property
    def valid(self) -> bool:
        return len(self.problems) == self.count_before

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")

    def reject_unknown(self, allowed: list[str]) -> None:
        for name in self.raw:
            if name not in allowed:
                self.problem(
                    f"unknown field {name!r}; valid fields are: {', '.join(allowed)}"
                )

    def text(self, name: str, max_chars: int | None = None) -> str:
        value = self.raw.get(name)
        if value is None:
            self.problem(f"{name!r} is missing; add it as text")
            return ""
        if not isinstance(value, str):
            self.problem(f"{name!r} must be text, found {value!r}; quote it")
            return ""
        value = value.strip()
        if not value:
            self.problem(f"{name!r} is empty; write the text")
        elif max_chars is not None and len(value) > max_chars:
            self.problem(
                f"{name!r} has {len(value)} characters; shorten it to at most "
                f"{max_chars}"
            )
        return value

    def optional_text(self, name: str) -> str | None:
        if self.raw.get(name) is None:
            return None
        return self.text(name) or None

    def text_list(self, name: str, min_items: int = 0) -> tuple[str, ...]:
        value = self.raw.get(name)
        if value is None and min_items == 0:
            return ()
        if value is None:
            self.problem(f"{name!r} is missing; add a list of at least {min_items}")
            return ()
        if not isinstance(value, list):
            self.problem(f"{name!r} must be a list, found {value!r}")
            return ()
        items: list[str] = []
        for number, item in enumerate(value, start=1):
            if not isinstance(item, str) or not item.strip():
                self.problem(
                    f"{name!r} item {number} must be non-empty text, found "
                    f"{item!r}; quote it or remove it"
                )
                continue
            items.append(item.strip())
        if len(value) < min_items:
            self.problem(
                f"{name!r} needs at least {min_items} items, found {len(value)}"
            )
        return tuple(items)

    def date(self, name: str) -> date:
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                pass
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        self.problem(f"{name!r} must be a date such as 2026-12-01, found {value!r}")
        return date.min

    def category(self) -> str:
        value = self.text("category")
        if value and value not in CATEGORIES:
            self.problem(
                f"'category' {value!r} is not a known category; use one of: "
                f"{', '.join(CATEGORIES)}"
            )
        return value

    def slug(self) -> str:
        value = self.text("id")
        if value and not SLUG_PATTERN.match(value):
            self.problem(
                f"'id' {value!r} must use lower-case letters, digits, '_', '.' "
                "and '-' only"
            )
        return value


def read_entry(
    raw: dict[str, Any], where: str, problems: list[str]
) -> EntrySeed | None:
    """Return the entry in ``raw``, or None after recording its problems."""
    fields = _Fields(raw, where, problems)
    fields.reject_unknown(ENTRY_FIELDS)
    entry = EntrySeed(
        id=fields.text("id"),
        category=fields.category(),
        question=fields.text("question"),
        phrasings=fields.text_list("phrasings", MIN_PHRASINGS),
        answer=fields.text("answer", MAX_ANSWER_CHARS),
        keywords=fields.text_list("keywords", MIN_KEYWORDS),
        source=fields.text("source"),
        reviewed=fields.date("reviewed"),
        review=fields.optional_text("review"),
        related=fields.text_list("related"),
    )
    _check_entry_id(fields, entry)
    return entry if fields.valid else None


def _check_entry_id(fields: _Fields, entry: EntrySeed) -> None:
    if not entry.id:
        return
    match = ENTRY_ID_PATTERN.match(entry.id)
    if match is None:
        fields.problem(
            f"'id' {entry.id!r} must look like '<category>.<digits>', "
            "for example 'pension_benefits.003'"
        )
    elif entry.category in CATEGORIES and match["category"] != entry.category:
        fields.problem(
            f"id prefix {match['category']!r} does not match 'category' "
            f"{entry.category!r}; make them the same"
        )
    if entry.id in entry.related:
        fields.problem("'related' lists the entry itself; remove it")


def read_notice(
    raw: dict[str, Any], where: str, problems: list[str]
) -> NoticeSeed | None:
    """Return the notice in ``raw``, or None after recording its problems."""
    fields = _Fields(raw, where, problems)
    fields.reject_unknown(NOTICE_FIELDS)
    notice = NoticeSeed(
        id=fields.slug(),
        title=fields.text("title"),
        body=fields.text("body"),
        published=fields.date("published"),
        source=fields.text("source"),
    )
    return notice if fields.valid else None


def read_guide(
    raw: dict[str, Any], where: str, problems: list[str]
) -> GuideSeed | None:
    """Return the guide in ``raw``, or None after recording its problems."""
    fields = _Fields(raw, where, problems)
    fields.reject_unknown(GUIDE_FIELDS)
    guide = GuideSeed(
        id=fields.slug(),
        title=fields.text("title"),
        category=fields.category(),
        summary=fields.text("summary"),
        steps=fields.text_list("steps", 1),
        related=fields.text_list("related"),
    )
    return guide if fields.valid else None
