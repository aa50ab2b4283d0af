"""Question files of the retrieval evaluation, read with their line numbers.

A file contains a ``questions:`` list. In a held-out file every question
names the entry that answers it. An out-of-domain file lists questions that
no entry answers, so its items have ``text`` only::

    questions:
      - text: 社保断缴了几个月还能补吗
        entry: contribution_payment.009

Every problem of a file is collected and raised together as one
``QuestionFileError``, one ``file:line: message`` line per problem.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import yaml

from desk.settings import ROOT

TOP_LEVEL_KEY = "questions"
NULL_TAG = "tag:yaml.org,2002:null"


class QuestionFileError(ValueError):
    """Invalid question file. Each line names the file, the line and the fix."""


@dataclass(frozen=True)
class Question:
    """One question of a question file, with the entry id that answers it."""

    text: str
    entry_id: str | None
    path: Path
    line: int

    @property
    def where(self) -> str:
        """Return ``file:line`` of the question, relative to the repository."""
        return f"{display_path(self.path)}:{self.line}"


def display_path(path: Path) -> str:
    """Return ``path`` relative to the repository root when it is inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def load_questions(path: Path, *, labelled: bool) -> list[Question]:
    """Read a question file. A ``labelled`` file needs an ``entry`` per question.

    Raises:
        QuestionFileError: the file is missing, is not valid YAML, has no
            questions, or has an item with a missing, empty, unknown or
            repeated field.
    """
    display = display_path(path)
    if not path.is_file():
        raise QuestionFileError(f"{display}: file not found; create it or fix the path")
    items = _compose_items(path, display)
    problems: list[str] = []
    questions: list[Question] = []
    first_line_of: dict[str, int] = {}
    for item in items:
        question = _read_item(item, path, labelled, problems)
        if question is None:
            continue
        first = first_line_of.setdefault(question.text, question.line)
        if first != question.line:
            problems.append(
                f"{question.where}: question {question.text!r} repeats line "
                f"{first}; remove one of them"
            )
            continue
        questions.append(question)
    if not items:
        problems.append(f"{display}: the '{TOP_LEVEL_KEY}:' list is empty; add some")
    if problems:
        raise QuestionFileError("\n".join(problems))
    return questions


def load_question_dir(path: Path, *, labelled: bool) -> list[Question]:
    """Read every ``*.yml`` question file of the folder ``path``, in name order.

    Raises:
        QuestionFileError: the folder is missing or empty, a file is invalid,
            or a question text occurs in two files.
    """
    display = display_path(path)
    files = sorted(path.glob("*.yml")) if path.is_dir() else []
    if not files:
        raise QuestionFileError(
            f"{display}: no *.yml question files found; add some or fix the path"
        )
    questions: list[Question] = []
    problems: list[str] = []
    first_of: dict[str, Question] = {}
    for file in files:
        for question in load_questions(file, labelled=labelled):
            first = first_of.setdefault(question.text, question)
            if first is not question:
                problems.append(
                    f"{question.where}: question {question.text!r} repeats "
                    f"{first.where}; remove one of them"
                )
            questions.append(question)
    if problems:
        raise QuestionFileError("\n".join(problems))
    return questions


def load_question_path(path: Path, *, labelled: bool) -> list[Question]:
    """Read a question file, or every question file of a folder."""
    if path.is_dir():
        return load_question_dir(path, labelled=labelled)
    return load_questions(path, labelled=labelled)


def check_entry_ids(questions: list[Question], entry_ids: Collection[str]) -> None:
    """Check that every labelled question names an existing entry.

    Raises:
        QuestionFileError: one line per question whose entry id is unknown.
    """
    problems = [
        f"{question.where}: 'entry' {question.entry_id!r} is not an entry id of "
        "the knowledge base; use the id of the entry that answers the question"
        for question in questions
        if question.entry_id is not None and question.entry_id not in entry_ids
    ]
    if problems:
        raise QuestionFileError("\n".join(problems))


def _compose_items(path: Path, display: str) -> list[yaml.Node]:
    """Return the item nodes of the ``questions:`` list, which keep line marks."""
    try:
        with path.open(encoding="utf-8") as stream:
            root = yaml.compose(stream, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else "?"
        raise QuestionFileError(
            f"{display}:{line}: invalid YAML: {error.problem}"
        ) from error
    except yaml.YAMLError as error:
        raise QuestionFileError(f"{display}: invalid YAML: {error}") from error
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == TOP_LEVEL_KEY and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    raise QuestionFileError(
        f"{display}:1: expected a top-level '{TOP_LEVEL_KEY}:' list of "
        "{text: …, entry: …} items"
    )


def _read_item(
    node: yaml.Node, path: Path, labelled: bool, problems: list[str]
) -> Question | None:
    where = f"{display_path(path)}:{node.start_mark.line + 1}"
    if not isinstance(node, yaml.MappingNode):
        problems.append(f"{where}: expected a mapping such as {{text: …}}")
        return None
    allowed = ("text", "entry") if labelled else ("text",)
    fields: dict[str, str | None] = {}
    count_before = len(problems)
    for key, value in node.value:
        name = str(key.value)
        if name not in allowed:
            problems.append(_unknown_field_problem(where, name, allowed, labelled))
            continue
        fields[name] = _scalar_text(value, where, name, problems)
    text = fields.get("text")
    entry_id = fields.get("entry")
    if "text" not in fields:
        problems.append(f"{where}: 'text' is missing; add the question")
    if labelled and "entry" not in fields:
        problems.append(f"{where}: 'entry' is missing; add the id of the answer")
    if len(problems) > count_before or not text:
        return None
    return Question(text, entry_id, path, node.start_mark.line + 1)


def _unknown_field_problem(
    where: str, name: str, allowed: tuple[str, ...], labelled: bool
) -> str:
    if name == "entry" and not labelled:
        return f"{where}: out-of-domain questions have no 'entry'; remove it"
    return f"{where}: unknown field {name!r}; valid fields are: {', '.join(allowed)}"


def _scalar_text(
    node: yaml.Node, where: str, name: str, problems: list[str]
) -> str | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag == NULL_TAG:
        problems.append(f"{where}: {name!r} must be text, found {_describe(node)}")
        return None
    text = str(node.value).strip()
    if not text:
        problems.append(f"{where}: {name!r} is empty; write it")
        return None
    return text


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "nothing"
