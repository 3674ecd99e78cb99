"""What a person types, as the database's ids and days.

A region or indicator is named by its id, its English name or its Chinese
name, in any case and in any width (full-width letters and digits are read as
ASCII); an unknown one gets the nearest names as suggestions. A period is one
of gdfacts/periods.py's forms, or a range of two (`2022..2024`, `2022/2024`,
`2022-2024` for years), and selects the records whose period lies within it.
"""

from __future__ import annotations

import re
import unicodedata

from . import periods

RANGE_HELP = "or a range of two, as 2022..2024 or 2024-Q1/2024-Q3 (2022-2024 for years)"
_YEARS = re.compile(r"([0-9]{4})-([0-9]{4})")


class NotUnderstood(ValueError):
    """What was typed names nothing, or more than one thing; the message says what to type."""


def fold(text: str) -> str:
    """`text` as it is compared: NFKC (full-width as ASCII), case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def resolve(typed: str, rows, what: str) -> str:
    """The id of the row among `rows` (id, name, Chinese name) that `typed`
    names: an id first, then a name, English or Chinese."""
    key = fold(typed)
    by_id = [row[0] for row in rows if fold(row[0]) == key]
    if by_id:
        return typed if typed in by_id else by_id[0]
    named = sorted({row[0] for row in rows if key in (fold(name) for name in row[1:] if name)})
    if not named:  # 深圳 for 深圳市, 广东 for 广东省: a Chinese name without its level
        named = sorted({row[0] for row in rows if row[2] and key == _without_level(fold(row[2]))})
    if len(named) == 1:
        return named[0]
    if named:
        raise NotUnderstood(f"'{typed}' names {len(named)} {what}s: {', '.join(named)}; give its id")
    raise NotUnderstood(f"no {what} '{typed}'{_suggestion(key, rows, what)}")


# The words a Chinese place name ends with to say its level, which people drop.
_LEVELS = ("自治区", "特别行政区", "省", "市", "区", "县")


def _without_level(name: str) -> str:
    for level in _LEVELS:
        if name.endswith(level) and len(name) > len(level) + 1:
            return name[: -len(level)]
    return name


def _suggestion(key: str, rows, what: str) -> str:
    """Up to three rows nearest to `key`, each by its label nearest to it (its id on a tie)."""
    from difflib import SequenceMatcher  # only when nothing matched

    scored = []
    for row in rows:
        labels = [(i == 0, label) for i, label in enumerate(row) if label]
        score, _, label = max((SequenceMatcher(None, key, fold(label)).ratio(), is_id, label) for is_id, label in labels)
        if score >= 0.5:
            scored.append((score, label))
    near = [label for _, label in sorted(scored, key=lambda s: -s[0])[:3]]
    if not near:
        return f"; see: gdfacts {what}s"
    return "; did you mean " + " or ".join(f"'{label}'" for label in near) + "?"


def period_span(typed: str) -> tuple[str, str]:
    """The first and last day ('2024-01-01', '2024-03-31') of the period or
    range of periods `typed` names."""
    text = unicodedata.normalize("NFKC", typed).strip()
    if periods.problem(text) is None:
        return _days(text)
    years = _YEARS.fullmatch(text)
    separator = "-" if years else ".." if ".." in text else "/" if "/" in text else None
    first, last = years.groups() if years else text.split(separator, 1) if separator else (text, "")
    if separator is None or periods.problem(first) or periods.problem(last):
        raise NotUnderstood(f"period '{typed}' is not a period ({periods.HELP}) {RANGE_HELP}")
    start, end = _days(first)[0], _days(last)[1]
    if end < start:
        raise NotUnderstood(f"the period range '{typed}' ends before it starts; did you mean {last}{separator}{first}?")
    return start, end


def first_day(period) -> str | None:
    """The first day of a period as ISO text; None when it is not a period."""
    return _days(period)[0] if _is_period(period) else None


def last_day(period) -> str | None:
    return _days(period)[1] if _is_period(period) else None


def _is_period(period) -> bool:
    return isinstance(period, str) and periods.problem(period) is None


def _days(period: str) -> tuple[str, str]:
    first, last = periods.bounds(period)
    return "%04d-%02d-%02d" % first, "%04d-%02d-%02d" % last
