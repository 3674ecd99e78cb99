"""Every `$ gdfacts ...` example in the README's command-line section prints
what the README says it prints, on the real data (an example whose output
ends with a line `...` shows only its first lines).

The section records the digest of the data its examples were printed from.
On that data, each example must print exactly what the README shows, so a
change to the CLI that changes an example fails here. Once articles are
added, the data is newer than the examples: each must still run and print,
without a traceback, and the README is brought up to date (with its new
digest) by:  .venv/bin/python tests/test_readme_cli.py
"""

from __future__ import annotations

import hashlib
import re
import shlex
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
SECTION = "## The command line: `gdfacts`"
PRINTED_FROM = re.compile(r"<!-- the examples below were printed from the data of digest ([0-9a-f]{16}) -->")
NOT_RUN = {"serve"}  # it serves until stopped
REGENERATE = ".venv/bin/python tests/test_readme_cli.py"


@dataclass
class Example:
    command: str  # as written after "$ "
    start: int  # index of the first output line in the README's lines
    shown: list[str]  # the output lines shown (without the closing "...")
    cut: bool  # the output shown ends with "..."

    @property
    def args(self) -> list[str]:
        return shlex.split(self.command, comments=True)[1:]


def examples(lines: list[str]) -> list[Example]:
    """The examples of the command-line section, in order."""
    first = lines.index(SECTION)
    last = next((i for i in range(first + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    found, fenced, current = [], False, None
    for i in range(first, last):
        line = lines[i]
        if line.startswith("```"):
            fenced, current = not fenced, None
        elif fenced and line.startswith("$ gdfacts "):
            current = Example(line[2:], i + 1, [], False)
            found.append(current)
        elif current is not None:
            if line == "...":
                current.cut = True
            else:
                current.shown.append(line)
    return found


def data_digest(db: Path) -> str:
    """The digest of the articles and curated files a database was built from."""
    rows = sqlite3.connect(db).execute(
        "select path, sha256 from build_inputs where path like 'data/%' or path like 'seeds/%' order by path").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def printed(example: Example, db: Path, scratch: Path) -> list[str]:
    """What the example prints: stdout and stderr, as a terminal shows them. A
    file it writes (-o/--output) goes to `scratch`, under the name it gives."""
    from gdfacts.cli import cli

    args, renamed = list(example.args), {}
    for at, arg in enumerate(args[1:], 1):
        if args[at - 1] in ("-o", "--output") or (args[0] == "export" and not arg.startswith("-")):
            args[at] = renamed[arg] = str(scratch / Path(arg).name)
    text = CliRunner().invoke(cli, ["--db", str(db), *args], terminal_width=80).output
    for written, scratch_path in renamed.items():
        text = text.replace(scratch_path, written)
    lines = text.splitlines()
    return lines[:len(example.shown)] if example.cut else lines


def regenerate(text: str, db: Path, scratch: Path) -> str:
    """The README with every example's output as the CLI prints it now."""
    text = PRINTED_FROM.sub(f"<!-- the examples below were printed from the data of digest {data_digest(db)} -->", text)
    lines = text.split("\n")
    for example in reversed(examples(lines)):
        if example.args[0] in NOT_RUN:
            continue
        lines[example.start:example.start + len(example.shown)] = printed(example, db, scratch)
    return "\n".join(lines)


README_EXAMPLES = [e for e in examples(README.read_text(encoding="utf-8").split("\n")) if e.args[0] not in NOT_RUN]


def test_the_readme_has_examples_of_every_query_command():
    from gdfacts.cli import cli

    shown = {e.args[0] for e in README_EXAMPLES}
    assert {"facts", "show", "targets", "regions", "indicators", "sources", "query", "check", "build"} <= shown
    assert set(cli.commands) - NOT_RUN <= shown


@pytest.mark.parametrize("example", README_EXAMPLES, ids=[e.command for e in README_EXAMPLES])
def test_a_readme_example_prints_what_the_readme_shows(example, real_db, tmp_path):
    output = printed(example, real_db, tmp_path)
    recorded = PRINTED_FROM.search(README.read_text(encoding="utf-8"))
    assert recorded, f"the command-line section must record the digest of its data: run {REGENERATE}"
    if recorded.group(1) == data_digest(real_db):
        assert output == example.shown, f"the README is out of date: run {REGENERATE}"
    else:  # articles were added since: the example must still work
        assert output and not any(line.startswith("Traceback") for line in output), output


if __name__ == "__main__":
    from gdfacts.build import build

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "guangdong_facts.db"
        build(REPO, db)
        scratch = Path(folder) / "scratch"
        scratch.mkdir()
        before = README.read_text(encoding="utf-8")
        after = regenerate(before, db, scratch)
    README.write_text(after, encoding="utf-8")
    print("README.md: examples up to date" + (" (changed)" if after != before else ""), file=sys.stderr)
