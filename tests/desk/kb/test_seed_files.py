"""Tests of seed-file validation: every problem names file, item, field and fix."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from desk.kb.errors import SeedError
from desk.kb.schema import CATEGORIES
from desk.kb.seed_files import read_seed_dir

VALID_ENTRY: dict[str, Any] = {
    "id": "pension_benefits.004",
    "category": "pension_benefits",
    "question": "养老金每月什么时候发放？",
    "phrasings": ["退休金几号到账", "养老金每个月哪天发"],
    "answer": "养老金按月发放到社保卡。",
    "keywords": ["养老金"],
    "source": "test",
    "reviewed": "2026-12-01",
}


def write_entries(seeds_dir: Path, file_name: str, entries: list[Any]) -> None:
    path = seeds_dir / "kb" / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.safe_dump({"entries": entries}, allow_unicode=True), encoding="utf-8"
    )


def problems_of(seeds_dir: Path) -> str:
    with pytest.raises(SeedError) as caught:
        read_seed_dir(seeds_dir)
    return str(caught.value)


def test_valid_entry_is_read(tmp_path: Path) -> None:
    seeds_dir = tmp_path / "seeds"
    write_entries(seeds_dir, "pension_benefits.yml", [VALID_ENTRY])

    seed_set = read_seed_dir(seeds_dir)

    assert [entry.id for entry in seed_set.entries] == ["pension_benefits.004"]
    assert seed_set.entries[0].reviewed.isoformat() == "2026-12-01"
    assert seed_set.notices == []
    assert seed_set.guides == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"phrasings": ["只有一个说法"]},
            "entry pension_benefits.004: 'phrasings' needs at least 2 items, found 1",
        ),
        ({"phrasings": "一句话"}, "'phrasings' must be a list, found '一句话'"),
        ({"phrasings": ["好的说法", 12333]}, "'phrasings' item 2 must be non-empty"),
        ({"keywords": []}, "'keywords' needs at least 1 items, found 0"),
        ({"question": None}, "'question' is missing; add it as text"),
        ({"question": "   "}, "'question' is empty"),
        (
            {"answer": "长" * 601},
            "'answer' has 601 characters; shorten it to at most 600",
        ),
        ({"source": 5}, "'source' must be text, found 5; quote it"),
        ({"reviewed": "soon"}, "'reviewed' must be a date such as 2026-12-01"),
        ({"reviewed": "2026-13-01"}, "'reviewed' must be a date"),
        ({"category": "pension"}, "'category' 'pension' is not a known category"),
        (
            {"category": "retirement_approval"},
            "id prefix 'pension_benefits' does not match 'category' "
            "'retirement_approval'",
        ),
        ({"id": "pension_benefits-4"}, "must look like '<category>.<digits>'"),
        ({"anwser": "错字"}, "unknown field 'anwser'; valid fields are: id, category"),
        ({"related": ["pension_benefits.004"]}, "'related' lists the entry itself"),
        (
            {"related": ["pension_benefits.999"]},
            "'related' names 'pension_benefits.999', which is not an entry id",
        ),
    ],
)
def test_invalid_entry_is_rejected(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    seeds_dir = tmp_path / "seeds"
    write_entries(seeds_dir, "pension_benefits.yml", [VALID_ENTRY | changes])

    problems = problems_of(seeds_dir)

    assert re.match(r"seeds/kb/pension_benefits\.yml:\d+: entry ", problems)
    assert message in problems


def test_every_problem_is_listed(tmp_path: Path) -> None:
    seeds_dir = tmp_path / "seeds"
    broken = VALID_ENTRY | {"phrasings": ["一个"], "keywords": None, "answer": ""}
    write_entries(seeds_dir, "pension_benefits.yml", [broken])

    problems = problems_of(seeds_dir)

    assert problems.startswith("3 problems in the seed files")
    assert "'phrasings' needs at least 2 items" in problems
    assert "'keywords' is missing" in problems
    assert "'answer' is empty" in problems


def test_duplicate_id_across_files_is_rejected(tmp_path: Path) -> None:
    seeds_dir = tmp_path / "seeds"
    write_entries(seeds_dir, "a.yml", [VALID_ENTRY])
    write_entries(seeds_dir, "b.yml", [VALID_ENTRY])

    problems = problems_of(seeds_dir)

    assert problems == (
        "seeds/kb/b.yml:2: entry pension_benefits.004: duplicate id, already "
        "defined in seeds/kb/a.yml"
    )


def test_duplicate_id_in_one_file_is_rejected(tmp_path: Path) -> None:
    seeds_dir = tmp_path / "seeds"
    write_entries(seeds_dir, "a.yml", [VALID_ENTRY, VALID_ENTRY])

    assert "duplicate id, already defined in seeds/kb/a.yml" in problems_of(seeds_dir)


def test_entry_without_id_is_named_by_position(tmp_path: Path) -> None:
    seeds_dir = tmp_path / "seeds"
    entry = {key: value for key, value in VALID_ENTRY.items() if key != "id"}
    write_entries(seeds_dir, "a.yml", [VALID_ENTRY, entry])

    assert "seeds/kb/a.yml:13: entry #2: 'id' is missing" in problems_of(seeds_dir)


def test_problems_point_at_the_line(tmp_path: Path) -> None:
    seeds_dir = tmp_path / "seeds"
    (seeds_dir / "kb").mkdir(parents=True)
    (seeds_dir / "kb" / "a.yml").write_text(
        """\
entries:
  - id: pension_benefits.001
    category: pension_benefits
    question: 养老金几号发？
    phrasings: [退休金几号到账, 养老金哪天发]
    answer: 每月发放。
    keywords: [养老金]
    source: test
    reviewed: 2026-12-01

  - id: pension_benefits.002
    category: pension
    question: 养老金怎么认证？
    phrasings: [怎么认证, 认证在哪做]
    answer: 刷脸认证。
    keywords: [认证]
    source: test
    reviewed: 2026-12-01
    related:
      - pension_benefits.001
""",
        encoding="utf-8",
    )

    problems = problems_of(seeds_dir)

    assert problems == (
        "seeds/kb/a.yml:11: entry pension_benefits.002: 'category' 'pension' is "
        "not a known category; use one of: " + ", ".join(CATEGORIES)
    )


def test_broken_link_points_at_its_line(tmp_path: Path) -> None:
    seeds_dir = tmp_path / "seeds"
    (seeds_dir / "kb").mkdir(parents=True)
    (seeds_dir / "kb" / "a.yml").write_text(
        """\
entries:
  - id: pension_benefits.001
    category: pension_benefits
    question: 养老金几号发？
    phrasings: [退休金几号到账, 养老金哪天发]
    answer: 每月发放。
    keywords: [养老金]
    source: test
    reviewed: 2026-12-01
    related:
      - pension_benefits.404
""",
        encoding="utf-8",
    )

    assert problems_of(seeds_dir).startswith(
        "seeds/kb/a.yml:11: entry pension_benefits.001: 'related' names "
        "'pension_benefits.404'"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("entries: [\n  - broken", "seeds/kb/a.yml: invalid YAML at line"),
        ("", "seeds/kb/a.yml: expected a top-level 'entries:' list"),
        ("entries: {}", "expected a top-level 'entries:' list"),
        ("entries: []\nextra: 1", "unknown top-level key 'extra'"),
        ("entries: [just text]", "entry #1: expected a mapping of fields"),
    ],
)
def test_malformed_file_is_rejected(tmp_path: Path, content: str, message: str) -> None:
    seeds_dir = tmp_path / "seeds"
    (seeds_dir / "kb").mkdir(parents=True)
    (seeds_dir / "kb" / "a.yml").write_text(content, encoding="utf-8")

    assert message in problems_of(seeds_dir)


def test_unclosed_quote_names_where_it_opened(tmp_path: Path) -> None:
    seeds_dir = tmp_path / "seeds"
    write_entries(seeds_dir, "pension_benefits.yml", [VALID_ENTRY])
    broken = seeds_dir / "kb" / "retirement_approval.yml"
    broken.write_text('entries:\n  - id: "retirement_approval.001\n', encoding="utf-8")

    problems = problems_of(seeds_dir)

    assert "seeds/kb/retirement_approval.yml: invalid YAML at line" in problems
    assert "while scanning a quoted scalar at line 2" in problems


def test_unreadable_file_hides_link_errors(tmp_path: Path) -> None:
    # The other file's link to an entry of the broken file is not reported,
    # so the one real error stays the only line.
    seeds_dir = tmp_path / "seeds"
    linking = {**VALID_ENTRY, "related": ["retirement_approval.001"]}
    write_entries(seeds_dir, "pension_benefits.yml", [linking])
    broken = seeds_dir / "kb" / "retirement_approval.yml"
    broken.write_text("entries: [\n  - broken", encoding="utf-8")

    problems = problems_of(seeds_dir)

    assert "invalid YAML" in problems
    assert "'related' names" not in problems


def test_missing_knowledge_base_is_rejected(tmp_path: Path) -> None:
    assert "no knowledge-base files (*.yml) found" in problems_of(tmp_path / "seeds")


@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        (
            "notices.yml",
            "notices: [{id: n1, title: 标题, body: 正文, source: s}]",
            "seeds/notices.yml:1: notice n1: 'published' must be a date",
        ),
        (
            "notices.yml",
            "notices: [{id: 'Bad Id', title: t, body: b, published: 2026-01-01, "
            "source: s}]",
            "'id' 'Bad Id' must use lower-case letters",
        ),
        (
            "guides.yml",
            "guides: [{id: g1, title: t, category: pension_benefits, summary: s, "
            "steps: []}]",
            "seeds/guides.yml:1: guide g1: 'steps' needs at least 1 items, found 0",
        ),
        (
            "guides.yml",
            "guides: [{id: g1, title: t, category: pension_benefits, summary: s, "
            "steps: [one], related: [nothing.001]}]",
            "guide g1: 'related' names 'nothing.001', which is neither an entry "
            "nor a guide id",
        ),
    ],
)
def test_invalid_notice_or_guide_is_rejected(
    tmp_path: Path, file_name: str, content: str, message: str
) -> None:
    seeds_dir = tmp_path / "seeds"
    write_entries(seeds_dir, "pension_benefits.yml", [VALID_ENTRY])
    (seeds_dir / file_name).write_text(content, encoding="utf-8")

    assert message in problems_of(seeds_dir)


def test_fixture_seeds_are_valid(kb_seeds_dir: Path) -> None:
    seed_set = read_seed_dir(kb_seeds_dir)

    assert len(seed_set.entries) == 9
    assert len(seed_set.notices) == 2
    assert len(seed_set.guides) == 1
