"""Tests of the retrieval benchmark's helpers (bench/retrieval.py)."""

from __future__ import annotations

import random
from pathlib import Path

from bench.retrieval import SECTION_HEADING, recombine_entries, replace_section
from desk.kb.seed_files import read_seed_dir

SECTION = [SECTION_HEADING, "", "new figures", ""]


def test_section_replaces_old_one_and_keeps_the_rest() -> None:
    page = (
        "# Benchmarks\n\n## Memory\n\nold\n\n## Retrieval\n\nold figures\n\n"
        "## Later\n\nkept\n"
    )

    updated = replace_section(page, SECTION)

    assert updated == (
        "# Benchmarks\n\n## Memory\n\nold\n\n## Retrieval\n\nnew figures\n\n"
        "## Later\n\nkept\n"
    )


def test_section_is_appended_when_missing() -> None:
    updated = replace_section("# Benchmarks\n\n## Memory\n\nold\n", SECTION)

    assert (
        updated == "# Benchmarks\n\n## Memory\n\nold\n\n## Retrieval\n\nnew figures\n"
    )


def test_section_makes_an_empty_page() -> None:
    assert replace_section("", SECTION) == "## Retrieval\n\nnew figures\n"


def test_section_at_the_end_is_replaced() -> None:
    updated = replace_section("# B\n\n## Retrieval\n\nold\n", SECTION)

    assert updated == "# B\n\n## Retrieval\n\nnew figures\n"


def test_recombined_entries_reach_the_total(kb_seeds_dir: Path) -> None:
    entries = read_seed_dir(kb_seeds_dir).entries

    grown = recombine_entries(entries, 50, random.Random(1))

    assert len(grown) == 50
    assert grown[: len(entries)] == entries
    assert len({entry.id for entry in grown}) == 50
    extra = grown[len(entries) :]
    assert all(len(entry.phrasings) >= 2 for entry in extra)
    assert all(entry.related == () for entry in extra)
