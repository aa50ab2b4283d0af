"""YAML reading with line numbers."""

from __future__ import annotations

import textwrap

from actions.flows.source import parse_source


def parse(text: str):
    return parse_source(textwrap.dedent(text), "flows/example.yml")


def test_source_records_lines_of_keys_and_items() -> None:
    source, errors = parse(
        """\
        flows:
          demo:
            steps:
              - action: utter_a
              - collect: b
        """
    )

    assert errors == []
    assert source.line(("flows", "demo")) == 2
    assert source.line(("flows", "demo", "steps", 1)) == 5
    assert source.line(("flows", "demo", "steps", 1, "collect")) == 5


def test_source_falls_back_to_nearest_ancestor() -> None:
    source, _ = parse("flows:\n  demo:\n    steps: []\n")

    assert source.line(("flows", "demo", "steps", 7, "next")) == 3


def test_source_rejects_duplicate_keys_with_line() -> None:
    _, errors = parse(
        """\
        flows:
          demo:
            description: one
            description: two
        """
    )

    assert len(errors) == 1
    assert errors[0].line == 4
    assert "duplicate key 'description'" in errors[0].message


def test_source_rejects_merge_keys() -> None:
    _, errors = parse(
        """\
        base: &base {a: 1}
        other:
          <<: *base
        """
    )

    assert [error.line for error in errors] == [3]
    assert "merge keys" in errors[0].message


def test_source_reports_yaml_syntax_error_line() -> None:
    source, errors = parse("flows:\n  demo: [unclosed\n  other: 1\n")

    assert source is None
    assert errors[0].file == "flows/example.yml"
    assert errors[0].line == 3
    assert errors[0].message.startswith("invalid YAML")


def test_error_string_names_file_and_line() -> None:
    _, errors = parse("a: 1\na: 2\n")

    assert str(errors[0]).startswith("flows/example.yml:2: duplicate key")
