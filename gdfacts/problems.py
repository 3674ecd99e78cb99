"""A problem found in the input: where it is and what to do about it."""

from __future__ import annotations

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
