"""Tests of the retrieval benchmark's helpers (bench/retrieval.py)."""

from __future__ import annotations

import random
from pathlib import Path

from bench.retrieval import (
    SECTION_HEADING,
    Latency,
    RetrievalBenchmark,
    recombine_entries,
    render_section,
    replace_section,
)
from desk.kb.evaluation import Miss, RetrievalReport
from desk.kb.question_files import Question
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


def question(text: str, entry_id: str | None) -> Question:
    return Question(text=text, entry_id=entry_id, path=Path("q.yml"), line=1)


def report(name: str, hits: int, misses: list[Miss]) -> RetrievalReport:
    return RetrievalReport(
        name=name,
        heldout_total=hits + len(misses),
        hit_at_1=hits,
        hit_at_3=hits + sum(m.question.entry_id in m.ranked_ids for m in misses),
        ood_total=10,
        misses=misses,
    )


def test_section_compares_and_sorts_misses() -> None:
    misses = [
        # Second place, same category, entries linked as related.
        Miss(question("社保卡丢了", "card.001"), ["card.002", "card.001"]),
        # Another category, not linked.
        Miss(question("医保咋报", "medical.001"), ["card.002", "card.003"]),
        Miss(question("嗯", "card.003"), []),
    ]
    search = report("search", 9, misses)
    baseline = report("keyword baseline", 3, [])
    benchmark = RetrievalBenchmark(
        seeds_dir=Path("seeds"),
        entries=4,
        related={"card.001": frozenset({"card.002"}), "card.002": frozenset()},
        categories={
            "card.001": "card",
            "card.002": "card",
            "card.003": "card",
            "medical.001": "medical",
        },
        reports=[search, baseline],
        set_reports={"held-out": search, "blind": baseline},
        latencies=[Latency(4, 10, 0.5, 1.0, None), Latency(8, 10, 0.6, 1.2, 2.0)],
        load_average=0.5,
    )

    text = "\n".join(render_section(benchmark))

    assert "ranks the right entry first 3.0 times as often" in text
    assert "the labelled entry came second or third: 1;" in text
    assert "the first result is in the labelled entry's category: 1;" in text
    assert "so their content overlaps: 1;" in text
    assert "nothing was found: 1." in text
