"""The lexicon: every word the build reads numbers with, in English and Chinese.

`data/lexicon.yml` holds the words (scales, hedges, directions, multiples,
positions, numerals, periods) and `data/units.yml` the units with the words
that name them. `load(root)` reads both into one `Lexicon`, which the number
reader (`quantities`), the clause reader (`clause`) and the coverage check
(`coverage`) all take: no word list lives in the code.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .problems import NOT_ONE_OF, USED_TWICE, Message, Problem

LEXICON_FILE = "data/lexicon.yml"
UNITS_FILE = "data/units.yml"
QUALIFIERS = ("exact", "approximately", "more_than", "at_least", "less_than", "at_most")
STATED_BY = ("currency", "words", "number", "ordinal", "multiple")
DIRECTIONS = ("up", "down")
OUTCOMES = ("met", "missed")
ROOT = Path(__file__).resolve().parent.parent

MESSAGES = (
    Message("`has an unknown section 'x'` / `is missing the sections: ...` / `hedges must be a mapping of words to values` "
            "(in data/lexicon.yml)",
            "keep the sections of data/lexicon.yml and their shapes: add a word beside the others of its list",
            r"has an unknown section '|is missing the sections: |must be a mapping (of sections|with 'before'|of words)"
            r"|must be a list of words|must be one word|must map to one value"),
    Message("`months: 'x' must be a whole number, not '...'` / `periods: '...' is not Q1-Q4, H1-H2 or a span of months`",
            "give the word the value its section takes", r"must be a whole number, not '|' is not Q1-Q4"),
    Message("`unit 'x' is stated by currency, so it needs the words that follow its numbers in 'after'` / "
            "`unit 'x' accepts 'y', which is not a unit` (in data/units.yml)",
            "give the unit its words, and accept only units of data/units.yml",
            r"^unit '[^']*' (is stated by \w+, so it needs|accepts '[^']*', which is not a unit)"),
    NOT_ONE_OF,
    USED_TWICE,
)


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    name_zh: str
    description: str
    stated_by: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    accepts: tuple[str, ...]
    low: Decimal
    high: Decimal
    whole: bool


@dataclass
class Lexicon:
    units: dict[str, Unit] = field(default_factory=dict)
    scales: dict[str, int] = field(default_factory=dict)
    hedges_before: dict[str, str] = field(default_factory=dict)
    hedges_after: dict[str, str] = field(default_factory=dict)
    directions_before: dict[str, str] = field(default_factory=dict)
    directions_after: dict[str, str] = field(default_factory=dict)
    fillers: frozenset = frozenset()
    blockers: frozenset = frozenset()
    multiples: frozenset = frozenset()
    ranges: frozenset = frozenset()
    ordinals: dict[str, int] = field(default_factory=dict)
    first_place: frozenset = frozenset()
    cardinals: dict[str, int] = field(default_factory=dict)
    fractions: dict[str, int] = field(default_factory=dict)
    chinese_digits: dict[str, int] = field(default_factory=dict)
    chinese_units: dict[str, int] = field(default_factory=dict)
    chinese_point: str = "点"
    chinese_percent: str = "百分之"
    chinese_ordinal: str = "第"
    periods: dict[str, str] = field(default_factory=dict)
    months: dict[str, int] = field(default_factory=dict)
    whole_year: frozenset = frozenset()
    year_before: frozenset = frozenset()
    year_after: frozenset = frozenset()
    not_numbers: tuple[str, ...] = ()
    outcomes: dict[str, str] = field(default_factory=dict)  # words that say a target was met or missed
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def cached(self, key: str, make):
        """A table derived from the words, made once per lexicon."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # -- derived tables --------------------------------------------------------

    def currency_before(self) -> dict[str, str]:
        return {w: u.id for u in self.units.values() if u.stated_by == "currency" for w in u.before}

    def unit_after(self) -> dict[str, str]:
        """Words after a number that name its unit (currencies, percent, tonnes, 家)."""
        return {w: u.id for u in self.units.values() for w in u.after}

    def roles(self) -> dict[str, set[str]]:
        """Every phrase the reader knows, normalised, with what it can be."""
        table: dict[str, set[str]] = {}

        def add(words, role):
            for w in words:
                table.setdefault(normal(w), set()).add(role)

        add(self.scales, "scale")
        add(self.hedges_before, "hedge_before")
        add(self.hedges_after, "hedge_after")
        add(self.directions_before, "direction_before")
        add(self.directions_after, "direction_after")
        add(self.fillers, "filler")
        add(self.blockers, "blocker")
        add(self.multiples, "multiple")
        add(self.ranges, "range")
        add(self.ordinals, "ordinal")
        add(self.first_place, "first_place")
        add(self.cardinals, "cardinal")
        add(self.fractions, "fraction")
        add(self.currency_before(), "currency_before")
        add(self.unit_after(), "unit_after")
        add([self.chinese_percent], "chinese_percent")
        add([self.chinese_ordinal], "chinese_ordinal")
        return table

    def lookup(self, table: str, phrase: str):
        """A phrase's entry in one of the word tables, matched as the reader normalises."""
        def normalised():
            source = getattr(self, table)
            source = source() if callable(source) else source
            return {normal(k): v for k, v in (source.items() if isinstance(source, dict) else ((w, w) for w in source))}
        return self.cached(f"table:{table}", normalised).get(normal(phrase))


def normal(text: str) -> str:
    """Text as the reader compares it: NFKC (full-width digits and ％ become
    ASCII), one space between words, lower case."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


# -- reading the files ----------------------------------------------------------

_SECTIONS = {
    # name: (shape, value kind) -- shape "map" (word: value) or "list" (words)
    "scales": ("map", "integer"),
    "hedges": ("before_after", "qualifier"),
    "directions": ("before_after", "direction"),
    "fillers": ("list", None),
    "blockers": ("list", None),
    "multiples": ("list", None),
    "ranges": ("list", None),
    "ordinals": ("map", "integer"),
    "first_place": ("list", None),
    "cardinals": ("map", "integer"),
    "fractions": ("map", "integer"),
    "chinese_digits": ("map", "integer"),
    "chinese_units": ("map", "integer"),
    "chinese_point": ("text", None),
    "chinese_percent": ("text", None),
    "chinese_ordinal": ("text", None),
    "periods": ("map", "period"),
    "months": ("map", "integer"),
    "whole_year": ("list", None),
    "year_before": ("list", None),
    "year_after": ("list", None),
    "not_numbers": ("list", None),
    "outcomes": ("map", "outcome"),
}


def load(data: dict[str, bytes]) -> tuple[Lexicon | None, list[Problem]]:
    """The lexicon from the bytes of data/lexicon.yml and data/units.yml."""
    from . import strict_yaml  # the build's reader: not loaded by the CLI, which only formats

    problems: list[Problem] = []
    lex = Lexicon()
    units = _units(data[UNITS_FILE], problems)
    lex.units = units
    node, yaml_problems = strict_yaml.load(data[LEXICON_FILE], LEXICON_FILE)
    problems += yaml_problems
    if yaml_problems:
        return None, problems
    if not isinstance(node, strict_yaml.Mapping):
        return None, problems + [Problem(LEXICON_FILE, 1, "must be a mapping of sections (scales, hedges, ...)")]
    for name, child in node.items.items():
        at = node.key_lines[name]
        if name not in _SECTIONS:
            problems.append(Problem(LEXICON_FILE, at, f"has an unknown section '{name}'; known sections: {', '.join(_SECTIONS)}"))
            continue
        shape, kind = _SECTIONS[name]
        if shape == "before_after":
            if not isinstance(child, strict_yaml.Mapping) or set(child.items) - {"before", "after"}:
                problems.append(Problem(LEXICON_FILE, at, f"{name} must be a mapping with 'before' and 'after'"))
                continue
            for side, words in child.items.items():
                setattr(lex, f"{name}_{side}", _word_map(words, kind, name, problems))
        elif shape == "map":
            setattr(lex, name, _word_map(child, kind, name, problems))
        elif shape == "list":
            words = _word_list(child, name, problems)
            setattr(lex, name, tuple(words) if name == "not_numbers" else frozenset(words))
        else:
            if not isinstance(child, strict_yaml.Scalar) or not child.value:
                problems.append(Problem(LEXICON_FILE, at, f"{name} must be one word"))
                continue
            setattr(lex, name, child.value)
    missing = [n for n in _SECTIONS if n not in node.items]
    if missing:
        problems.append(Problem(LEXICON_FILE, 1, f"is missing the sections: {', '.join(missing)}"))
    return (None if problems else lex), problems


def _units(data: bytes, problems: list[Problem]) -> dict[str, Unit]:
    from . import spec, strict_yaml

    node, yaml_problems = strict_yaml.load(data, UNITS_FILE)
    if yaml_problems:
        problems += yaml_problems
        return {}
    entries, list_problems = spec.read_list(node, spec.UNIT, UNITS_FILE, "units")
    problems += list_problems
    units: dict[str, Unit] = {}
    for e in entries:
        ident = e.get("id")
        if ident is None or None in (e.get("name"), e.get("stated_by"), e.get("min"), e.get("max")):
            continue
        if ident in units:
            problems.append(Problem(UNITS_FILE, e.line_of("id"), f"id '{ident}' is used twice"))
            continue
        if e["stated_by"] not in STATED_BY:
            problems.append(Problem(UNITS_FILE, e.line_of("stated_by"), f"stated_by '{e['stated_by']}' is not one of: {', '.join(STATED_BY)}"))
            continue
        if e["stated_by"] in ("currency", "words") and not e.get("after"):
            problems.append(Problem(UNITS_FILE, e.line, f"unit '{ident}' is stated by {e['stated_by']}, so it needs the words that follow its numbers in 'after'"))
            continue
        units[ident] = Unit(ident, e["name"], e.get("name_zh", ""), e.get("description", ""), e["stated_by"],
                            tuple(e.get("before", [])), tuple(e.get("after", [])), tuple(e.get("accepts", [])),
                            e["min"], e["max"], bool(e.get("whole")))
    for unit in units.values():
        for other in unit.accepts:
            if other not in units:
                problems.append(Problem(UNITS_FILE, 1, f"unit '{unit.id}' accepts '{other}', which is not a unit"))
    return units


def _word_map(node, kind, section, problems) -> dict:
    from . import spec, strict_yaml

    if not isinstance(node, strict_yaml.Mapping):
        problems.append(Problem(LEXICON_FILE, getattr(node, "line", 1), f"{section} must be a mapping of words to values"))
        return {}
    out = {}
    for word, value in node.items.items():
        at = node.key_lines[word]
        text = value.value if isinstance(value, strict_yaml.Scalar) else None
        if text is None or (bad := spec.forbidden_character(word)):
            problems.append(Problem(LEXICON_FILE, at, f"{section}: '{spec.visible(word)}' must map to one value"))
            continue
        if kind == "integer":
            if not text.lstrip("-").isdigit():
                problems.append(Problem(LEXICON_FILE, at, f"{section}: '{word}' must be a whole number, not '{text}'"))
                continue
            out[word] = int(text)
        elif kind == "qualifier" and text not in QUALIFIERS:
            problems.append(Problem(LEXICON_FILE, at, f"{section}: '{text}' is not one of: {', '.join(QUALIFIERS)}"))
        elif kind == "direction" and text not in DIRECTIONS:
            problems.append(Problem(LEXICON_FILE, at, f"{section}: '{text}' is not one of: {', '.join(DIRECTIONS)}"))
        elif kind == "outcome" and text not in OUTCOMES:
            problems.append(Problem(LEXICON_FILE, at, f"{section}: '{text}' is not one of: {', '.join(OUTCOMES)}"))
        elif kind == "period" and not _is_part(text):
            problems.append(Problem(LEXICON_FILE, at, f"{section}: '{text}' is not Q1-Q4, H1-H2 or a span of months like 01/09"))
        else:
            out[word] = text
    return out


def _is_part(text: str) -> bool:
    from . import periods

    return periods.problem(periods.from_part("2000", text)) is None


def _word_list(node, section, problems) -> list[str]:
    from . import strict_yaml

    if not isinstance(node, strict_yaml.Sequence) or not all(isinstance(n, strict_yaml.Scalar) for n in node.items):
        problems.append(Problem(LEXICON_FILE, getattr(node, "line", 1), f"{section} must be a list of words"))
        return []
    return [n.value for n in node.items]


@lru_cache(maxsize=1)
def default() -> Lexicon:
    """The repository's own lexicon (for the CLI, tests and tools)."""
    data = {rel: (ROOT / rel).read_bytes() for rel in (LEXICON_FILE, UNITS_FILE)}
    lex, problems = load(data)
    if lex is None:
        raise ValueError("; ".join(map(str, problems)))
    return lex
