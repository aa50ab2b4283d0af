"""Command line of the desk: serve, migrate, seeds, knowledge base, tickets."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from desk.settings import ROOT, Settings


def _serve(settings: Settings, _args: argparse.Namespace) -> int:
    from desk.app import create_app

    app = create_app(settings)
    app.run(
        host=settings.host,
        port=settings.port,
        single_process=True,
        access_log=False,
        motd=False,
    )
    return 0


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from desk.migrations.runner import upgrade_to_head

    upgrade_to_head(settings.database_url)
    return 0


def _load_seeds(settings: Settings, args: argparse.Namespace) -> int:
    from desk.kb.errors import SeedError
    from desk.organisation.loader import (
        load_organisation_seeds,
        read_organisation_seeds,
    )
    from desk.seeds import load_seeds_from_dir

    if args.seeds_dir:
        settings = replace(settings, seeds_dir=args.seeds_dir)
    try:
        # The organisation file is validated before anything is loaded.
        organisation = read_organisation_seeds(settings.seeds_dir)
        counts = asyncio.run(
            load_seeds_from_dir(settings, discard_desk_edits=args.discard_desk_edits)
        )
        if organisation is not None:
            counts |= asyncio.run(load_organisation_seeds(settings, organisation))
    except SeedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for kind, count in counts.items():
        print(f"{kind}: {count}")
    return 0


def _check_seeds(settings: Settings, args: argparse.Namespace) -> int:
    from desk.kb.errors import SeedError
    from desk.kb.seed_files import read_seed_dir
    from desk.organisation.loader import read_organisation_seeds

    seeds_dir = args.seeds_dir or settings.seeds_dir
    try:
        seeds = read_seed_dir(seeds_dir)
        organisation = read_organisation_seeds(seeds_dir)
    except SeedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"{seeds_dir}: {len(seeds.entries)} entries, "
        f"{len(seeds.notices)} notices, {len(seeds.guides)} guides are valid"
    )
    if organisation is not None:
        print(
            f"{seeds_dir}: {len(organisation.agencies)} agencies, "
            f"{len(organisation.departments)} departments, "
            f"{len(organisation.agents)} agents, "
            f"{len(organisation.enterprises)} enterprises are valid"
        )
    return 0


def _lint_kb(settings: Settings, args: argparse.Namespace) -> int:
    from desk.kb.lint import lint_seed_dir, summarize

    seeds_dir = args.seeds_dir or settings.seeds_dir
    findings = lint_seed_dir(seeds_dir)
    for finding in findings:
        print(finding)
    print(f"{seeds_dir}: {summarize(findings)}")
    return 1 if any(finding.severity == "error" for finding in findings) else 0


def _export_kb(settings: Settings, args: argparse.Namespace) -> int:
    from desk.kb.errors import SeedError
    from desk.seeds import export_to_dir

    try:
        summary = asyncio.run(export_to_dir(settings, args.target_dir))
    except SeedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"{args.target_dir}: wrote {summary.entries} entries, {summary.notices} "
        f"notices and {summary.guides} guides in {len(summary.files)} files"
    )
    return 0


def _set_password(settings: Settings, args: argparse.Namespace) -> int:
    from desk.organisation.password_commands import set_password_command

    return set_password_command(settings, args.username)


def _demo_passwords(settings: Settings, args: argparse.Namespace) -> int:
    from desk.organisation.password_commands import demo_passwords_command

    return demo_passwords_command(settings, args.output)


def _list_tickets(settings: Settings, args: argparse.Namespace) -> int:
    from desk.services.tickets import print_open_tickets

    asyncio.run(print_open_tickets(settings, show_all=args.all))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="desk", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the web service").set_defaults(
        handler=_serve
    )
    commands.add_parser(
        "migrate", help="apply database migrations up to the newest"
    ).set_defaults(handler=_migrate)
    load_seeds = commands.add_parser(
        "load-seeds",
        help="load knowledge base, notices and guides from seeds/ (idempotent)",
    )
    _add_seeds_dir_argument(load_seeds)
    load_seeds.add_argument(
        "--discard-desk-edits",
        action="store_true",
        help="replace entries edited through the desk API with the files' "
        "version, and delete entries that only the desk has",
    )
    load_seeds.set_defaults(handler=_load_seeds)
    check_seeds = commands.add_parser(
        "check-seeds", help="validate the seed files without touching the database"
    )
    _add_seeds_dir_argument(check_seeds)
    check_seeds.set_defaults(handler=_check_seeds)
    lint_kb = commands.add_parser(
        "lint-kb",
        help="check-seeds plus near-duplicate questions, phrasings that retrieve "
        "another entry and long answers; exits 1 on errors",
    )
    _add_seeds_dir_argument(lint_kb)
    lint_kb.set_defaults(handler=_lint_kb)
    export_kb = commands.add_parser(
        "export-kb",
        help="write entries, notices and guides from the database as seed files",
    )
    export_kb.add_argument(
        "target_dir",
        type=Path,
        help="directory to write kb/<category>.yml, notices.yml and guides.yml to",
    )
    export_kb.set_defaults(handler=_export_kb)
    set_password = commands.add_parser(
        "set-password",
        help="set an agent's password, read from standard input or prompted twice",
    )
    set_password.add_argument("username", help="agent username from organisation.yml")
    set_password.set_defaults(handler=_set_password)
    demo_passwords = commands.add_parser(
        "demo-passwords",
        help="give every agent without a password a random one and list them "
        "in a file readable by its owner only",
    )
    demo_passwords.add_argument(
        "--output",
        type=Path,
        default=ROOT / "var" / "agent-passwords.txt",
        help="file of 'username password' lines (default: var/agent-passwords.txt "
        "in the repository)",
    )
    demo_passwords.set_defaults(handler=_demo_passwords)
    tickets = commands.add_parser("tickets", help="list open handoff tickets")
    tickets.add_argument(
        "--all", action="store_true", help="include closed tickets as well"
    )
    tickets.set_defaults(handler=_list_tickets)
    return parser


def _add_seeds_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "seeds_dir",
        nargs="?",
        type=Path,
        help="seeds directory to read (default: DESK_SEEDS_DIR, else seeds/)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one desk command and return its exit status."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    # httpx logs every request URL at INFO, and Rasa's API token travels in
    # the query string.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return int(args.handler(Settings.from_env(), args))


if __name__ == "__main__":
    sys.exit(main())
