"""Checks of the knowledge base beyond the schema, run by ``desk lint-kb``.

Errors fail ``make validate``; warnings are listed and counted. The rules,
and why each finding is an error or a warning, are in docs/operations.md.

Errors:

- ``schema``: every problem ``desk check-seeds`` reports, such as a missing
  field, an answer over ``MAX_ANSWER_CHARS`` or a ``related`` id that names
  no entry, and an invalid synonyms file.
- ``near-duplicate``: a question or phrasing of one entry nearly repeats a
  question or phrasing of another. Two texts are near-duplicates when the
  Jaccard similarity of their character bigrams reaches
  ``NEAR_DUPLICATE_JACCARD``, or when the search tokenizer turns both into
  the same terms (after synonyms and stop words), as with 离职了医保咋续上
  and 辞职了医保怎么续上.

Warnings:

- ``retrieves-other-entry``: searching a question or phrasing in the full
  index ranks another entry first.
- ``repeated-text``: an entry lists the same text twice.
- ``long-answer``: an answer longer than ``LONG_ANSWER_CHARS``.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from desk.kb.errors import SeedError
from desk.kb.index import KnowledgeIndex
from desk.kb.normalize import normalize_text
from desk.kb.refresh import SYNONYMS_FILE_NAME, build_index
from desk.kb.schema import MAX_ANSWER_CHARS
from desk.kb.seed_files import SeedSet, read_valid_seeds

Severity = Literal["error", "warning"]

# Bigram Jaccard at which two texts of different entries count as one
# question. In the seeds of 4 December 2026 (327 entries), every pair at 0.7
# and above was the same question asked in two categories, while pairs at
# 0.6 included different questions that share a frame, such as 户口本丢了怎么补
# and 房本丢了怎么补.
NEAR_DUPLICATE_JACCARD = 0.7
# Three quarters of the schema's maximum, so that authors see an answer
# approach the limit before ``desk check-seeds`` rejects it.
LONG_ANSWER_CHARS = MAX_ANSWER_CHARS * 3 // 4

_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Finding:
    """One lint finding at ``where`` (``file:line``)."""

    severity: Severity
    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message} [{self.rule}]"


@dataclass(frozen=True)
class _Text:
    """A question or phrasing of an entry, with its bigrams and index terms."""

    entry_id: str
    label: str
    text: str
    where: str
    bigrams: frozenset[str]
    terms: frozenset[str]


def lint_seed_dir(seeds_dir: Path) -> list[Finding]:
    """Return every finding of the seed files, ordered by file and line."""
    seed_set, problems = read_valid_seeds(seeds_dir)
    findings = [_schema_finding(problem) for problem in problems]
    try:
        index = build_index(seed_set.entries, seeds_dir / SYNONYMS_FILE_NAME)
    except SeedError as error:
        findings.append(Finding("error", "schema", str(seeds_dir), str(error)))
        return findings
    texts = _entry_texts(seed_set, index)
    findings += near_duplicates(texts)
    findings += repeated_texts(texts)
    findings += other_entry_first(texts, index)
    findings += long_answers(seed_set)
    return sorted(findings, key=_sort_key)


def summarize(findings: list[Finding]) -> str:
    """Return the counts of errors and warnings, with the count of each rule."""
    by_rule = Counter((finding.severity, finding.rule) for finding in findings)
    parts = []
    for severity in ("error", "warning"):
        total = sum(n for (kind, _), n in by_rule.items() if kind == severity)
        rules = ", ".join(
            f"{rule} {n}"
            for (kind, rule), n in sorted(by_rule.items())
            if kind == severity
        )
        noun = severity if total == 1 else f"{severity}s"
        parts.append(f"{total} {noun}" + (f" ({rules})" if rules else ""))
    return ", ".join(parts)


def near_duplicates(texts: list[_Text]) -> list[Finding]:
    """Report pairs of texts of different entries that ask the same question."""
    findings = []
    for first, second, similarity in _similar_pairs(texts):
        findings.append(
            Finding(
                "error",
                "near-duplicate",
                first.where,
                f"{first.label} {first.text!r} of {first.entry_id} nearly repeats "
                f"{second.label} {second.text!r} of {second.entry_id} "
                f"({second.where}, {similarity}); merge the entries or reword one "
                "so that each question has one entry",
            )
        )
    return findings


def repeated_texts(texts: list[_Text]) -> list[Finding]:
    """Report texts that an entry lists twice, after normalisation."""
    first_of: dict[tuple[str, str], _Text] = {}
    findings = []
    for text in texts:
        key = (text.entry_id, _fold(text.text))
        first = first_of.setdefault(key, text)
        if first is not text:
            findings.append(
                Finding(
                    "warning",
                    "repeated-text",
                    text.where,
                    f"{text.label} {text.text!r} of {text.entry_id} repeats the "
                    f"{first.label} at {first.where}; remove it or write another "
                    "wording",
                )
            )
    return findings


def other_entry_first(texts: list[_Text], index: KnowledgeIndex) -> list[Finding]:
    """Report questions and phrasings whose search ranks another entry first."""
    findings = []
    for text in texts:
        results = index.search(text.text, limit=1, exact_match=False).results
        first = results[0].entry.id if results else None
        if first is None or first == text.entry_id:
            continue
        findings.append(
            Finding(
                "warning",
                "retrieves-other-entry",
                text.where,
                f"{text.label} {text.text!r} of {text.entry_id} retrieves {first} "
                "first; reword it, add keywords, or move it to that entry",
            )
        )
    return findings


def long_answers(seed_set: SeedSet) -> list[Finding]:
    """Report answers longer than ``LONG_ANSWER_CHARS``."""
    findings = []
    for entry in seed_set.entries:
        if len(entry.answer) <= LONG_ANSWER_CHARS:
            continue
        source = seed_set.entry_sources[entry.id]
        findings.append(
            Finding(
                "warning",
                "long-answer",
                source.where_of("answer"),
                f"answer of {entry.id} has {len(entry.answer)} characters, over "
                f"{LONG_ANSWER_CHARS} (the maximum is {MAX_ANSWER_CHARS}); shorten "
                "it or move the steps into a guide",
            )
        )
    return findings


def _entry_texts(seed_set: SeedSet, index: KnowledgeIndex) -> list[_Text]:
    texts = []
    for entry in seed_set.entries:
        source = seed_set.entry_sources[entry.id]
        labelled = [("question", entry.question, source.where_of("question"))]
        labelled += [
            ("phrasing", phrasing, source.where_of("phrasings", number))
            for number, phrasing in enumerate(entry.phrasings)
        ]
        for label, text, where in labelled:
            folded = _fold(text)
            bigrams = frozenset(folded[i : i + 2] for i in range(len(folded) - 1))
            terms = frozenset(index.tokenizer.tokenize(text))
            texts.append(_Text(entry.id, label, text, where, bigrams, terms))
    return texts


def _similar_pairs(texts: list[_Text]) -> Iterator[tuple[_Text, _Text, str]]:
    """Yield pairs of texts of different entries that are near-duplicates."""
    yield from _same_term_pairs(texts)
    for first, second, jaccard in _bigram_pairs(texts, NEAR_DUPLICATE_JACCARD):
        if first.terms and first.terms == second.terms:
            continue  # Already reported as the same terms.
        yield first, second, f"bigram similarity {jaccard:.2f}"


def _same_term_pairs(texts: list[_Text]) -> Iterator[tuple[_Text, _Text, str]]:
    first_of: dict[frozenset[str], list[_Text]] = defaultdict(list)
    for text in texts:
        if not text.terms:
            continue
        earlier = first_of[text.terms]
        for other in earlier:
            if other.entry_id != text.entry_id:
                yield text, other, "the same search terms"
                break
        earlier.append(text)


def _bigram_pairs(
    texts: list[_Text], threshold: float
) -> Iterator[tuple[_Text, _Text, float]]:
    """Yield pairs of different entries whose bigram Jaccard reaches ``threshold``.

    Prefix filtering keeps this far below comparing every pair. Sort the
    bigrams of each text from rare to common. Then two sets with a Jaccard
    similarity of at least ``t`` share a bigram among the first
    ``n - ceil(t * n) + 1`` of each set of ``n`` bigrams.
    """
    frequency = Counter(bigram for text in texts for bigram in text.bigrams)
    postings: dict[str, list[int]] = defaultdict(list)
    for number, text in enumerate(texts):
        ordered = sorted(text.bigrams, key=lambda bigram: (frequency[bigram], bigram))
        prefix = len(ordered) - math.ceil(threshold * len(ordered)) + 1
        candidates: set[int] = set()
        for bigram in ordered[:prefix]:
            candidates.update(postings[bigram])
            postings[bigram].append(number)
        for other_number in sorted(candidates):
            other = texts[other_number]
            if other.entry_id == text.entry_id:
                continue
            jaccard = len(text.bigrams & other.bigrams) / len(
                text.bigrams | other.bigrams
            )
            if jaccard >= threshold:
                yield text, other, jaccard


def _fold(text: str) -> str:
    """Return ``text`` normalised and without punctuation or spaces."""
    return _NON_WORD.sub("", normalize_text(text))


def _schema_finding(problem: str) -> Finding:
    """Split a problem line of ``read_valid_seeds`` into place and message."""
    where, _, message = problem.partition(": ")
    return Finding("error", "schema", where, message)


def _sort_key(finding: Finding) -> tuple[str, int, str]:
    file, _, line = finding.where.partition(":")
    return (file, int(line) if line.isdigit() else 0, finding.rule)
