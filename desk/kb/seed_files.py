"""Read and validate every seed file of the knowledge base in one pass.

Layout under the seeds directory:

- ``kb/*.yml``: an ``entries:`` list of knowledge-base entries,
- ``notices.yml``: a ``notices:`` list,
- ``guides.yml``: a ``guides:`` list.

All problems of all files are collected and raised together as one
``SeedError``, one line per problem, before anything touches the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from desk.kb.errors import SeedError
from desk.kb.schema import (
    EntrySeed,
    GuideSeed,
    NoticeSeed,
    read_entry,
    read_guide,
    read_notice,
)
from desk.kb.yaml_lines import LineList, line_of, load_with_lines

logger = logging.getLogger(__name__)

KB_DIR_NAME = "kb"
NOTICES_FILE_NAME = "notices.yml"
GUIDES_FILE_NAME = "guides.yml"
# Top-level key of each kind of seed file, and the name of one item in messages.
ITEM_NAMES = {"entries": "entry", "notices": "notice", "guides": "guide"}

SeedT = TypeVar("SeedT", EntrySeed, NoticeSeed, GuideSeed)
Reader = Callable[[dict[str, Any], str, list[str]], SeedT | None]


@dataclass(frozen=True)
class ItemSource:
    """Location of a seed item: its file, its first line and its fields' lines."""

    file: str
    line: int
    value_lines: dict[str, int]
    # Line of each item of the list fields, such as every phrasing.
    item_lines: dict[str, tuple[int, ...]]

    @property
    def where(self) -> str:
        """Return ``file:line`` of the item."""
        return f"{self.file}:{self.line}"

    def where_of(self, name: str, number: int | None = None) -> str:
        """Return ``file:line`` of field ``name``, or of its item ``number`` (from 0).

        Falls back to the item's own line when the field has no line.
        """
        lines = self.item_lines.get(name, ())
        if number is not None and number < len(lines):
            return f"{self.file}:{lines[number]}"
        return f"{self.file}:{self.value_lines.get(name, self.line)}"


@dataclass(frozen=True)
class SeedSet:
    """Validated contents of a seeds directory."""

    entries: list[EntrySeed]
    notices: list[NoticeSeed]
    guides: list[GuideSeed]
    # Where each entry id is defined, for messages that point into the files.
    entry_sources: dict[str, ItemSource] = field(default_factory=dict)


INVALID_YAML = "invalid YAML"


def read_seed_dir(seeds_dir: Path) -> SeedSet:
    """Read every seed file under ``seeds_dir`` and check cross references.

    Raises:
        SeedError: if any file is invalid. The message lists every problem
            with the file, the line, the item id, the field and the fix.
    """
    seed_set, problems = read_valid_seeds(seeds_dir)
    if problems:
        raise SeedError(format_problems(problems))
    return seed_set


def read_valid_seeds(seeds_dir: Path) -> tuple[SeedSet, list[str]]:
    """Return the valid items of ``seeds_dir`` and one line per problem.

    Invalid items are left out of the set, so callers that report more than
    schema problems (``desk lint-kb``) can check the rest.
    """
    problems: list[str] = []
    kb_files = sorted((seeds_dir / KB_DIR_NAME).glob("*.yml"))
    if not kb_files:
        problems.append(
            f"{seeds_dir / KB_DIR_NAME}: no knowledge-base files (*.yml) found; "
            "check DESK_SEEDS_DIR"
        )
    entries: list[EntrySeed] = []
    entry_sources: dict[str, ItemSource] = {}
    for path in kb_files:
        entries += _read_list(
            path, seeds_dir, "entries", read_entry, problems, entry_sources
        )
    notices = _read_optional(
        seeds_dir / NOTICES_FILE_NAME, seeds_dir, "notices", read_notice, problems, {}
    )
    guide_sources: dict[str, ItemSource] = {}
    guides = _read_optional(
        seeds_dir / GUIDES_FILE_NAME,
        seeds_dir,
        "guides",
        read_guide,
        problems,
        guide_sources,
    )
    # Entries of an unreadable file are missing, so every link to them would
    # be reported too and bury the one real error.
    if not any(INVALID_YAML in problem for problem in problems):
        _check_related(entries, entry_sources, problems)
        _check_guide_related(
            guides, set(entry_sources) | set(guide_sources), guide_sources, problems
        )
    seed_set = SeedSet(entries, notices, guides, entry_sources)
    return seed_set, problems


def format_problems(problems: list[str]) -> str:
    """Join problem lines into one error message."""
    if len(problems) == 1:
        return problems[0]
    lines = "\n".join(f"  {problem}" for problem in problems)
    return (
        f"{len(problems)} problems in the seed files; fix them and load again:\n{lines}"
    )


def _read_optional(
    path: Path,
    seeds_dir: Path,
    key: str,
    reader: Reader[SeedT],
    problems: list[str],
    sources: dict[str, ItemSource],
) -> list[SeedT]:
    if not path.exists():
        logger.warning("seeds.file.missing path=%s", path)
        return []
    return _read_list(path, seeds_dir, key, reader, problems, sources)


def _read_list(
    path: Path,
    seeds_dir: Path,
    key: str,
    reader: Reader[SeedT],
    problems: list[str],
    sources: dict[str, ItemSource],
) -> list[SeedT]:
    """Read the ``key:`` list of one file, skipping invalid items.

    ``sources`` maps the ids of all files read so far to where they are
    defined; this file's items are added to it.
    """
    display = _display_path(path, seeds_dir)
    items = _load_items(path, display, key, problems)
    seeds: list[SeedT] = []
    ids_in_file: set[str] = set()
    for number, raw in enumerate(items, start=1):
        where = _describe_item(display, key, number, raw)
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected a mapping of fields, found {raw!r}")
            continue
        item_id = raw.get("id")
        if isinstance(item_id, str) and item_id.strip():
            item_id = item_id.strip()
            first = sources.setdefault(item_id, _item_source(display, raw)).file
            if first != display or item_id in ids_in_file:
                problems.append(f"{where}: duplicate id, already defined in {first}")
                continue
            ids_in_file.add(item_id)
        seed = reader(raw, where, problems)
        if seed is not None:
            seeds.append(seed)
    return seeds


def _yaml_error_place(error: yaml.MarkedYAMLError) -> str:
    """Describe where YAML failed, with the line where the broken part began.

    An unclosed quote is noticed only at the end of the file, so the line
    where the quoted text opened is the one to fix.
    """
    line = error.problem_mark.line + 1 if error.problem_mark else "?"
    place = f"at line {line}: {error.problem}"
    if error.context and error.context_mark is not None:
        place += f" ({error.context} at line {error.context_mark.line + 1})"
    return place


def _load_items(path: Path, display: str, key: str, problems: list[str]) -> list[Any]:
    try:
        with path.open(encoding="utf-8") as stream:
            document = load_with_lines(stream)
    except yaml.MarkedYAMLError as error:
        problems.append(f"{display}: {INVALID_YAML} {_yaml_error_place(error)}")
        return []
    except yaml.YAMLError as error:
        problems.append(f"{display}: {INVALID_YAML}: {error}")
        return []
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        problems.append(f"{display}: expected a top-level '{key}:' list")
        return []
    for name in document:
        if name != key:
            problems.append(f"{display}: unknown top-level key {name!r}; use '{key}:'")
    return document[key]


def _check_related(
    entries: list[EntrySeed], sources: dict[str, ItemSource], problems: list[str]
) -> None:
    """Record each related id that names no entry, valid or not."""
    for entry in entries:
        for number, related_id in enumerate(entry.related):
            if related_id not in sources:
                where = sources[entry.id].where_of("related", number)
                problems.append(
                    f"{where}: entry {entry.id}: 'related' names "
                    f"{related_id!r}, which is not an entry id; fix or remove it"
                )


def _check_guide_related(
    guides: list[GuideSeed],
    known_ids: set[str],
    sources: dict[str, ItemSource],
    problems: list[str],
) -> None:
    for guide in guides:
        for number, related_id in enumerate(guide.related):
            if related_id not in known_ids:
                where = sources[guide.id].where_of("related", number)
                problems.append(
                    f"{where}: guide {guide.id}: 'related' names "
                    f"{related_id!r}, which is neither an entry nor a guide id; "
                    "fix or remove it"
                )


def _describe_item(display: str, key: str, number: int, raw: Any) -> str:
    kind = ITEM_NAMES[key]
    line = line_of(raw)
    location = display if line is None else f"{display}:{line}"
    item_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(item_id, str) and item_id.strip():
        return f"{location}: {kind} {item_id.strip()}"
    return f"{location}: {kind} #{number}"


def _item_source(display: str, raw: dict[str, Any]) -> ItemSource:
    value_lines = getattr(raw, "value_lines", {})
    item_lines = {
        name: tuple(value.item_lines)
        for name, value in raw.items()
        if isinstance(value, LineList)
    }
    return ItemSource(display, line_of(raw) or 1, value_lines, item_lines)


def _display_path(path: Path, seeds_dir: Path) -> str:
    """Return ``path`` as ``seeds/kb/<file>``, relative to the seeds' parent."""
    try:
        return str(path.relative_to(seeds_dir.parent))
    except ValueError:
        return str(path)
