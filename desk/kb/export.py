"""Write the knowledge base from the database back to seed files.

``desk export-kb DIR`` writes ``DIR/kb/<category>.yml`` (one file per
category), ``DIR/notices.yml`` and ``DIR/guides.yml`` in the layout of the
seed files: fields in schema order, block scalars for answers and notice
bodies, flow lists for keywords and related ids, a blank line between items.
The leading comment of a file that already exists is kept. Loading the
export back reports every row unchanged.

Files are first written to a temporary directory and validated with
``read_seed_dir``; only a valid export replaces files in ``DIR``, each with
an atomic rename, so the seed watcher never reads a half-written file.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.kb.errors import SeedError
from desk.kb.schema import (
    CATEGORIES,
    ENTRY_FIELDS,
    GUIDE_FIELDS,
    NOTICE_FIELDS,
)
from desk.kb.seed_files import (
    GUIDES_FILE_NAME,
    KB_DIR_NAME,
    NOTICES_FILE_NAME,
    read_seed_dir,
)
from desk.models.kb import Guide, KnowledgeEntry, Notice

# Fields written as block scalars and as flow lists. Other lists are blocks.
BLOCK_TEXT_FIELDS = frozenset({"answer", "body"})
FLOW_LIST_FIELDS = frozenset({"keywords", "related"})
# Optional fields that are left out when empty, as authors write them.
OMITTED_WHEN_EMPTY = frozenset({"review", "related"})
# Wide enough that the emitter never folds a line of Chinese text.
LINE_WIDTH = 10_000

_ITEM_START = re.compile(r"^  - id: ", re.MULTILINE)
_ID_NUMBER = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class ExportSummary:
    """Counts and files of one export."""

    entries: int
    notices: int
    guides: int
    files: list[Path]


class _Literal(str):
    """Text written as a ``|`` block scalar when the emitter allows it."""


class _FlowList(list[Any]):
    """List written on one line as ``[a, b]``."""


class _SeedDumper(yaml.SafeDumper):
    """SafeDumper that indents list items under their key, as the seeds do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_SeedDumper.add_representer(
    _Literal,
    lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|"
    ),
)
_SeedDumper.add_representer(
    _FlowList,
    lambda dumper, items: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", items, flow_style=True
    ),
)


async def export_knowledge_base(
    *, session: AsyncSession, target_dir: Path
) -> ExportSummary:
    """Write entries, notices and guides of the database into ``target_dir``.

    Raises:
        SeedError: ``target_dir/kb`` has a file that the export would not
            replace, or the exported files do not pass ``read_seed_dir``.
    """
    entries = list(await session.scalars(select(KnowledgeEntry)))
    notices = list(await session.scalars(select(Notice)))
    guides = list(await session.scalars(select(Guide)))
    documents = render_documents(entries, notices, guides, target_dir)
    _reject_foreign_kb_files(target_dir, documents)
    files = _write_validated(target_dir, documents)
    return ExportSummary(len(entries), len(notices), len(guides), files)


def render_documents(
    entries: Iterable[KnowledgeEntry],
    notices: Iterable[Notice],
    guides: Iterable[Guide],
    target_dir: Path,
) -> dict[Path, str]:
    """Return the text of every seed file, keyed by path relative to the target."""
    by_category: dict[str, list[KnowledgeEntry]] = defaultdict(list)
    for entry in entries:
        by_category[entry.category].append(entry)
    documents = {}
    for category, rows in sorted(by_category.items()):
        path = Path(KB_DIR_NAME) / f"{category}.yml"
        header = f"# {CATEGORIES.get(category, category)} ({category})"
        items = [_fields(row, ENTRY_FIELDS) for row in _by_id(rows)]
        documents[path] = _render(target_dir / path, header, "entries", items)
    for name, key, fields, rows_of_kind in (
        (NOTICES_FILE_NAME, "notices", NOTICE_FIELDS, notices),
        (GUIDES_FILE_NAME, "guides", GUIDE_FIELDS, guides),
    ):
        items = [_fields(row, fields) for row in _by_id(rows_of_kind)]
        header = f"# {key.capitalize()} of the citizen portal."
        documents[Path(name)] = _render(target_dir / name, header, key, items)
    return documents


def _by_id(rows: Iterable[Any]) -> list[Any]:
    """Sort rows by id, with the trailing number compared as a number."""

    def key(row: Any) -> tuple[str, int]:
        match = _ID_NUMBER.search(row.id)
        prefix = row.id[: match.start()] if match else row.id
        return (prefix, int(match[1]) if match else -1)

    return sorted(rows, key=key)


def _fields(row: Any, names: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in names:
        value = getattr(row, name)
        if name in OMITTED_WHEN_EMPTY and not value:
            continue
        if name in BLOCK_TEXT_FIELDS:
            # A trailing newline gives "|" rather than "|-", and reading strips it.
            value = _Literal(value + "\n")
        elif name in FLOW_LIST_FIELDS:
            value = _FlowList(value)
        elif isinstance(value, list):
            value = list(value)
        fields[name] = value
    return fields


def _render(path: Path, default_header: str, key: str, items: list[Any]) -> str:
    body = yaml.dump(
        {key: items},
        Dumper=_SeedDumper,
        allow_unicode=True,
        sort_keys=False,
        width=LINE_WIDTH,
    )
    # A blank line before every item but the first, as in the seed files.
    first_item = _ITEM_START.search(body)
    if first_item:
        head, rest = body[: first_item.end()], body[first_item.end() :]
        body = head + _ITEM_START.sub("\n  - id: ", rest)
    return _header_of(path, default_header) + "\n" + body


def _header_of(path: Path, default: str) -> str:
    """Return the leading comment lines of ``path``, or ``default``."""
    if not path.is_file():
        return default
    with path.open(encoding="utf-8") as stream:
        lines = [line.rstrip("\n") for line in stream]
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    return "\n".join(header) or default


def _reject_foreign_kb_files(target_dir: Path, documents: dict[Path, str]) -> None:
    kb_dir = target_dir / KB_DIR_NAME
    exported = {target_dir / path for path in documents}
    foreign = sorted(p for p in kb_dir.glob("*.yml") if p not in exported)
    if foreign:
        names = ", ".join(str(path) for path in foreign)
        raise SeedError(
            f"{names}: not a file of this export (one file per category with "
            "entries), so its entries would be defined twice; move it away or "
            "export into an empty directory"
        )


def _write_validated(target_dir: Path, documents: dict[Path, str]) -> list[Path]:
    """Write and validate the files in a temporary directory, then move them."""
    target_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target_dir))
    try:
        for path, text in documents.items():
            (staging / path).parent.mkdir(parents=True, exist_ok=True)
            (staging / path).write_text(text, encoding="utf-8")
        try:
            read_seed_dir(staging)
        except SeedError as error:
            raise SeedError(
                f"the database content does not make valid seed files, so "
                f"nothing was written to {target_dir} (paths below are in a "
                f"temporary directory):\n{error}"
            ) from error
        written = []
        for path in documents:
            (target_dir / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / path, target_dir / path)
            written.append(target_dir / path)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
