"""Write a Rasa endpoints file whose SQL tracker store comes from a URL.

Rasa 3.6 fails on an unset environment variable in endpoints.yml, so `make
run` copies endpoints.yml with the tracker store taken from
TRACKER_STORE_URL, for example postgresql://rasa:secret@127.0.0.1:5432/rasa,
when that variable is set.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desk.tracker_store import redact, render


def main() -> int:
    """Parse arguments and write the endpoints file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", help="database URL of the tracker store")
    parser.add_argument("--template", type=Path, default=Path("endpoints.yml"))
    parser.add_argument("--output", type=Path, default=Path("var/endpoints.yml"))
    args = parser.parse_args()
    try:
        text = render(args.template, args.url)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} with the tracker store at {redact(args.url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
