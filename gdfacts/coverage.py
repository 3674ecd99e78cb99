"""Which words of an article state numbers, so none goes unrecorded.

Every numeral (digits, or a number word such as "six" or "third") in a source
must lie inside the stated words of some citation, or inside a text that the
fact file lists under `unrecorded` with a reason. Years and ISO dates are
periods, not quantities, and names such as "5G" are not numbers.
"""

from __future__ import annotations

import re

from .quantities import CARDINALS, ORDINALS

_DATE_OR_YEAR = re.compile(r"(?<![\w.,])(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|(?:19|20)[0-9]{2})(?![\w%]|[.,][0-9]| ?per ?cent)")
_DIGITS = re.compile(r"(?<![A-Za-z0-9])[0-9][0-9,]*(?:\.[0-9]+)?(?:st|nd|rd|th)?(?![A-Za-z0-9])")
_WORDS = re.compile(r"\b(?:" + "|".join(sorted({*CARDINALS, *ORDINALS}, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def numerals(line: str) -> list[tuple[int, int, str]]:
    """The (start, end, text) of each numeral on a line that may state a quantity."""
    exempt = [m.span() for m in _DATE_OR_YEAR.finditer(line)]
    found = []
    for pattern in (_DIGITS, _WORDS):
        for m in pattern.finditer(line):
            text = m.group(0).rstrip(",")
            start, end = m.start(), m.start() + len(text)
            if not any(a <= start and end <= b for a, b in exempt):
                found.append((start, end, text))
    return sorted(found)


def spans_of(needle: str, line: str) -> list[tuple[int, int]]:
    """Every place `needle` stands on `line`."""
    spans, start = [], line.find(needle)
    while needle and start >= 0:
        spans.append((start, start + len(needle)))
        start = line.find(needle, start + 1)
    return spans


def stated_spans(quote: str, stated: str, line: str) -> list[tuple[int, int]]:
    """Where the stated words stand on the line, within each place the quote stands."""
    offset = quote.find(stated)
    if offset < 0:
        return []
    return [(a + offset, a + offset + len(stated)) for a, _ in spans_of(quote, line)]


def uncovered(line: str, covered: list[tuple[int, int]]) -> list[str]:
    """The numerals on a line that no covered span holds."""
    return [text for start, end, text in numerals(line) if not any(a <= start and end <= b for a, b in covered)]
