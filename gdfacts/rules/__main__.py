"""`python -m gdfacts.rules --table`: print the README's table of the build's
errors, from the rows the rules and readers carry; `--readme README.md`:
write it into the README, in place of the table under its heading."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import table

HEADING = "### What the build's errors mean"


def with_table(readme: str) -> str:
    """The README's text with the table under HEADING replaced by the generated one."""
    head, sep, rest = readme.partition(HEADING + "\n")
    if not sep:
        raise SystemExit(f"no heading {HEADING!r}")
    lines = rest.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return head + sep + "".join(lines[:start]) + table() + "".join(lines[end:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gdfacts.rules", description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", action="store_true", help="print the table of errors (Markdown)")
    parser.add_argument("--readme", type=Path, metavar="PATH", help="write the table into this README")
    args = parser.parse_args(argv)
    if args.readme is not None:
        args.readme.write_text(with_table(args.readme.read_text(encoding="utf-8")), encoding="utf-8")
    elif args.table:
        sys.stdout.write(table())
    else:
        parser.print_usage()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
