"""gdfacts/coverage.py as it was before issue 14 made it faster (commit 5938a79),
verbatim but for this docstring: tests/test_check_equivalence.py holds the
current module to its results."""

from __future__ import annotations

import re

from gdfacts.lexicon import Lexicon

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
_DIGITS = re.compile(r"(?<![0-9.,])[0-9](?:[0-9]|[.,](?=[0-9]))*")
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)(?![A-Za-z0-9])")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"(?<![0-9.,])(?:19|20)[0-9]{2}(?![0-9])")
_DAY_OR_MONTH = re.compile(r"[0-9]{1,2}(?:\s*[-–—~至到]\s*[0-9]{1,2})?\s*(?:月|日|号)")
_WORD = re.compile(r"[A-Za-z]+")


def ascii_digits(text: str) -> str:
    """Full-width digits, point, comma and percent as ASCII, one character for one."""
    return text.translate(_FULL_WIDTH)


def numerals(line: str, lex: Lexicon) -> list[tuple[int, int, str]]:
    """The (start, end, text) of each numeral on a line that may state a quantity."""
    text = ascii_digits(line)
    exempt = _exempt(text, lex)
    found = []

    def add(start, end):
        if not any(a <= start and end <= b for a, b in exempt):
            found.append((start, end, line[start:end]))

    for m in _DIGITS.finditer(text):
        start, end = m.span()
        if start and text[start - 1].isascii() and text[start - 1].isalpha() and not _currency_before(text[:start], lex):
            continue  # part of a name: A380, COVID19
        if (s := _ORDINAL_SUFFIX.match(text, end)) is not None:
            end = s.end()
        elif end < len(text) and text[end].isascii() and text[end].isalpha() and not _unit_follows(text[end:], lex):
            continue  # a name: 5G
        add(start, end)
    lower = text.lower()
    for word in _english_words(lex):
        for m in re.finditer(rf"(?<![A-Za-z0-9-]){re.escape(word)}(?![A-Za-z0-9])", lower):
            add(*m.span())
    for start, end in _chinese_runs(text, lex):
        add(start, end)
    return sorted(set(found))


def _english_words(lex: Lexicon) -> list[str]:
    words = [*lex.cardinals, *lex.fractions, *(w for w in lex.ordinals if w.isascii())]
    return sorted({w.lower() for w in words if w.isascii()}, key=len, reverse=True)


def _chinese_runs(text: str, lex: Lexicon):
    numeral = set(lex.chinese_digits) | set(lex.chinese_units) | {w for w in lex.scales if len(w) == 1 and not w.isascii()}
    i = 0
    while i < len(text):
        if text[i] in numeral:
            j = i
            while j < len(text) and (text[j] in numeral or (text[j] == lex.chinese_point and j + 1 < len(text) and text[j + 1] in lex.chinese_digits)):
                j += 1
            before = text[max(0, i - 2):i]
            if not (before[-1:].isdigit() or (before[-1:] in lex.hedges_after and before[:1].isdigit())):
                # 万 after digits (7.4万, 1000多亿) belongs to those digits
                yield i, j
            i = j
        else:
            i += 1


def _currency_before(text: str, lex: Lexicon) -> bool:
    return any(text.endswith(w) for w in lex.currency_before())


def _unit_follows(text: str, lex: Lexicon) -> bool:
    lower = text.lower()
    words = [*lex.scales, *lex.unit_after(), *lex.multiples]
    return any(lower.startswith(w.lower()) and not lower[len(w):len(w) + 1].isalpha() for w in words if w.isascii())


def _exempt(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    spans = [m.span() for m in _ISO_DATE.finditer(text)]
    spans += [m.span() for m in _DAY_OR_MONTH.finditer(text)]
    for m in _YEAR.finditer(text):
        if _is_year(text, m.start(), m.end(), lex):
            spans.append(m.span())
    lower = text.lower()
    for phrase in [*lex.periods, *lex.not_numbers, *(w for w in lex.unit_after() if not w.isascii())]:
        p = phrase.lower()
        start = lower.find(p)
        while start >= 0:
            ascii_edges = p[0].isalnum() and p.isascii()
            if not ascii_edges or ((start == 0 or not lower[start - 1].isalnum()) and not lower[start + len(p):start + len(p) + 1].isalnum()):
                spans.append((start, start + len(p)))
            start = lower.find(p, start + 1)
    months = {m.lower() for m in lex.months}
    for m in _WORD.finditer(text):
        if m.group(0).lower() in months:
            day = re.match(r"\s*[0-9]{1,2}(?![0-9%.,])", text[m.end():])
            if day:
                spans.append((m.end(), m.end() + day.end()))
    # Chinese numerals for a year or a month: 二〇二四年, 十二月
    for m in re.finditer(r"[〇零一二三四五六七八九十]+(?=年|月|日)", text):
        spans.append(m.span())
    return spans


def _is_year(text: str, start: int, end: int, lex: Lexicon) -> bool:
    after = text[end:]
    if after[:1] == "年" or re.match(r"\s?[-–/]\s?[0-9]{2,4}", after) or re.search(r"[0-9]{4}\s?[-–/]\s?$", text[:start]):
        return True
    if not after or (not after[0].isalnum() and not after[0].isspace() and after[0] not in "%％"):
        return True
    word_before = re.search(r"([A-Za-z©()]+)\W*$", text[:start])
    if word_before and word_before.group(1).lower() in {w.lower() for w in lex.year_before}:
        return True
    word_after = re.match(r"\s+([A-Za-z]+)", after)
    return bool(word_after and word_after.group(1).lower() in {w.lower() for w in lex.year_after})


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


def uncovered(line: str, covered: list[tuple[int, int]], lex: Lexicon) -> list[str]:
    """The numerals on a line that no covered span holds."""
    return [text for start, end, text in numerals(line, lex) if not any(a <= start and end <= b for a, b in covered)]
