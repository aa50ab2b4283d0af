"""Tests of the retrieval evaluation: metrics, the keyword baseline, seed reading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from desk.kb.evaluation import (
    KeywordRetriever,
    Ranking,
    SearchRetriever,
    SeedKnowledgeBase,
    evaluate,
    evaluate_seeds,
    format_miss,
    leaked_questions,
    load_labelled_questions,
)
from desk.kb.question_files import Question, QuestionFileError
from desk.kb.schema import EntrySeed


def entry(entry_id: str, keywords: tuple[str, ...]) -> EntrySeed:
    return EntrySeed(
        id=entry_id,
        category=entry_id.split(".")[0],
        question=f"{entry_id} 的问题",
        phrasings=("说法一", "说法二"),
        answer="回答",
        keywords=keywords,
        source="test",
        reviewed=date(2026, 12, 1),
        review=None,
        related=(),
    )


def question(text: str, entry_id: str | None = None, line: int = 1) -> Question:
    return Question(text, entry_id, Path("questions.yml"), line)


@dataclass
class FixedRetriever:
    """Return a prepared ranking for each question text."""

    rankings: dict[str, Ranking]
    name: str = "fixed"

    def rank(self, text: str) -> Ranking:
        return self.rankings.get(text, Ranking([], confident=False))


def test_hits_count_first_and_top_three() -> None:
    retriever = FixedRetriever(
        {
            "q1": Ranking(["a.1", "b.1"], confident=True),
            "q2": Ranking(["b.1", "c.1", "a.1"], confident=False),
            "q3": Ranking(["b.1", "c.1", "d.1"], confident=True),
        }
    )
    heldout = [question("q1", "a.1"), question("q2", "a.1"), question("q3", "a.1")]

    report = evaluate(retriever, heldout, [], {})

    assert report.heldout_total == 3
    assert report.hit_at_1 == 1
    assert report.hit_at_3 == 2
    assert report.heldout_confident == 2
    assert report.heldout_confident_correct == 1
    assert [miss.question.text for miss in report.misses] == ["q2", "q3"]
    assert report.misses[1].first == "b.1"


def test_question_without_results_is_a_miss() -> None:
    report = evaluate(FixedRetriever({}), [question("q", "a.1", line=7)], [], {})

    assert report.hit_at_1_rate == 0.0
    assert format_miss(report.misses[0]) == (
        "questions.yml:7: q → expected a.1, first nothing"
    )


def test_out_of_domain_referral_counts_as_correct() -> None:
    retriever = FixedRetriever(
        {
            "公积金怎么取": Ranking(["other_agencies.001"], confident=True),
            "天气": Ranking(["pension_benefits.001"], confident=True),
            "你好": Ranking(["pension_benefits.002"], confident=False),
        }
    )
    category_of = {
        "other_agencies.001": "other_agencies",
        "pension_benefits.001": "pension_benefits",
        "pension_benefits.002": "pension_benefits",
    }
    ood = [question("公积金怎么取"), question("天气"), question("你好")]

    report = evaluate(retriever, [], ood, category_of)

    assert report.ood_total == 3
    assert report.ood_confident == 2
    assert [wrong.entry_id for wrong in report.ood_wrong] == ["pension_benefits.001"]
    assert report.ood_confident_wrong_rate == pytest.approx(1 / 3)


def test_empty_files_give_zero_rates() -> None:
    report = evaluate(FixedRetriever({}), [], [], {})

    assert report.hit_at_1_rate == 0.0
    assert report.heldout_answer_precision == 0.0
    assert report.ood_confident_wrong_rate == 0.0


def test_keyword_baseline_ranks_by_matched_keywords() -> None:
    retriever = KeywordRetriever(
        [
            entry("a.1", ("养老金",)),
            entry("b.1", ("养老金", "发放")),
            entry("c.1", ("共济",)),
        ]
    )

    ranking = retriever.rank("养老金什么时候发放")

    assert ranking.entry_ids == ["b.1", "a.1"]
    assert ranking.confident


def test_keyword_baseline_breaks_ties_by_entry_order() -> None:
    retriever = KeywordRetriever([entry("b.1", ("社保",)), entry("a.1", ("社保",))])

    assert retriever.rank("社保").entry_ids == ["b.1", "a.1"]


def test_keyword_baseline_without_match_is_not_confident() -> None:
    retriever = KeywordRetriever([entry("a.1", ("养老金",))])

    ranking = retriever.rank("今天天气怎么样")

    assert ranking == Ranking([], confident=False)


def test_keyword_baseline_folds_full_width_and_traditional() -> None:
    retriever = KeywordRetriever([entry("a.1", ("养老金", "APP"))])

    assert retriever.rank("養老金在ＡＰＰ上查").entry_ids == ["a.1"]


def test_keyword_baseline_keeps_three_results() -> None:
    retriever = KeywordRetriever([entry(f"a.{n}", ("社保",)) for n in range(5)])

    assert retriever.rank("社保").entry_ids == ["a.0", "a.1", "a.2"]


def test_search_retriever_is_confident_on_answer_outcome(
    kb_seeds_dir: Path,
) -> None:
    knowledge_base = SeedKnowledgeBase.read(kb_seeds_dir)
    retriever = SearchRetriever(knowledge_base.index)

    clear = retriever.rank("个体户怎么交职工养老保险")
    off_topic = retriever.rank("今天天气怎么样")

    assert clear.entry_ids[0] == "contribution_payment.001"
    assert clear.confident
    assert not off_topic.confident


def write_questions(path: Path, items: str) -> Path:
    path.write_text(f"questions:\n{items}", encoding="utf-8")
    return path


def test_evaluate_seeds_reports_search_and_baseline(
    kb_seeds_dir: Path, tmp_path: Path
) -> None:
    heldout = write_questions(
        tmp_path / "heldout.yml",
        "  - text: 个体户怎么交职工养老保险\n    entry: contribution_payment.001\n",
    )
    ood = write_questions(tmp_path / "ood.yml", "  - text: 今天天气怎么样\n")
    knowledge_base = SeedKnowledgeBase.read(kb_seeds_dir)

    reports = evaluate_seeds(knowledge_base, [heldout], ood)

    assert [report.name for report in reports] == ["search", "keyword baseline"]
    assert reports[0].hit_at_1 == 1
    assert reports[0].ood_total == 1


def test_evaluate_seeds_rejects_unknown_entry(
    kb_seeds_dir: Path, tmp_path: Path
) -> None:
    heldout = write_questions(
        tmp_path / "heldout.yml", "  - text: 养老金几号发\n    entry: pension.001\n"
    )
    ood = write_questions(tmp_path / "ood.yml", "  - text: 今天天气怎么样\n")

    with pytest.raises(QuestionFileError, match="'entry' 'pension.001' is not"):
        evaluate_seeds(SeedKnowledgeBase.read(kb_seeds_dir), [heldout], ood)


def test_leaked_question_is_found_after_normalising(kb_seeds_dir: Path) -> None:
    knowledge_base = SeedKnowledgeBase.read(kb_seeds_dir)
    own_phrasing = knowledge_base.entries[0].phrasings[0]
    questions = [question(f" {own_phrasing} ", "x.1"), question("全新的问法", "x.1")]

    leaked = leaked_questions(questions, knowledge_base)

    assert [q.text for q in leaked] == [f" {own_phrasing} "]


def test_labelled_questions_of_several_sets_count_as_one(tmp_path: Path) -> None:
    first = write_questions(
        tmp_path / "first.yml", "  - text: 养老金几号发\n    entry: a.001\n"
    )
    second_dir = tmp_path / "second"
    second_dir.mkdir()
    write_questions(
        second_dir / "b.yml",
        "  - text: 社保卡丢了\n    entry: b.001\n"
        "  - text: 医保怎么报\n    entry: b.002\n",
    )

    questions = load_labelled_questions([first, second_dir])

    assert [q.entry_id for q in questions] == ["a.001", "b.001", "b.002"]
