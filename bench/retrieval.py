"""Measure knowledge-base retrieval and write its section of docs/benchmarks.md.

Runs in-process, without Rasa or the desk: the search and the keyword
baseline on the held-out and out-of-domain question files, then search
latency over a knowledge base grown to 5,000 entries. The extra entries are
recombined from the real entries' text (halves of two questions, pairs of
phrasings, keywords of both), so their vocabulary and lengths match real
content. They exist only in memory, never in seeds/.

``python -m bench.retrieval`` replaces the "Retrieval" section of the output
file and leaves the rest of the page as it is. ``bench/run.py`` includes the
same section in the full report.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench.machine import machine_description
from desk.kb.evaluation import (
    LABELLED_SETS,
    OUT_OF_DOMAIN_PATH,
    RetrievalReport,
    SeedKnowledgeBase,
    evaluate_seeds,
    format_miss,
    format_wrong_answer,
)
from desk.kb.index import KnowledgeIndex
from desk.kb.question_files import display_path, load_question_path
from desk.kb.refresh import SYNONYMS_FILE_NAME, build_index
from desk.kb.schema import EntrySeed
from desk.settings import ROOT

SECTION_HEADING = "## Retrieval"
LARGE_KB_ENTRIES = 5000
# Searches timed per index: the question files are searched in turn until
# this many searches ran, enough for a stable 95th percentile.
TIMED_SEARCHES = 2000
MISSES_SHOWN = 10
RANDOM_SEED = 20261204


@dataclass(frozen=True)
class Latency:
    """Search latency over one index, in milliseconds."""

    entries: int
    searches: int
    p50_ms: float
    p95_ms: float
    build_seconds: float | None


@dataclass(frozen=True)
class RetrievalBenchmark:
    """Everything the retrieval section reports."""

    seeds_dir: Path
    entries: int
    # Related entry ids and category of each entry id, to sort the misses.
    related: dict[str, frozenset[str]]
    categories: dict[str, str]
    reports: list[RetrievalReport]
    # The search's report on each labelled set alone, by set name.
    set_reports: dict[str, RetrievalReport]
    latencies: list[Latency]
    # One-minute load average when the timing started; other processes on
    # the machine slow the searches down.
    load_average: float


def recombine_entries(
    entries: list[EntrySeed], total: int, rng: random.Random
) -> list[EntrySeed]:
    """Return ``entries`` followed by recombined entries, ``total`` in all."""
    extra = []
    for number in range(total - len(entries)):
        first, second = rng.sample(entries, 2)
        phrasings = tuple(
            _join_halves(a, b)
            for a, b in zip(first.phrasings, second.phrasings, strict=False)
        )
        extra.append(
            replace(
                first,
                id=f"{first.category}.{90000 + number}",
                question=_join_halves(first.question, second.question),
                phrasings=phrasings,
                keywords=_half(first.keywords) + _half(second.keywords),
                related=(),
            )
        )
    return entries + extra


def measure_latency(
    index: KnowledgeIndex, queries: list[str], build_seconds: float | None = None
) -> Latency:
    """Time ``TIMED_SEARCHES`` searches of ``queries`` in turn, after one warm-up."""
    for query in queries:
        index.search(query)
    durations = []
    for number in range(TIMED_SEARCHES):
        query = queries[number % len(queries)]
        started = time.perf_counter()
        index.search(query)
        durations.append((time.perf_counter() - started) * 1000)
    return Latency(
        entries=len(index),
        searches=len(durations),
        p50_ms=statistics.median(durations),
        p95_ms=statistics.quantiles(durations, n=20)[-1],
        build_seconds=build_seconds,
    )


def measure_retrieval(seeds_dir: Path = ROOT / "seeds") -> RetrievalBenchmark:
    """Evaluate both methods on the question files and time the search."""
    knowledge_base = SeedKnowledgeBase.read(seeds_dir)
    reports = evaluate_seeds(knowledge_base)
    set_reports = {
        name: evaluate_seeds(knowledge_base, [path])[0]
        for name, path in LABELLED_SETS.items()
    }
    files = [(path, True) for path in LABELLED_SETS.values()]
    queries = [
        question.text
        for path, labelled in (*files, (OUT_OF_DOMAIN_PATH, False))
        for question in load_question_path(path, labelled=labelled)
    ]
    large_entries = recombine_entries(
        knowledge_base.entries, LARGE_KB_ENTRIES, random.Random(RANDOM_SEED)
    )
    load_average = os.getloadavg()[0]
    started = time.perf_counter()
    large_index = build_index(large_entries, seeds_dir / SYNONYMS_FILE_NAME)
    large_build = time.perf_counter() - started
    latencies = [
        measure_latency(knowledge_base.index, queries),
        measure_latency(large_index, queries, build_seconds=large_build),
    ]
    return RetrievalBenchmark(
        seeds_dir,
        len(knowledge_base.entries),
        {entry.id: frozenset(entry.related) for entry in knowledge_base.entries},
        knowledge_base.category_of(),
        reports,
        set_reports,
        latencies,
        load_average,
    )


def render_section(benchmark: RetrievalBenchmark) -> list[str]:
    """Render the retrieval figures as Markdown lines, heading first."""
    search = benchmark.reports[0]
    lines = [
        SECTION_HEADING,
        "",
        f"Measured on {time.strftime('%Y-%m-%d')} ({machine_description()}) with "
        "`make bench-retrieval` (`bench/retrieval.py`), in-process and without "
        f"Rasa, over the {benchmark.entries} entries of "
        f"`{display_path(benchmark.seeds_dir / 'kb')}`: "
        f"{search.heldout_total} questions labelled with their entry "
        f"({_set_sizes(benchmark.set_reports)}) and {search.ood_total} "
        f"out-of-domain questions (`{display_path(OUT_OF_DOMAIN_PATH)}`).",
        "",
        "- hit@1, hit@3: the labelled entry is the first result, or among the "
        "first three.",
        "- answered: labelled questions that got a direct answer (search outcome "
        '"answer"; for the keyword baseline, any keyword match), and the share '
        "of those answers that were the labelled entry.",
        "- out-of-domain confident-wrong: out-of-domain questions that got a "
        "direct answer from an entry outside `other_agencies`. An "
        "`other_agencies` entry names the agency to ask, so it counts as right.",
        "",
        "| method | hit@1 | hit@3 | answered | answers right | "
        "out-of-domain confident-wrong |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [_report_row(report) for report in benchmark.reports]
    lines += ["", *_comparison_lines(*benchmark.reports[:2])]
    lines += _set_lines(benchmark.set_reports)
    # Misses are listed from the held-out set only, so that the blind set's
    # questions stay unread while the search is tuned.
    development = benchmark.set_reports["held-out"]
    lines += _failure_kind_lines(development, benchmark)
    lines += [*_failure_lines(development, search), *_latency_lines(benchmark)]
    return lines


def replace_section(page: str, section: list[str]) -> str:
    """Return ``page`` with its retrieval section replaced, or the section added."""
    lines = page.rstrip("\n").splitlines()
    section_text = "\n".join(section).strip("\n")
    if SECTION_HEADING not in lines:
        before = "\n".join(lines)
        return (before + "\n\n" if before else "") + section_text + "\n"
    start = lines.index(SECTION_HEADING)
    end = next(
        (n for n in range(start + 1, len(lines)) if lines[n].startswith("## ")),
        len(lines),
    )
    parts = ["\n".join(lines[:start]).rstrip("\n"), section_text]
    if end < len(lines):
        parts.append("\n".join(lines[end:]))
    return "\n\n".join(part for part in parts if part) + "\n"


def _report_row(report: RetrievalReport) -> str:
    cells = [
        report.name,
        _percent(report.hit_at_1_rate),
        _percent(report.hit_at_3_rate),
        _percent(report.heldout_answer_rate),
        _percent(report.heldout_answer_precision),
        f"{_percent(report.ood_confident_wrong_rate)} "
        f"({len(report.ood_wrong)}/{report.ood_total})",
    ]
    return "| " + " | ".join(cells) + " |"


def _set_sizes(set_reports: dict[str, RetrievalReport]) -> str:
    return ", ".join(
        f"{report.heldout_total} in `{display_path(LABELLED_SETS[name])}`"
        for name, report in set_reports.items()
    )


def _set_lines(set_reports: dict[str, RetrievalReport]) -> list[str]:
    """Render the search's figures on each labelled set alone."""
    lines = [
        "The search on each set alone. The held-out set's results were read "
        "while the search and the entries were tuned; the blind set's misses "
        "were not, so it is the fairer estimate for unseen wordings.",
        "",
        "| set | questions | hit@1 | hit@3 | answered | answers right |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {name} | {report.heldout_total} | {_percent(report.hit_at_1_rate)} | "
        f"{_percent(report.hit_at_3_rate)} | "
        f"{_percent(report.heldout_answer_rate)} | "
        f"{_percent(report.heldout_answer_precision)} |"
        for name, report in set_reports.items()
    ]
    return [*lines, ""]


def _comparison_lines(search: RetrievalReport, baseline: RetrievalReport) -> list[str]:
    """State how the search compares with keyword matching, as ratios."""
    return [
        f"Against the keyword matching of the agency's first bot, the search "
        f"ranks the right entry first {_ratio(search.hit_at_1, baseline.hit_at_1)} "
        f"as often ({_percent(search.hit_at_1_rate)} against "
        f"{_percent(baseline.hit_at_1_rate)}) and among the first three "
        f"{_ratio(search.hit_at_3, baseline.hit_at_3)} as often. It answers "
        f"{len(search.ood_wrong)} of {search.ood_total} out-of-domain questions "
        f"directly with a wrong entry, where keyword matching answers "
        f"{len(baseline.ood_wrong)}.",
        "",
    ]


def _ratio(count: int, baseline: int) -> str:
    return f"{count / baseline:.1f} times" if baseline else "infinitely"


def _failure_kind_lines(
    report: RetrievalReport, benchmark: RetrievalBenchmark
) -> list[str]:
    """Sort the misses of ``report`` by how close the search came."""
    misses = report.misses
    second_or_third = sum(m.question.entry_id in m.ranked_ids for m in misses)
    no_result = sum(m.first is None for m in misses)
    same_category = sum(
        m.first is not None
        and benchmark.categories.get(m.first)
        == benchmark.categories.get(m.question.entry_id or "")
        for m in misses
    )
    linked = sum(
        m.first is not None
        and (
            m.first in benchmark.related.get(m.question.entry_id or "", frozenset())
            or (m.question.entry_id or "")
            in benchmark.related.get(m.first, frozenset())
        )
        for m in misses
    )
    return [
        f"Kinds of misses on the held-out set ({len(misses)} questions without "
        "their entry first; a miss can be of several kinds):",
        "",
        f"- the labelled entry came second or third: {second_or_third};",
        f"- the first result is in the labelled entry's category: {same_category};",
        f"- the first result and the labelled entry list each other as related, "
        f"so their content overlaps: {linked};",
        f"- nothing was found: {no_result}.",
        "",
    ]


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def _failure_lines(search: RetrievalReport, everything: RetrievalReport) -> list[str]:
    """List the misses of ``search`` and the wrong answers of ``everything``."""
    lines = [
        f"Where the search still fails: {len(search.misses)} questions of the "
        "held-out set without their entry first"
        + (f" (the first {MISSES_SHOWN})" if len(search.misses) > MISSES_SHOWN else "")
        + (":" if search.misses else "."),
        "",
    ]
    lines += [f"- {format_miss(miss)}" for miss in search.misses[:MISSES_SHOWN]]
    if search.misses:
        lines.append("")
    if everything.ood_wrong:
        lines += ["Out-of-domain questions answered with a wrong entry:", ""]
        lines += [f"- {format_wrong_answer(wrong)}" for wrong in everything.ood_wrong]
        lines.append("")
    return lines


def _latency_lines(benchmark: RetrievalBenchmark) -> list[str]:
    real, large = benchmark.latencies
    return [
        f"Search latency, one search at a time in one process ({real.searches} "
        "searches per index, the question files in turn; the one-minute load "
        f"average was {benchmark.load_average:.1f} when the timing started):",
        "",
        "| entries | p50 ms | p95 ms |",
        "| --- | --- | --- |",
        f"| {real.entries} (seeds) | {real.p50_ms:.2f} | {real.p95_ms:.2f} |",
        f"| {large.entries} ({real.entries} real, the rest recombined from their "
        f"text) | {large.p50_ms:.2f} | {large.p95_ms:.2f} |",
        "",
        f"Building the index of {large.entries} entries took "
        f"{large.build_seconds:.1f} s. The desk rebuilds its index after every "
        "change of the knowledge base, in a thread, and searches use the previous "
        "index until the new one is ready.",
        "",
    ]


def _join_halves(first: str, second: str) -> str:
    return first[: len(first) // 2] + second[len(second) // 2 :]


def _half(items: tuple[str, ...]) -> tuple[str, ...]:
    return items[: max(1, len(items) // 2)]


def main() -> None:
    """Measure retrieval, print the section and write it into the output page."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "docs" / "benchmarks.md",
        help="Markdown page whose retrieval section is replaced",
    )
    parser.add_argument(
        "--seeds-dir",
        type=Path,
        default=ROOT / "seeds",
        help="seeds directory to read the knowledge base from",
    )
    args = parser.parse_args()
    section = render_section(measure_retrieval(args.seeds_dir))
    page = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    args.output.write_text(replace_section(page, section), encoding="utf-8")
    print("\n".join(section))


if __name__ == "__main__":
    main()
