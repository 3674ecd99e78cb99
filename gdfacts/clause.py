"""Reading a number in its clause: the words around the stated words.

The stated words of a citation are read on their line, not alone. They must
begin and end on token boundaries (so "$482 billion" cannot be taken out of
"HK$482 billion", nor "2.5 percent" out of "12.5 percent"), and the words that
govern them from outside (a hedge or a word of direction, reached across
fillers such as "by", "of" or 同比, within the clause and up to the next
number) count as if they were stated: "fell in 2023, down 7.5%" makes a
quote of "7.5%" a fall, and "exceeded 2.5 trillion yuan" a lower bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from . import quantities
from . import coverage
from .coverage import ascii_digits
from .lexicon import Lexicon, normal

# Where a clause ends: sentence and clause punctuation, English and Chinese. A
# point or comma between digits is part of a number, not a break.
_BREAK = re.compile(r"[;:!?()\[\]；：。！？（）【】，、]|(?<![0-9])[.,]|[.,](?![0-9])")
_NUMERAL = re.compile(r"[0-9０-９]")


class OffBoundary(ValueError):
    """The stated words begin or end inside a token of the line."""


@dataclass(frozen=True)
class Reading:
    """What a number's words say, read in its clause."""

    stated: quantities.Stated  # the stated words alone
    value: Decimal  # signed, and a growth multiple as percent
    high: Decimal | None
    step: Decimal  # the precision of the digits, in the unit of `value`
    units: frozenset
    qualifier: str | None
    direction: str | None
    clause_words: tuple[str, ...]  # the words read from outside the stated words


def read(line: str, start: int, end: int, lex: Lexicon) -> Reading:
    """Read the stated words at line[start:end] in their clause. Raises
    OffBoundary or quantities.Unreadable."""
    words = line[start:end]
    _check_boundaries(line, start, end, lex)
    stated = quantities.read_stated(words, lex)
    before, after = _window_before(line, start), _window_after(line, end)
    hedge_word, direction_word = _scan_before(before, lex)
    if hedge_word is None and (outer := _bracketed_equivalent_of(line, start)) is not None:
        hedge_word, _ = _scan_before(_window_before(line, outer), lex)  # "over 14 trillion yuan (US$1.9 trillion)"
    after_hedge, after_direction = _scan_after(after, lex)
    clause_words = []

    qualifier = stated.qualifier
    if qualifier is None and (hedge_word or after_hedge):
        word = hedge_word or after_hedge
        qualifier = lex.lookup("hedges_before", hedge_word) if hedge_word else lex.lookup("hedges_after", after_hedge)
        clause_words.append(word)

    direction = stated.direction
    value, high = stated.value, stated.high
    if direction is None and (direction_word or after_direction):
        word = direction_word or after_direction
        direction = lex.lookup("directions_before", direction_word) if direction_word else lex.lookup("directions_after", after_direction)
        clause_words.append(word)
        if direction == "down":
            if "rank" in stated.units and len(stated.units) == 1:
                direction = None  # a position does not fall
            else:
                value, high = (-high, -value) if high is not None else (-value, None)
    elif direction is not None and stated.direction is not None and (direction_word or after_direction):
        other = lex.lookup("directions_before", direction_word) if direction_word else lex.lookup("directions_after", after_direction)
        if other != direction:
            raise quantities.Unreadable(f"the words '{words}' say {direction}, but '{direction_word or after_direction}' around them says {other}")

    units, step = stated.units, stated.step
    if stated.multiple:
        if direction == "up":  # growth by a multiple: 增长1.08倍 is +108 percent
            value, high, step = value * 100, (high * 100 if high is not None else None), step * 100
            units = frozenset({"percent"})
        elif direction == "down":
            raise quantities.Unreadable(f"a fall of '{words}' is not a multiple that can be read; record it as a percent")
    return Reading(stated, value, high, step, units, qualifier, direction, tuple(clause_words))


_SENTENCE_END = re.compile(r"[;!?；。！？]|\.(?![0-9])")


def named_periods(text: str, lex: Lexicon) -> list[tuple[int, str, str]]:
    """Every part of a year that `text` names, as (start, words, part): the
    lexicon's phrases ("first quarter": Q1, 前三季度: 01/09), longest first so
    that 前三季度 is not also read as 三季度, and spans of months ("January to
    August", "1—8月": 01/08)."""
    phrases, spans = lex.cached("clause:named_periods", lambda: _period_patterns(lex))
    lower, found = text.lower(), []
    for phrase, pattern, size, part in phrases:
        if phrase not in lower:  # else the pattern, which is the phrase, cannot match
            continue
        for m in pattern.finditer(lower):
            found.append((m.start(), text[m.start():m.end()], part))
            lower = lower[:m.start()] + " " * size + lower[m.end():]
    digits = ascii_digits(text)
    for pattern, month in spans:
        for m in pattern.finditer(digits):
            first, last = month(m.group(1)), month(m.group(2))
            if 1 <= first < last <= 12:
                found.append((m.start(), m.group(0), f"{first:02d}/{last:02d}"))
    return sorted(found)


def _period_patterns(lex: Lexicon) -> tuple[list, list]:
    """What named_periods looks for, made once per lexicon: each phrase of a
    part of the year, longest first, as (lower case, its pattern, its length,
    the part); and the two patterns of a span of months, each with how it
    reads a month."""
    phrases = [(phrase.lower(), re.compile(re.escape(phrase.lower())), len(phrase), lex.periods[phrase])
               for phrase in sorted(lex.periods, key=len, reverse=True)]
    joins = "|".join(re.escape(w) for w in sorted(lex.ranges, key=len, reverse=True))
    months = "|".join(sorted(map(re.escape, lex.months), key=len, reverse=True))
    spans = [(re.compile(rf"\b({months})\s*(?:{joins})\s*({months})\b", re.IGNORECASE), lambda w: lex.months[w.lower()]),
             (re.compile(rf"(?<![0-9])([0-9]{{1,2}})\s*(?:{joins})\s*([0-9]{{1,2}})\s*月", re.IGNORECASE), int)]
    return phrases, spans


def governing_periods(line: str, start: int, end: int, lex: Lexicon) -> dict[str, str | None]:
    """The periods the words around line[start:end] allow, as {words: part},
    part None for the whole year; empty when they say nothing.

    The number's own clause decides when it names a part of the year ("grew
    4.4% in the first quarter", "上半年增长3.9%"), and allows the whole year too
    when it also says so (全年, "as a whole"). Otherwise a clause before it in
    its sentence that states no quantity and only names a period ("1—8月，出口
    同比下降2.4%", "In the first half, ...") sets the period of what follows."""
    a = max((m.end() for m in _BREAK.finditer(line[:start])), default=0)
    m = _BREAK.search(line, end)
    own = line[a:m.start() if m else len(line)]
    allowed = {words: part for _, words, part in named_periods(own, lex)}
    if allowed:
        whole = [w for w in lex.whole_year if w.lower() in own.lower()]
        return allowed | {w: None for w in whole}
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(line[:a])), default=0)
    for heading in reversed(_BREAK.split(line[sentence_start:a])):
        if heading.strip():
            named = {words: part for _, words, part in named_periods(heading, lex)}
            if named and not coverage.numerals(heading, lex):
                return named
            break
    return {}


def _check_boundaries(line: str, start: int, end: int, lex: Lexicon) -> None:
    words = line[start:end]
    if not words.strip() or words != words.strip():
        raise OffBoundary(f'the stated words "{words}" begin or end with a space')
    before, after = line[:start], line[end:]
    prev, nxt = before[-1:], after[:1]
    joined = _token_around(line, start, end)
    if prev and (_is_word(prev) or prev in "$.,-\u2212+") and (_is_word(words[0]) or words[0] == "$"):
        raise OffBoundary(f'the stated words "{words}" begin inside "{joined}"; state the whole of it')
    if nxt and (_is_word(nxt) and _is_word(words[-1]) or (nxt in ".," and after[1:2].isdigit()) or nxt == "%"):
        raise OffBoundary(f'the stated words "{words}" end inside "{joined}"; state the whole of it')
    roles = quantities._roles(lex)
    tail = normal(before)[-12:]
    for size in range(len(tail), 0, -1):
        piece = tail[-size:].strip()
        if piece and piece in roles and roles[piece] & {"currency_before", "chinese_percent", "chinese_ordinal"} \
                and (len(piece) == len(tail) or not (_is_word(piece[0]) and _is_word(tail[-size - 1:-size] or " "))):
            raise OffBoundary(f'the stated words "{words}" leave out "{piece}" before them; state it with the number')
    ahead = normal(after)
    rest = ahead.lstrip()
    toks = quantities.tokens(rest[:16], lex) if rest else []
    if toks and toks[0].kind == "phrase" and "hedge_after" in toks[0].roles and len(toks) > 1 and not rest.startswith(" "):
        toks = toks[1:]
    if toks and toks[0].kind == "phrase" and toks[0].roles & {"scale", "unit_after", "multiple"} \
            and (not _is_word(toks[0].text[0]) or after[:1].isspace() or not _is_word(words[-1])):
        if not (toks[0].roles & {"unit_after"} and _unit_already_stated(words, lex)):
            raise OffBoundary(f'the stated words "{words}" leave out "{toks[0].text}" after them; state it with the number')
    if re.match(r"\s*[-\u2013\u2014~至到]\s*[0-9０-９]", after) and _is_numeral_end(words):
        raise OffBoundary(f'the stated words "{words}" are one end of a range; state the whole range')


def _bracketed_equivalent_of(line: str, start: int) -> int | None:
    """Where the amount starts that the bracketed words at `start` convert:
    for "14 trillion yuan (US$ 1.9 trillion)", the start of "14"."""
    m = re.search(r"([0-9][0-9.,]*)[^()（）0-9]*[(（]\s*$", line[:start])
    return m.start(1) if m else None


def _unit_already_stated(words: str, lex: Lexicon) -> bool:
    try:
        stated = quantities.read_stated(words, lex)
    except quantities.Unreadable:
        return False
    return bool(stated.units - {u.id for u in lex.units.values() if u.stated_by == "number"})


def _is_word(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _is_numeral_end(words: str) -> bool:
    return bool(_NUMERAL.match(words[-1])) or words[-1] in "%％"


def _token_around(line: str, start: int, end: int) -> str:
    a, b = start, end
    while a > 0 and not line[a - 1].isspace() and line[a - 1] not in "(（“\"'":
        a -= 1
    while b < len(line) and not line[b].isspace() and line[b] not in ")）”\"',，。;；":
        b += 1
    return line[a:b]


def _window_before(line: str, start: int) -> str:
    """The clause before the stated words, from the last break or number."""
    text = line[:start]
    cut = 0
    for m in _BREAK.finditer(text):
        cut = m.end()
    for m in re.finditer(r"[0-9０-９]", text):
        if m.end() > cut:
            cut = m.end()
    return text[cut:]


def _window_after(line: str, end: int) -> str:
    text = line[end:]
    stop = len(text)
    if (m := _BREAK.search(text)) is not None:
        stop = m.start()
    if (m := re.search(r"[0-9０-９]", text)) is not None:
        stop = min(stop, m.start())
    return text[:stop]


def _next_phrase(text: str, lex: Lexicon, wanted: set, backwards: bool) -> str | None:
    """The longest lexicon phrase with one of the `wanted` roles at the end of
    `text` (backwards) or at its start, standing as whole words."""
    roles, sizes = quantities._roles(lex), quantities.phrase_sizes(lex, backwards)
    for size in sizes.get(text[-1] if backwards else text[0], ()):  # longest first: only the lengths of phrases that end (begin) with it
        if size > len(text):
            continue
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
    while text and (found := _next_phrase(text, lex, wanted, backwards=True)) is not None:
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
    while text and (found := _next_phrase(text, lex, wanted, backwards=False)) is not None:
        r = roles[found]
        if "hedge_after" in r and hedge is None and direction is None:
            hedge = found
        elif "direction_after" in r and direction is None:
            direction = found
        text = text[len(found):].lstrip()
    return hedge, direction
