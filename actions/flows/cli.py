"""Command line of the flow engine: `python -m actions.flows.cli validate flows/`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from actions.flows.loader import load_folder


def validate(folder: Path) -> int:
    """Print every error in the flow files of ``folder``; return the exit status."""
    if not folder.is_dir():
        print(f"{folder}: not a directory", file=sys.stderr)
        return 2
    flow_set, errors = load_folder(folder)
    for error in errors:
        print(error, file=sys.stderr)
    if flow_set is None:
        print(f"{len(errors)} error(s) in {folder}", file=sys.stderr)
        return 1
    print(f"{len(flow_set.flows)} flows in {len(flow_set.files)} files are valid")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named in ``argv``."""
    parser = argparse.ArgumentParser(
        prog="python -m actions.flows.cli", description=__doc__
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "validate", help="check flow files and print every error as file:line: message"
    )
    check.add_argument("folder", type=Path, help="folder with the flow YAML files")
    args = parser.parse_args(argv)
    return validate(args.folder)


if __name__ == "__main__":
    sys.exit(main())
