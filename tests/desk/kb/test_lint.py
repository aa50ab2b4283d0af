"""Tests of the knowledge-base lint, one fixture seeds directory per rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from desk.cli import main
from desk.kb.lint import (
    LONG_ANSWER_CHARS,
    Finding,
    _bigram_pairs,
    _entry_texts,
    lint_seed_dir,
    summarize,
)
from desk.kb.refresh import build_index
from desk.kb.seed_files import read_valid_seeds

from .conftest import REAL_SEEDS

LINT_FIXTURES = Path(__file__).parent / "fixtures" / "lint"


def findings_of(case: str, rule: str | None = None) -> list[Finding]:
    findings = lint_seed_dir(LINT_FIXTURES / case)
    return [f for f in findings if rule is None or f.rule == rule]


def test_clean_fixture_has_no_findings() -> None:
    assert findings_of("clean") == []


def test_same_terms_across_entries_is_an_error() -> None:
    # 退休金 folds to 养老金 through the fixture's synonyms file, so the two
    # texts search for the same terms though their bigrams differ.
    first = findings_of("near_duplicate", "near-duplicate")[0]

    assert first.severity == "error"
    assert first.where == "near_duplicate/kb/retirement_approval.yml:7"
    assert "'退休金每月几号发放' of retirement_approval.001" in first.message
    assert "'养老金每月几号发放？' of pension_benefits.001" in first.message
    assert "(near_duplicate/kb/pension_benefits.yml:5, the same search terms)" in (
        first.message
    )


def test_similar_bigrams_across_entries_is_an_error() -> None:
    second = findings_of("near_duplicate", "near-duplicate")[1]

    assert second.severity == "error"
    assert second.where == "near_duplicate/kb/retirement_approval.yml:19"
    assert "'养老金每月几号发放到账' of retirement_approval.002" in second.message
    assert "pension_benefits.yml:5, bigram similarity 0.80" in second.message


def test_near_duplicates_within_one_entry_are_not_errors() -> None:
    assert findings_of("repeated_text", "near-duplicate") == []


def test_repeated_text_in_entry_is_a_warning() -> None:
    findings = findings_of("repeated_text")

    assert len(findings) == 1
    assert findings[0].severity == "warning"
    assert findings[0].rule == "repeated-text"
    assert findings[0].where == "repeated_text/kb/pension_benefits.yml:8"
    assert "repeats the question at repeated_text/kb/pension_benefits.yml:5" in (
        findings[0].message
    )


def test_phrasing_that_retrieves_other_entry_is_a_warning() -> None:
    findings = findings_of("other_entry_first")

    assert len(findings) == 1
    assert findings[0].severity == "warning"
    assert findings[0].rule == "retrieves-other-entry"
    assert findings[0].where == "other_entry_first/kb/pension_benefits.yml:42"
    assert "'资格认证刷脸' of pension_benefits.004 retrieves pension_benefits.002" in (
        findings[0].message
    )


def test_missing_field_and_broken_link_are_errors() -> None:
    findings = findings_of("schema")

    assert [(f.severity, f.rule, f.where) for f in findings] == [
        ("error", "schema", "schema/kb/pension_benefits.yml:3"),
        ("error", "schema", "schema/kb/pension_benefits.yml:25"),
    ]
    assert "'source' is missing" in findings[0].message
    assert "'related' names 'pension_benefits.404'" in findings[1].message


def test_invalid_entries_are_left_out_of_other_rules() -> None:
    # pension_benefits.001 is invalid, so pension_benefits.002 is the only
    # entry in the index and retrieves itself.
    assert {f.rule for f in findings_of("schema")} == {"schema"}


@pytest.fixture
def long_answer_dir(tmp_path: Path) -> Path:
    seeds_dir = tmp_path / "seeds"
    shutil.copytree(LINT_FIXTURES / "clean", seeds_dir)
    path = seeds_dir / "kb" / "pension_benefits.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["entries"][2]["answer"] = "按规定调整。" * (LONG_ANSWER_CHARS // 6 + 1)
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return seeds_dir


def test_long_answer_is_a_warning(long_answer_dir: Path) -> None:
    findings = lint_seed_dir(long_answer_dir)

    assert [(f.severity, f.rule) for f in findings] == [("warning", "long-answer")]
    assert f"answer of pension_benefits.003 has {LONG_ANSWER_CHARS + 6} characters" in (
        findings[0].message
    )


def test_answer_at_the_limit_passes(tmp_path: Path) -> None:
    seeds_dir = tmp_path / "seeds"
    shutil.copytree(LINT_FIXTURES / "clean", seeds_dir)
    path = seeds_dir / "kb" / "pension_benefits.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["entries"][2]["answer"] = "调" * LONG_ANSWER_CHARS
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    assert lint_seed_dir(seeds_dir) == []


def test_invalid_synonyms_file_is_an_error(tmp_path: Path) -> None:
    seeds_dir = tmp_path / "seeds"
    shutil.copytree(LINT_FIXTURES / "clean", seeds_dir)
    (seeds_dir / "synonyms.yml").write_text("synonyms: [[只有一个]]\n", "utf-8")

    findings = lint_seed_dir(seeds_dir)

    assert [(f.severity, f.rule) for f in findings] == [("error", "schema")]
    assert "group 1 must be a list of at least 2 terms" in findings[0].message


def test_summary_counts_each_rule() -> None:
    findings = findings_of("near_duplicate")

    assert summarize(findings) == (
        "2 errors (near-duplicate 2), 1 warning (retrieves-other-entry 1)"
    )


def test_command_fails_on_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["lint-kb", str(LINT_FIXTURES / "near_duplicate")])

    output = capsys.readouterr().out
    assert status == 1
    assert "retirement_approval.yml:7: error: phrasing" in output
    assert output.rstrip().endswith(
        "2 errors (near-duplicate 2), 1 warning (retrieves-other-entry 1)"
    )


def test_command_passes_with_warnings_only(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["lint-kb", str(LINT_FIXTURES / "other_entry_first")])

    assert status == 0
    assert "0 errors, 1 warning" in capsys.readouterr().out


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.9])
def test_prefix_filter_finds_every_similar_pair(threshold: float) -> None:
    # Compared with every pair of the first 600 texts of the real seeds.
    seed_set, _ = read_valid_seeds(REAL_SEEDS)
    index = build_index(seed_set.entries, REAL_SEEDS / "synonyms.yml")
    texts = _entry_texts(seed_set, index)[:600]

    found = {
        (first.where, second.where)
        for first, second, _ in _bigram_pairs(texts, threshold)
    }

    expected = set()
    for number, text in enumerate(texts):
        for other in texts[:number]:
            if other.entry_id == text.entry_id:
                continue
            union = text.bigrams | other.bigrams
            if len(text.bigrams & other.bigrams) / len(union) >= threshold:
                expected.add((text.where, other.where))
    assert found == expected
