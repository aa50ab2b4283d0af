"""Tests of the question files of the retrieval evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from desk.kb.question_files import (
    QuestionFileError,
    check_entry_ids,
    load_questions,
)

HELDOUT = """\
questions:
  - text: 养老金几号发
    entry: pension_benefits.001
  - text: 个账共济能绑父母吗
    entry: family_account_sharing.001
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "questions.yml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path, *, labelled: bool = True) -> str:
    with pytest.raises(QuestionFileError) as caught:
        load_questions(path, labelled=labelled)
    return str(caught.value)


def test_heldout_file_is_read_with_lines(tmp_path: Path) -> None:
    path = write(tmp_path, HELDOUT)

    questions = load_questions(path, labelled=True)

    assert [(q.text, q.entry_id, q.line) for q in questions] == [
        ("养老金几号发", "pension_benefits.001", 2),
        ("个账共济能绑父母吗", "family_account_sharing.001", 4),
    ]
    assert questions[1].where == f"{path}:4"


def test_out_of_domain_file_needs_no_entry(tmp_path: Path) -> None:
    path = write(tmp_path, "questions:\n  - text: 今天下雨吗\n  - text: '123'\n")

    questions = load_questions(path, labelled=False)

    assert [(q.text, q.entry_id) for q in questions] == [
        ("今天下雨吗", None),
        ("123", None),
    ]


@pytest.mark.parametrize(
    ("text", "labelled", "message"),
    [
        ("questions:\n  - text: 养老金几号发\n", True, ":2: 'entry' is missing"),
        ("questions:\n  - entry: a.001\n", True, ":2: 'text' is missing"),
        ("questions:\n  - text: ''\n    entry: a.001\n", True, "'text' is empty"),
        ("questions:\n  - text: [a, b]\n    entry: a.1\n", True, "found a list"),
        ("questions:\n  - text: ~\n    entry: a.001\n", True, "'text' must be text"),
        ("questions:\n  - text: 问\n    entyr: a.1\n", True, "unknown field 'entyr'"),
        ("questions:\n  - 养老金几号发\n", True, ":2: expected a mapping"),
        ("questions:\n  - text: 问\n    entry: a.1\n", False, "have no 'entry'"),
        ("questions: []\n", True, "the 'questions:' list is empty"),
        ("entries:\n  - text: 问\n", True, ":1: expected a top-level 'questions:'"),
        ("questions:\n  - text: 问\n   entry: [\n", True, "invalid YAML"),
    ],
)
def test_invalid_items_are_reported(
    tmp_path: Path, text: str, labelled: bool, message: str
) -> None:
    path = write(tmp_path, text)

    error = load_error(path, labelled=labelled)

    assert message in error
    assert str(path) in error


def test_repeated_question_names_both_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "questions:\n  - text: 问一\n  - text: 问二\n  - text: 问一\n",
    )

    error = load_error(path, labelled=False)

    assert f"{path}:4: question '问一' repeats line 2" in error


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "questions:\n  - text: 问\n  - entry: a.001\n")

    lines = load_error(path).splitlines()

    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:2:")
    assert lines[1].startswith(f"{path}:3:")


def test_missing_file_is_reported(tmp_path: Path) -> None:
    error = load_error(tmp_path / "heldout.yml")

    assert "heldout.yml: file not found" in error


def test_unknown_entry_id_names_file_line_and_value(tmp_path: Path) -> None:
    questions = load_questions(write(tmp_path, HELDOUT), labelled=True)

    with pytest.raises(QuestionFileError) as caught:
        check_entry_ids(questions, {"pension_benefits.001"})

    message = str(caught.value)
    assert ":4: 'entry' 'family_account_sharing.001' is not an entry id" in message
    assert "pension_benefits.001" not in message


def test_known_entry_ids_pass(tmp_path: Path) -> None:
    questions = load_questions(write(tmp_path, HELDOUT), labelled=True)

    check_entry_ids(questions, {"pension_benefits.001", "family_account_sharing.001"})
