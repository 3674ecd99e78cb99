"""Periods as ISO 8601 text that sorts and filters in SQL.

A period is a year (`2024`), a month (`2024-06`), a day (`2024-06-30`), a
quarter (`2024-Q1`), a half (`2024-H1`), or a span of months within one year,
written as an ISO 8601 interval (`2024-01/2024-09`: the first three quarters,
or January to September). Every form starts with its year, so
`period LIKE '2024%'` finds all of 2024, and text order is year order.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache

PATTERN = re.compile(
    r"(?P<year>[0-9]{4})"
    r"(?:-(?P<month>0[1-9]|1[0-2])(?:-(?P<day>0[1-9]|[12][0-9]|3[01])|/(?P=year)-(?P<to>0[1-9]|1[0-2]))?"
    r"|-Q(?P<quarter>[1-4])|-H(?P<half>[12]))?"
)
HELP = "ISO 8601 text: '2024', '2024-06', '2024-06-30', '2024-Q1', '2024-H1' or '2024-01/2024-09'"


def problem(text: str) -> str | None:
    """Why `text` is not a period, or None when it is one."""
    m = PATTERN.fullmatch(text)
    if m is None:
        return f"'{text}' is not of the form expected: {HELP}"
    if m["day"] and int(m["day"]) > calendar.monthrange(int(m["year"]), int(m["month"]))[1]:
        return f"'{text}' is not a date in the calendar"
    if m["to"] and int(m["to"]) <= int(m["month"]):
        return f"'{text}' is not a span of months: its end must come after its start"
    return None


@lru_cache(maxsize=4096)  # a corpus names few periods, each many times
def bounds(text: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The first and last day of a valid period, as (year, month, day)."""
    m = PATTERN.fullmatch(text)
    year = int(m["year"])
    if m["quarter"]:
        first, last = 3 * int(m["quarter"]) - 2, 3 * int(m["quarter"])
    elif m["half"]:
        first, last = 6 * int(m["half"]) - 5, 6 * int(m["half"])
    elif m["month"]:
        first = int(m["month"])
        last = int(m["to"]) if m["to"] else first
    else:
        first, last = 1, 12
    if m["day"]:
        day = int(m["day"])
        return (year, first, day), (year, first, day)
    return (year, first, 1), (year, last, calendar.monthrange(year, last)[1])


def end(text: str) -> tuple[int, int, int]:
    return bounds(text)[1]


def year(text: str) -> str:
    return text[:4]


def part(text: str) -> str | None:
    """The part of its year a period names, in the lexicon's terms: 'Q1', 'H2',
    '01/09'; None for a whole year, a month or a day."""
    m = PATTERN.fullmatch(text)
    if m["quarter"]:
        return f"Q{m['quarter']}"
    if m["half"]:
        return f"H{m['half']}"
    if m["to"]:
        return f"{m['month']}/{m['to']}"
    return None


def from_part(year_text: str, lexicon_part: str) -> str:
    """The period of a lexicon part ('Q1', 'H1', '01/09') in a year."""
    if "/" in lexicon_part:
        first, last = lexicon_part.split("/")
        return f"{year_text}-{first}/{year_text}-{last}"
    return f"{year_text}-{lexicon_part}"
