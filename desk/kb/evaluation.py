"""Retrieval evaluation: hit@1, hit@3 and confident answers to off-topic questions.

The search is the in-process ``KnowledgeIndex`` built from the seed files
with ``build_index``, as the desk builds it from the database. The baseline
is the keyword matching of the agency's first bot: an entry scores the number
of its ``keywords`` that occur in the question, ties go to the earlier entry,
and one matching keyword is enough for a confident answer.

Measures, over a held-out file of questions labelled with their entry and an
out-of-domain file of questions no entry answers:

- hit@1 and hit@3: the labelled entry is among the first 1 or 3 results;
- out-of-domain confident-wrong rate: the share of out-of-domain questions
  that get a confident answer (search outcome "answer") from an entry outside
  ``other_agencies``. An ``other_agencies`` entry names the agency to ask,
  so that answer counts as correct.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from desk.kb.index import EntryDocument, KnowledgeIndex, exact_key
from desk.kb.normalize import normalize_text
from desk.kb.question_files import (
    Question,
    check_entry_ids,
    load_question_path,
)
from desk.kb.refresh import SYNONYMS_FILE_NAME, build_index
from desk.kb.schema import EntrySeed
from desk.kb.seed_files import read_seed_dir
from desk.settings import ROOT

# Two sets of questions labelled with their entry, one file per category in
# each. The held-out set was written beside the entries in 2026 and its
# results were read during development. The blind set was written later by a
# writer who saw only the entries' questions and answers, and its misses are
# not read while tuning the search, so it estimates unseen wordings honestly.
HELDOUT_PATH = ROOT / "tests" / "retrieval" / "heldout"
BLIND_PATH = ROOT / "tests" / "retrieval" / "blind"
LABELLED_SETS: dict[str, Path] = {"held-out": HELDOUT_PATH, "blind": BLIND_PATH}
OUT_OF_DOMAIN_PATH = ROOT / "tests" / "retrieval" / "out_of_domain.yml"
# Category whose entries name the agency that handles a question.
REFERRAL_CATEGORY = "other_agencies"
TOP_K = 3


@dataclass(frozen=True)
class Ranking:
    """Entry ids, best first, and whether the first one is a confident answer."""

    entry_ids: list[str]
    confident: bool


class Retriever(Protocol):
    """A way to rank knowledge-base entries for a question."""

    name: str

    def rank(self, text: str) -> Ranking: ...


class SearchRetriever:
    """The desk's search: confident when the outcome is "answer"."""

    name = "search"

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index

    def rank(self, text: str) -> Ranking:
        response = self.index.search(text, limit=TOP_K)
        return Ranking(
            [result.entry.id for result in response.results],
            confident=response.outcome == "answer",
        )


class KeywordRetriever:
    """The first bot's keyword matching, kept as a baseline.

    Question and keywords are both normalised (``normalize_text``) first, so
    full-width or traditional characters do not count against the baseline.
    """

    name = "keyword baseline"

    def __init__(self, entries: Iterable[EntryDocument]) -> None:
        self.entries = [
            (entry.id, [normalize_text(keyword) for keyword in entry.keywords])
            for entry in entries
        ]

    def rank(self, text: str) -> Ranking:
        question = normalize_text(text)
        scored = []
        for order, (entry_id, keywords) in enumerate(self.entries):
            matches = sum(keyword in question for keyword in keywords)
            if matches:
                scored.append((-matches, order, entry_id))
        scored.sort()
        return Ranking([entry_id for *_, entry_id in scored[:TOP_K]], bool(scored))


@dataclass(frozen=True)
class Miss:
    """A held-out question whose entry did not come first."""

    question: Question
    ranked_ids: list[str]

    @property
    def first(self) -> str | None:
        return self.ranked_ids[0] if self.ranked_ids else None


@dataclass(frozen=True)
class WrongAnswer:
    """An out-of-domain question that got a confident answer from ``entry_id``."""

    question: Question
    entry_id: str


@dataclass
class RetrievalReport:
    """Counts of one retriever over the held-out and out-of-domain files."""

    name: str
    heldout_total: int = 0
    hit_at_1: int = 0
    hit_at_3: int = 0
    heldout_confident: int = 0
    heldout_confident_correct: int = 0
    ood_total: int = 0
    ood_confident: int = 0
    misses: list[Miss] = field(default_factory=list)
    ood_wrong: list[WrongAnswer] = field(default_factory=list)

    @property
    def hit_at_1_rate(self) -> float:
        return _share(self.hit_at_1, self.heldout_total)

    @property
    def hit_at_3_rate(self) -> float:
        return _share(self.hit_at_3, self.heldout_total)

    @property
    def heldout_answer_rate(self) -> float:
        """Share of held-out questions that got a confident answer."""
        return _share(self.heldout_confident, self.heldout_total)

    @property
    def heldout_answer_precision(self) -> float:
        """Share of confident held-out answers that were the labelled entry."""
        return _share(self.heldout_confident_correct, self.heldout_confident)

    @property
    def ood_confident_wrong_rate(self) -> float:
        return _share(len(self.ood_wrong), self.ood_total)


@dataclass(frozen=True)
class SeedKnowledgeBase:
    """Entries of a seeds directory and the index the desk would build of them."""

    entries: list[EntrySeed]
    index: KnowledgeIndex

    @classmethod
    def read(cls, seeds_dir: Path) -> SeedKnowledgeBase:
        """Read and validate ``seeds_dir`` and index its entries.

        Raises:
            SeedError: if a seed file or the synonyms file is invalid.
        """
        entries = read_seed_dir(seeds_dir).entries
        return cls(entries, build_index(entries, seeds_dir / SYNONYMS_FILE_NAME))

    def category_of(self) -> dict[str, str]:
        return {entry.id: entry.category for entry in self.entries}

    def texts(self) -> set[str]:
        """Return every question and phrasing of the entries, as the search's
        exact-match rule compares them (normalised, without punctuation)."""
        return {
            exact_key(text)
            for entry in self.entries
            for text in (entry.question, *entry.phrasings)
        }


def evaluate(
    retriever: Retriever,
    heldout: Sequence[Question],
    out_of_domain: Sequence[Question],
    category_of: dict[str, str],
) -> RetrievalReport:
    """Rank every question with ``retriever`` and count hits and wrong answers."""
    report = RetrievalReport(retriever.name)
    for question in heldout:
        _count_heldout(report, question, retriever.rank(question.text))
    for question in out_of_domain:
        ranking = retriever.rank(question.text)
        report.ood_total += 1
        if not ranking.confident:
            continue
        report.ood_confident += 1
        first = ranking.entry_ids[0]
        if category_of.get(first) != REFERRAL_CATEGORY:
            report.ood_wrong.append(WrongAnswer(question, first))
    return report


def evaluate_seeds(
    knowledge_base: SeedKnowledgeBase,
    heldout_paths: Sequence[Path] = tuple(LABELLED_SETS.values()),
    out_of_domain_path: Path = OUT_OF_DOMAIN_PATH,
) -> list[RetrievalReport]:
    """Evaluate the search and the keyword baseline on the same question files.

    The labelled questions of all ``heldout_paths`` count as one set.

    Raises:
        QuestionFileError: if a question file is invalid or names an entry
            id that the knowledge base does not have.
    """
    heldout = load_labelled_questions(heldout_paths)
    out_of_domain = load_question_path(out_of_domain_path, labelled=False)
    check_entry_ids(heldout, knowledge_base.category_of())
    retrievers: list[Retriever] = [
        SearchRetriever(knowledge_base.index),
        KeywordRetriever(knowledge_base.entries),
    ]
    category_of = knowledge_base.category_of()
    return [
        evaluate(retriever, heldout, out_of_domain, category_of)
        for retriever in retrievers
    ]


def load_labelled_questions(paths: Sequence[Path]) -> list[Question]:
    """Read the labelled questions of every file or directory in ``paths``.

    Raises:
        QuestionFileError: if a question file is missing or invalid.
    """
    return [
        question
        for path in paths
        for question in load_question_path(path, labelled=True)
    ]


def leaked_questions(
    questions: Sequence[Question], knowledge_base: SeedKnowledgeBase
) -> list[Question]:
    """Return held-out questions that are also a question or phrasing of an entry.

    Such a question is in the index, so it inflates hit@1 and measures
    nothing about unseen wordings.
    """
    texts = knowledge_base.texts()
    return [q for q in questions if exact_key(q.text) in texts]


def format_miss(miss: Miss) -> str:
    """Return one line: the question, the expected entry and the first result."""
    return (
        f"{miss.question.where}: {miss.question.text} → expected "
        f"{miss.question.entry_id}, first {miss.first or 'nothing'}"
    )


def format_wrong_answer(wrong: WrongAnswer) -> str:
    """Return one line: the out-of-domain question and the entry that answered."""
    return f"{wrong.question.where}: {wrong.question.text} → answered {wrong.entry_id}"


def _count_heldout(
    report: RetrievalReport, question: Question, ranking: Ranking
) -> None:
    report.heldout_total += 1
    ranked = ranking.entry_ids
    if ranked[:1] == [question.entry_id]:
        report.hit_at_1 += 1
    else:
        report.misses.append(Miss(question, ranked[:TOP_K]))
    if question.entry_id in ranked[:TOP_K]:
        report.hit_at_3 += 1
    if ranking.confident:
        report.heldout_confident += 1
        report.heldout_confident_correct += ranked[0] == question.entry_id


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0
