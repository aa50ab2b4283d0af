"""Command line of the desk: serve, migrate, load seeds, list tickets."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from desk.settings import Settings


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


def _load_seeds(settings: Settings, _args: argparse.Namespace) -> int:
    from desk.kb.errors import SeedError
    from desk.seeds import load_seeds_from_dir

    try:
        counts = asyncio.run(load_seeds_from_dir(settings))
    except SeedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for kind, count in counts.items():
        print(f"{kind}: {count}")
    return 0


def _check_seeds(settings: Settings, _args: argparse.Namespace) -> int:
    from desk.kb.errors import SeedError
    from desk.kb.seed_files import read_seed_dir

    try:
        seeds = read_seed_dir(settings.seeds_dir)
    except SeedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"{settings.seeds_dir}: {len(seeds.entries)} entries, "
        f"{len(seeds.notices)} notices, {len(seeds.guides)} guides are valid"
    )
    return 0


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
    commands.add_parser(
        "load-seeds",
        help="load knowledge base, notices and guides from seeds/ (idempotent)",
    ).set_defaults(handler=_load_seeds)
    commands.add_parser(
        "check-seeds", help="validate the seed files without touching the database"
    ).set_defaults(handler=_check_seeds)
    tickets = commands.add_parser("tickets", help="list open handoff tickets")
    tickets.add_argument(
        "--all", action="store_true", help="include closed tickets as well"
    )
    tickets.set_defaults(handler=_list_tickets)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one desk command and return its exit status."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    args = build_parser().parse_args(argv)
    return int(args.handler(Settings.from_env(), args))


if __name__ == "__main__":
    sys.exit(main())
