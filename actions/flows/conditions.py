"""Conditions of flows: CALM's predicate language, evaluated by pypred.

Rasa Pro's CALM evaluates `if` conditions with pypred too, so the syntax is
pypred's and a condition means the same in both. A condition is evaluated
against a document with three namespaces:

- ``slots.<name>``: every declared slot, None (``null``) while unset;
- ``context.<key>``: ``today`` (ISO date) everywhere, and ``age_years`` in the
  rejections of a ``date`` answer (full years from that date to today);
- ``config.<path>``: values from flows/config.yml (an extension of CALM).

Before pypred parses a condition, this module rejects three things:

- Jinja templates (``{{ … }}``), because this runner does not render them;
- ``and`` mixed with ``or`` without parentheses. pypred gives them the same
  precedence and groups from the right, so ``a and b or c`` means
  ``a and (b or c)``, which is rarely what the writer meant;
- commas in set literals, which pypred rejects anyway; the message shows
  the form it accepts, ``{"a" "b"}``.

A comparison that Python cannot make, such as ``slots.age > 18`` while the
slot is null, makes pypred raise TypeError; it counts as false here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from pypred import Predicate, ast
from pypred.parser import get_lexer

from actions.flows.config import FlowConfig

logger = logging.getLogger(__name__)

CONTEXT_KEYS = ("today",)
DATE_CONTEXT_KEYS = ("today", "age_years")


@lru_cache(maxsize=1024)
def compile_condition(text: str) -> Predicate:
    """Parse ``text`` into a pypred predicate; the result is cached."""
    return Predicate(text)


def syntax_errors(text: str) -> list[str]:
    """Return why ``text`` is not a valid condition, or an empty list."""
    if "{{" in text or "{%" in text:
        return ["Jinja templates ({{ … }}) are not supported in conditions"]
    problems = _token_problems(text)
    if problems:
        return problems
    predicate = compile_condition(text)
    if predicate.is_valid():
        return []
    return [str(message) for message in predicate.errors()["errors"]]


def _token_problems(text: str) -> list[str]:
    lexer = get_lexer()
    lexer.input(text)
    groups: list[set[str]] = [set()]
    problems: list[str] = []
    for token in lexer:
        if token.type == "LPAREN":
            groups.append(set())
        elif token.type == "RPAREN" and len(groups) > 1:
            groups.pop()
        elif token.type in ("AND", "OR"):
            groups[-1].add(token.type)
            if groups[-1] == {"AND", "OR"}:
                problems.append(
                    "mixes 'and' and 'or' without parentheses; pypred groups "
                    "them from the right, so add parentheses to say which you mean"
                )
                groups[-1] = set()
    for characters, _position, _line in lexer.errors:
        if characters.startswith(","):
            problems.append(
                "a comma is not allowed; separate set items with spaces, "
                'as in {"a" "b"}'
            )
        else:
            problems.append(f"cannot read '{characters}'")
    return problems


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, ast.LiteralSet):
        for item in node.value:
            yield from _walk(item)
        return
    for side in ("left", "right"):
        child = getattr(node, side, None)
        if isinstance(child, ast.Node):
            yield from _walk(child)


def _is_quoted(value: str) -> bool:
    return len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"


def names(text: str) -> list[str]:
    """Return the unquoted names a valid condition reads, such as ``slots.x``."""
    predicate = compile_condition(text)
    found: list[str] = []
    for node in _walk(predicate.ast):
        if isinstance(node, ast.Literal) and not isinstance(node, ast.Regex):
            value = str(node.value)
            if not _is_quoted(value) and value not in found:
                found.append(value)
    return found


def slot_literals(text: str) -> list[tuple[str, str]]:
    """Return (slot, string) pairs that a valid condition compares for equality.

    Covers ``slots.x = "v"``, ``"v" != slots.x``, ``slots.x is "v"`` and
    ``{"v" "w"} contains slots.x``; the validator checks each string against
    a categorical slot's values.
    """
    predicate = compile_condition(text)
    pairs: list[tuple[str, str]] = []
    for node in _walk(predicate.ast):
        if isinstance(node, ast.CompareOperator) and node.type in ("=", "!=", "is"):
            pairs.extend(_pair(node.left, node.right) + _pair(node.right, node.left))
        elif isinstance(node, ast.ContainsOperator) and isinstance(
            node.left, ast.LiteralSet
        ):
            for item in node.left.value:
                pairs.extend(_pair(node.right, item))
    return pairs


def _pair(slot_side: Any, literal_side: Any) -> list[tuple[str, str]]:
    if not (
        isinstance(slot_side, ast.Literal) and isinstance(literal_side, ast.Literal)
    ):
        return []
    name = str(slot_side.value)
    literal = str(literal_side.value)
    if not name.startswith("slots.") or not _is_quoted(literal):
        return []
    return [(name.removeprefix("slots."), literal[1:-1])]


def name_problem(
    name: str,
    *,
    slots: set[str],
    config: FlowConfig,
    context_keys: tuple[str, ...] = CONTEXT_KEYS,
    only_slot: str | None = None,
) -> str:
    """Return why a condition may not read ``name``, or an empty string.

    ``only_slot`` restricts slot reads to one slot, as CALM does for the
    rejections of a collect step.
    """
    namespace, _, rest = name.partition(".")
    if namespace == "slots":
        if rest not in slots:
            return f"slot '{rest}' is not declared"
        if only_slot and rest != only_slot:
            return (
                f"rejections may read only slots.{only_slot}, the slot this "
                "step collects"
            )
        return ""
    if namespace == "context":
        if rest in context_keys:
            return ""
        return f"'{name}' is not available here (known: {', '.join(context_keys)})"
    if namespace == "config":
        if _has_path(config.data, rest):
            return ""
        return f"'{name}' is not set in {config.file}"
    return (
        f"unknown name '{name}': write slots.{name} for a slot, or quote "
        f'text as "{name}"'
    )


def _has_path(data: Any, path: str) -> bool:
    node = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def build_document(
    slots: dict[str, Any], config: dict[str, Any], context: dict[str, Any]
) -> dict[str, Any]:
    """Build the document a condition is evaluated against."""
    return {"slots": dict(slots), "config": config, "context": dict(context)}


def evaluate(text: str, document: dict[str, Any]) -> bool:
    """Return whether the condition ``text`` holds for ``document``."""
    predicate = compile_condition(text)
    try:
        return bool(predicate.evaluate(document))
    except TypeError as error:
        logger.warning("flows.condition.type_error condition=%r error=%s", text, error)
        return False
