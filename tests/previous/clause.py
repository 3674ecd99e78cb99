"""The functions of gdfacts/clause.py that issue 14 made faster, as they were
before (commit 5938a79), verbatim."""

from __future__ import annotations

import re

from gdfacts import quantities
from gdfacts.clause import _is_word
from gdfacts.coverage import ascii_digits
from gdfacts.lexicon import Lexicon, normal


def named_periods(text: str, lex: Lexicon) -> list[tuple[int, str, str]]:
    """Every part of a year that `text` names, as (start, words, part): the
    lexicon's phrases ("first quarter": Q1, 前三季度: 01/09), longest first so
    that 前三季度 is not also read as 三季度, and spans of months ("January to
    August", "1—8月": 01/08)."""
    lower, found = text.lower(), []
    for phrase in sorted(lex.periods, key=len, reverse=True):
        for m in re.finditer(re.escape(phrase.lower()), lower):
            found.append((m.start(), text[m.start():m.end()], lex.periods[phrase]))
            lower = lower[:m.start()] + " " * len(phrase) + lower[m.end():]
    joins = "|".join(re.escape(w) for w in sorted(lex.ranges, key=len, reverse=True))
    months = "|".join(sorted(map(re.escape, lex.months), key=len, reverse=True))
    spans = [(rf"\b({months})\s*(?:{joins})\s*({months})\b", lambda w: lex.months[w.lower()]),
             (rf"(?<![0-9])([0-9]{{1,2}})\s*(?:{joins})\s*([0-9]{{1,2}})\s*月", int)]
    for pattern, month in spans:
        for m in re.finditer(pattern, ascii_digits(text), flags=re.IGNORECASE):
            first, last = month(m.group(1)), month(m.group(2))
            if 1 <= first < last <= 12:
                found.append((m.start(), m.group(0), f"{first:02d}/{last:02d}"))
    return sorted(found)


def _next_phrase(text: str, roles: dict, wanted: set, backwards: bool) -> str | None:
    """The longest lexicon phrase with one of the `wanted` roles at the end of
    `text` (backwards) or at its start, standing as whole words."""
    for size in range(min(max(map(len, roles)), len(text)), 0, -1):
        piece = text[-size:] if backwards else text[:size]
        edge, beyond = (piece[0], text[-size - 1:-size]) if backwards else (piece[-1], text[size:size + 1])
        if piece in roles and roles[piece] & wanted and not (_is_word(edge) and _is_word(beyond or " ")):
            return piece
    return None


def _scan_before(text: str, lex: Lexicon) -> tuple[str | None, str | None]:
    """The hedge and the direction that govern a number from before it: the
    run of lexicon words that ends where the number begins. A blocker ("to",
    至) between a direction and the number makes it a level, not a change."""
    roles = quantities._roles(lex)
    wanted = {"hedge_before", "direction_before", "filler", "blocker"}
    text = normal(text)
    hedge = direction = None
    blocked = False
    while text and (found := _next_phrase(text, roles, wanted, backwards=True)) is not None:
        r = roles[found]
        if "hedge_before" in r and hedge is None and direction is None:
            hedge = found
        elif "direction_before" in r and direction is None and not blocked:
            direction = found
        elif "blocker" in r:
            blocked = True
        text = text[: -len(found)].rstrip()
    return hedge, direction


def _scan_after(text: str, lex: Lexicon) -> tuple[str | None, str | None]:
    roles = quantities._roles(lex)
    wanted = {"hedge_after", "direction_after", "filler"}
    text = normal(text)
    hedge = direction = None
    while text and (found := _next_phrase(text, roles, wanted, backwards=False)) is not None:
        r = roles[found]
        if "hedge_after" in r and hedge is None and direction is None:
            hedge = found
        elif "direction_after" in r and direction is None:
            direction = found
        text = text[len(found):].lstrip()
    return hedge, direction
