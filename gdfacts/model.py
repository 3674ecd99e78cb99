"""What the checks produce: sources with their lines, records with their
citations, as the build stores them, and the check of one fact file."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from . import spec
from .problems import Problem


@dataclass
class Source:
    entry: spec.Entry
    path: str  # the YAML file that lists it
    lines: list[str] = field(default_factory=list)
    fact_file: str | None = None
    coverage_line: int = 1  # where its fact file reports numbers left uncovered


@dataclass
class Citation:
    source_id: str
    line: int
    quote: str
    as_stated: str
    stated_value: Decimal
    stated_high: Decimal | None
    stated_step: Decimal
    clause_words: str | None
    stated_qualifier: str
    correction_reason: str | None
    correction_scale: Decimal | None


@dataclass
class Record:
    id: str
    table: str  # facts | targets
    region_id: str
    indicator_id: str
    period: str
    kind: str
    value: Decimal
    value_high: Decimal | None
    unit: str
    qualifier: str
    period_basis: str | None
    note: str | None
    conflicts_with: str | None
    data_file: str
    data_line: int
    citations: list[Citation]

    def stored(self) -> tuple:
        """The record as the database stores it: (table, row, citation rows), plain
        tuples in the order of ROW_COLUMNS and CITATION_COLUMNS (quick to cache)."""
        corrected = int(any(c.correction_reason for c in self.citations))
        row = (self.id, self.region_id, self.indicator_id, self.period, self.kind, float(self.value),
               float(self.value_high) if self.value_high is not None else None, self.unit, self.qualifier, corrected, self.period_basis, self.note, self.conflicts_with, self.data_file,
               self.data_line)
        citations = tuple(
            (c.source_id, c.line, c.quote, c.as_stated, float(c.stated_value),
             float(c.stated_high) if c.stated_high is not None else None, float(c.stated_step), c.clause_words,
             c.stated_qualifier,
             int(c.correction_reason is not None), c.correction_reason,
             float(c.correction_scale) if c.correction_scale is not None else None)
            for c in self.citations)
        return self.table, row, citations


# The columns of a stored record's row (facts and targets), and of its citations' rows (without their id).
ROW_COLUMNS = ("id", "region_id", "indicator_id", "period", "kind", "value", "value_high", "unit", "qualifier",
               "corrected", "period_basis", "note", "conflicts_with", "data_file", "data_line")
CITATION_COLUMNS = ("source_id", "line", "quote", "as_stated", "stated_value", "stated_high", "stated_step", "clause_words",
                    "stated_qualifier", "corrected", "correction_reason", "correction_scale")


@dataclass
class FileCheck:
    """What checking one fact file on its own gives (cached by content)."""
    rel: str
    source_id: str | None  # the source it names, if it names a known one
    source_line: int
    coverage_line: int
    records: list[tuple] | None  # Record.stored(); None in a summary, whose records are in the cache
    covered: dict[tuple[str, int], list[tuple[int, int]]]
    file_problems: list[Problem]  # of the file as a whole (YAML, keys, types)
    problems: list[Problem]  # of its records
    uncovered: list[tuple[int, int, int, str]] = field(default_factory=list)  # (line, start, end, numeral) of its
    # article's numerals that its citations and unrecorded entries leave
    statements: list = field(default_factory=list)  # outcomes.Statement: targets met or missed, said in words
    cache_key: str | None = None  # where the check cache holds this check (None: it does not)
    tally: tuple[int, int, int] = (0, 0, 0)  # how many facts, targets and citations its records have
    targets: list[tuple] = field(default_factory=list)  # each target as outcomes sees it (outcomes.Stored's fields)

    def summary(self) -> FileCheck:
        """What the rules across fact files need of this check: all but its
        records, and of what its citations cover only the places in other
        articles than its own (its own article's are in `uncovered`). The
        check cache keeps it apart from the records, to be read without them."""
        return replace(self, records=None, covered={place: spans for place, spans in self.covered.items()
                                                    if place[0] != self.source_id})
