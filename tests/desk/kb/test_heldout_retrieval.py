"""Gate of the knowledge-base search on held-out questions, run by `make test`.

The search over the repository's seeds must rank the labelled entry first
for at least ``MIN_HIT_AT_1`` of the labelled questions, counted over both
sets (tests/retrieval/heldout/ and tests/retrieval/blind/) and in each set
alone. A missing or invalid question file, or a label that names no entry,
fails the test too.

Run ``pytest tests/desk/kb/test_heldout_retrieval.py -s`` to print the
figures of the search and of the keyword baseline.
"""

from __future__ import annotations

import pytest

from desk.kb.evaluation import (
    LABELLED_SETS,
    RetrievalReport,
    SeedKnowledgeBase,
    evaluate_seeds,
    format_miss,
    format_wrong_answer,
    leaked_questions,
    load_labelled_questions,
)

from .conftest import REAL_SEEDS

MIN_HIT_AT_1 = 0.85
# Out-of-domain questions (banking, housing fund, chit-chat) that may get a
# direct answer from an entry that does not name another agency.
MAX_OOD_CONFIDENT_WRONG = 0.05


@pytest.fixture(scope="module")
def knowledge_base() -> SeedKnowledgeBase:
    return SeedKnowledgeBase.read(REAL_SEEDS)


@pytest.fixture(scope="module")
def reports(knowledge_base: SeedKnowledgeBase) -> dict[str, RetrievalReport]:
    return {report.name: report for report in evaluate_seeds(knowledge_base)}


@pytest.mark.parametrize("set_name", list(LABELLED_SETS))
def test_search_hit_at_1_meets_gate_in_each_set(
    knowledge_base: SeedKnowledgeBase, set_name: str
) -> None:
    path = LABELLED_SETS[set_name]
    search = evaluate_seeds(knowledge_base, [path])[0]
    print(f"\n{set_name}: {summary(search)}")

    assert search.hit_at_1_rate >= MIN_HIT_AT_1, (
        f"hit@1 of the search is {search.hit_at_1_rate:.1%} on the {set_name} "
        f"set ({path}), under the {MIN_HIT_AT_1:.0%} gate"
    )


def summary(report: RetrievalReport) -> str:
    return (
        f"{report.name}: hit@1 {report.hit_at_1}/{report.heldout_total} "
        f"({report.hit_at_1_rate:.1%}), hit@3 {report.hit_at_3_rate:.1%}, "
        f"out-of-domain confident-wrong {len(report.ood_wrong)}/{report.ood_total}"
    )


def test_search_hit_at_1_meets_gate(reports: dict[str, RetrievalReport]) -> None:
    search = reports["search"]
    misses = "\n".join(f"  {format_miss(miss)}" for miss in search.misses)
    print(f"\n{summary(search)}\n{summary(reports['keyword baseline'])}")
    print("\n".join(format_wrong_answer(wrong) for wrong in search.ood_wrong))

    assert search.hit_at_1_rate >= MIN_HIT_AT_1, (
        f"hit@1 of the search is {search.hit_at_1_rate:.1%} on the labelled sets, "
        f"under the {MIN_HIT_AT_1:.0%} gate. Misses (question → expected entry, "
        f"first result):\n{misses}"
    )


def test_out_of_domain_questions_rarely_answered(
    reports: dict[str, RetrievalReport],
) -> None:
    search = reports["search"]
    wrong = "\n".join(f"  {format_wrong_answer(item)}" for item in search.ood_wrong)

    assert search.ood_confident_wrong_rate < MAX_OOD_CONFIDENT_WRONG, (
        f"{len(search.ood_wrong)} of {search.ood_total} out-of-domain questions "
        f"got a direct answer, at or over {MAX_OOD_CONFIDENT_WRONG:.0%}:\n{wrong}"
    )


def test_heldout_questions_are_not_in_seeds(
    knowledge_base: SeedKnowledgeBase,
) -> None:
    questions = load_labelled_questions(list(LABELLED_SETS.values()))

    leaked = leaked_questions(questions, knowledge_base)

    assert leaked == [], (
        "held-out questions that are also a question or phrasing in seeds/kb/ "
        "measure nothing; reword them or remove them from the seeds: "
        + ", ".join(f"{q.where} {q.text}" for q in leaked)
    )
