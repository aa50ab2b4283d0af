"""YAML reading that remembers the line of every key and list item.

PyYAML's ``safe_load`` drops positions and silently keeps the last of two
equal keys. Flow errors must name a line, and a duplicated step key is a
mistake a trainer should hear about, so files are composed into nodes and
converted here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actions.flows.errors import FlowError

# A path into the parsed document: mapping keys and list indexes.
Path_ = tuple[Any, ...]


@dataclass
class SourceFile:
    """One parsed YAML file with the line of each path in it."""

    name: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """Return the line of ``path``, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)

    def error(self, path: Path_, message: str) -> FlowError:
        """Build an error located at ``path``."""
        return FlowError(self.name, self.line(path), message)


def display_name(path: Path) -> str:
    """Return ``path`` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_source(path: Path) -> tuple[SourceFile | None, list[FlowError]]:
    """Parse one YAML file, returning it or the errors that prevent parsing."""
    name = display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [FlowError(name, 1, f"cannot read the file: {error}")]
    return parse_source(text, name)


def parse_source(text: str, name: str) -> tuple[SourceFile | None, list[FlowError]]:
    """Parse YAML ``text`` that came from the file called ``name``."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        source = SourceFile(name=name, data=None)
        errors: list[FlowError] = []
        if node is not None:
            source.lines[()] = node.start_mark.line + 1
            source.data = _convert(loader, node, (), source, errors)
        return source, errors
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return None, [FlowError(name, line, f"invalid YAML: {_yaml_problem(error)}")]
    finally:
        loader.dispose()


def _yaml_problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None)
    context = getattr(error, "context", None)
    if problem and context:
        return f"{problem} ({context})"
    return str(problem or error).splitlines()[0]


def _convert(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: Path_,
    source: SourceFile,
    errors: list[FlowError],
) -> Any:
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(loader, node, path, source, errors)
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            source.lines[(*path, index)] = item.start_mark.line + 1
            items.append(_convert(loader, item, (*path, index), source, errors))
        return items
    return loader.construct_object(node, deep=True)


def _convert_mapping(
    loader: yaml.SafeLoader,
    node: yaml.MappingNode,
    path: Path_,
    source: SourceFile,
    errors: list[FlowError],
) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == "tag:yaml.org,2002:merge":
            errors.append(
                FlowError(source.name, line, "YAML merge keys (<<) are not supported")
            )
            continue
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            errors.append(FlowError(source.name, line, "a key must be a plain value"))
            continue
        if key in result:
            errors.append(
                FlowError(
                    source.name,
                    line,
                    f"duplicate key '{key}': YAML would keep only the last one",
                )
            )
            continue
        source.lines[(*path, key)] = line
        result[key] = _convert(loader, value_node, (*path, key), source, errors)
    return result
