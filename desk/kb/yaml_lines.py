"""A YAML loader whose mappings and lists remember their line numbers.

Seed-file messages point at ``file:line``, so that a trainer can jump to the
entry in a file of hundreds. ``LineMapping`` and ``LineList`` are ordinary
``dict`` and ``list`` objects for every other purpose. Line numbers start at 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

MAP_TAG = "tag:yaml.org,2002:map"
SEQUENCE_TAG = "tag:yaml.org,2002:seq"


class LineMapping(dict[Any, Any]):
    """A mapping with the line where it starts and the line of each value."""

    line: int = 0
    value_lines: dict[str, int]


class LineList(list[Any]):
    """A list with the line of each item."""

    item_lines: list[int]


class LineLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that builds ``LineMapping`` and ``LineList`` objects."""


def load_with_lines(stream: IO[str]) -> Any:
    """Parse one YAML document like ``yaml.safe_load``, keeping line numbers.

    Raises:
        yaml.YAMLError: the document is not valid YAML.
    """
    # LineLoader is a SafeLoader, so this builds no arbitrary Python objects.
    return yaml.load(stream, Loader=LineLoader)


def line_of(value: Any) -> int | None:
    """Return the line where a loaded mapping starts, or None for other values."""
    return value.line if isinstance(value, LineMapping) else None


def _construct_mapping(
    loader: LineLoader, node: yaml.MappingNode
) -> Iterator[LineMapping]:
    mapping = LineMapping()
    mapping.line = node.start_mark.line + 1
    mapping.value_lines = {
        str(key.value): value.start_mark.line + 1 for key, value in node.value
    }
    yield mapping
    mapping.update(loader.construct_mapping(node))


def _construct_sequence(
    loader: LineLoader, node: yaml.SequenceNode
) -> Iterator[LineList]:
    items = LineList()
    items.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield items
    items.extend(loader.construct_sequence(node))


LineLoader.add_constructor(MAP_TAG, _construct_mapping)
LineLoader.add_constructor(SEQUENCE_TAG, _construct_sequence)
