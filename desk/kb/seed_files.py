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
from dataclasses import dataclass
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

logger = logging.getLogger(__name__)

KB_DIR_NAME = "kb"
NOTICES_FILE_NAME = "notices.yml"
GUIDES_FILE_NAME = "guides.yml"
# Top-level key of each kind of seed file, and the name of one item in messages.
ITEM_NAMES = {"entries": "entry", "notices": "notice", "guides": "guide"}

SeedT = TypeVar("SeedT", EntrySeed, NoticeSeed, GuideSeed)
Reader = Callable[[dict[str, Any], str, list[str]], SeedT | None]


@dataclass(frozen=True)
class SeedSet:
    """Validated contents of a seeds directory."""

    entries: list[EntrySeed]
    notices: list[NoticeSeed]
    guides: list[GuideSeed]


def read_seed_dir(seeds_dir: Path) -> SeedSet:
    """Read every seed file under ``seeds_dir`` and check cross references.

    Raises:
        SeedError: if any file is invalid. The message lists every problem
            with the file, the item id, the field and the fix.
    """
    problems: list[str] = []
    kb_files = sorted((seeds_dir / KB_DIR_NAME).glob("*.yml"))
    if not kb_files:
        problems.append(
            f"{seeds_dir / KB_DIR_NAME}: no knowledge-base files (*.yml) found; "
            "check DESK_SEEDS_DIR"
        )
    entries: list[EntrySeed] = []
    entry_files: dict[str, str] = {}
    for path in kb_files:
        entries += _read_list(
            path, seeds_dir, "entries", read_entry, problems, entry_files
        )
    notices = _read_optional(
        seeds_dir / NOTICES_FILE_NAME, seeds_dir, "notices", read_notice, problems, {}
    )
    guide_files: dict[str, str] = {}
    guides = _read_optional(
        seeds_dir / GUIDES_FILE_NAME,
        seeds_dir,
        "guides",
        read_guide,
        problems,
        guide_files,
    )
    _check_related(entries, entry_files, problems)
    _check_guide_related(
        guides, set(entry_files) | set(guide_files), guide_files, problems
    )
    if problems:
        raise SeedError(format_problems(problems))
    return SeedSet(entries=entries, notices=notices, guides=guides)


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
    first_file_of: dict[str, str],
) -> list[SeedT]:
    if not path.exists():
        logger.warning("seeds.file.missing path=%s", path)
        return []
    return _read_list(path, seeds_dir, key, reader, problems, first_file_of)


def _read_list(
    path: Path,
    seeds_dir: Path,
    key: str,
    reader: Reader[SeedT],
    problems: list[str],
    first_file_of: dict[str, str],
) -> list[SeedT]:
    """Read the ``key:`` list of one file, skipping invalid items."""
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
            first = first_file_of.setdefault(item_id, display)
            if first != display or item_id in ids_in_file:
                problems.append(f"{where}: duplicate id, already defined in {first}")
                continue
            ids_in_file.add(item_id)
        seed = reader(raw, where, problems)
        if seed is not None:
            seeds.append(seed)
    return seeds


def _load_items(path: Path, display: str, key: str, problems: list[str]) -> list[Any]:
    try:
        with path.open(encoding="utf-8") as stream:
            document = yaml.safe_load(stream)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else "?"
        problems.append(f"{display}: invalid YAML at line {line}: {error.problem}")
        return []
    except yaml.YAMLError as error:
        problems.append(f"{display}: invalid YAML: {error}")
        return []
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        problems.append(f"{display}: expected a top-level '{key}:' list")
        return []
    for name in document:
        if name != key:
            problems.append(f"{display}: unknown top-level key {name!r}; use '{key}:'")
    return document[key]


def _check_related(
    entries: list[EntrySeed], file_of: dict[str, str], problems: list[str]
) -> None:
    """Record each related id that names no entry, valid or not."""
    for entry in entries:
        for related_id in entry.related:
            if related_id not in file_of:
                problems.append(
                    f"{file_of[entry.id]}: entry {entry.id}: 'related' names "
                    f"{related_id!r}, which is not an entry id; fix or remove it"
                )


def _check_guide_related(
    guides: list[GuideSeed],
    known_ids: set[str],
    file_of: dict[str, str],
    problems: list[str],
) -> None:
    for guide in guides:
        for related_id in guide.related:
            if related_id not in known_ids:
                problems.append(
                    f"{file_of[guide.id]}: guide {guide.id}: 'related' names "
                    f"{related_id!r}, which is neither an entry nor a guide id; "
                    "fix or remove it"
                )


def _describe_item(display: str, key: str, number: int, raw: Any) -> str:
    kind = ITEM_NAMES[key]
    item_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(item_id, str) and item_id.strip():
        return f"{display}: {kind} {item_id.strip()}"
    return f"{display}: {kind} #{number}"


def _display_path(path: Path, seeds_dir: Path) -> str:
    """Return ``path`` as ``seeds/kb/<file>``, relative to the seeds' parent."""
    try:
        return str(path.relative_to(seeds_dir.parent))
    except ValueError:
        return str(path)
