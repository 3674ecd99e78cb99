"""A problem found in the input: where it is and what to do about it."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        """One line, whatever the message holds: `path:line: message`."""
        message = " ".join(self.message.splitlines())
        return f"{self.path}:{self.line}: {message}"


class BuildFailed(Exception):
    """Raised with every problem found, so the caller can report them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s)")


@dataclass(frozen=True)
class Message:
    """One row of the README's table of the build's errors: the message as a
    curator reads it (Markdown), what to do about it, and a regular expression
    that every message the row stands for matches (re.search). Each rule and
    each reader carries the rows of the messages it gives; `python -m
    gdfacts.rules --table` prints them all."""

    shown: str
    todo: str
    pattern: str

    def matches(self, message: str) -> bool:
        return re.search(self.pattern, message) is not None


# Rows that readers and rules share.
NOT_ONE_OF = Message(
    "`kind 'x' is not one of: ...`", "use one of the values listed (a typo, or a value the vocabulary does not have)",
    r"'[^']*' is not one of: ")
USED_TWICE = Message("`id 'x' is used twice`", "ids are unique: within a list, and among all records", r"^id '[^']*' is used twice")
