"""The rules across fact files: one fact file per source and one for each,
every numeral of every article accounted for, and records that agree, or
acknowledge that they do not.

They look at each fact file's check without its records (`FileCheck.summary`)
and at each record only through its keys (corpus_keys.py), so that what they
hold grows with the number of fact files, not of records. Where the keys
database kept from the last build holds a file's rows as of its content,
they are not written again, and its records are not read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from .. import coverage
from ..corpus_keys import Keys
from ..inputs import FACTS_DIR
from ..lexicon import Lexicon
from ..model import ROW_COLUMNS
from ..problems import USED_TWICE, Message
from . import each, explained
from .citations import number

_ID, _VALUE, _QUALIFIER, _CONFLICTS_WITH, _LINE, _KIND, _INDICATOR, _UNIT = (ROW_COLUMNS.index(c) for c in (
    "id", "value", "qualifier", "conflicts_with", "data_line", "kind", "indicator_id", "unit"))
_KEY = tuple(ROW_COLUMNS.index(c) for c in ("region_id", "indicator_id", "period", "kind", "unit"))
_OUTCOME_KEY = tuple(ROW_COLUMNS.index(c) for c in ("region_id", "indicator_id", "period", "unit"))


@dataclass
class Corpus:
    """Every fact file's check, put together: `add` each in path order."""

    sources: dict  # model.Source by id, each with its fact file (the first that names it)
    lex: Lexicon
    checks: list = field(default_factory=list)  # model.FileCheck.summary() of every fact file read, in path order
    every_file_named_a_source: bool = True  # every file in data/facts/ was read and names a known source
    keys: Keys = field(default_factory=Keys)  # of the records of every source's own fact file
    # found along the way
    fallen: set = field(default_factory=set)  # the seq of each record that repeats or contradicts an earlier one

    def add(self, check, records=None) -> None:
        """A fact file's check (model.FileCheck), once the build has decided
        whether it is its source's own; `records()` gives its records where
        the check is a summary (FileCheck.records is None) and the keys
        database does not hold them as of its content (check.cache_key)."""
        self.checks.append(check.summary())
        self.every_file_named_a_source &= check.source_id is not None
        if self.is_own(check) and not self.keys.holds(check.rel, check.cache_key):
            self.keys.put(check.rel, check.cache_key, keyed(check.records if check.records is not None else records()))

    def is_own(self, check) -> bool:
        return check.source_id is not None and self.sources[check.source_id].fact_file == check.rel

    def own(self) -> list:
        """The checks of the fact files that are their source's own."""
        return [c for c in self.checks if self.is_own(c)]


def key(row: tuple) -> tuple:
    """What makes two records the same: region, indicator, period, kind and unit."""
    return tuple(row[i] for i in _KEY)


def outcome_key(row: tuple) -> tuple:
    """What an actual must share with a target to decide it: region, indicator, period and unit."""
    return tuple(row[i] for i in _OUTCOME_KEY)


def keyed(records) -> Iterator[tuple]:
    """Stored records (model.Record.stored()) as the keys database takes them (corpus_keys.Keys.put)."""
    for table, row, citations in records:
        yield (repr(key(row)), row[_ID], row[_CONFLICTS_WITH], row[_VALUE], row[_QUALIFIER], row[_LINE], table, row[_KIND],
               row[_INDICATOR], row[_UNIT], len(citations), repr(outcome_key(row)))


def uncovered(source, covered, lex) -> list[tuple[int, int, int, str]]:
    """The numerals of an article that no citation states and no unrecorded entry lists: (line, start, end, numeral)."""
    ident = source.entry["id"]
    return [(n, start, end, numeral) for n, text in enumerate(source.lines, 1)
            for start, end, numeral in coverage.left(coverage.numerals(text, lex), covered.get((ident, n), []))]


@explained(Message("`source 'x' already has its fact file, ...`", "one fact file per article: merge the two, or fix `source:`",
                   r"^source '[^']*' already has its fact file"))
def one_fact_file_per_source(c: Corpus):
    for check in c.checks:
        if check.source_id is not None and c.sources[check.source_id].fact_file != check.rel:
            yield (check.rel, check.source_line), f"source '{check.source_id}' already has its fact file, {c.sources[check.source_id].fact_file}"


@explained(Message(f"`source 'x' has no fact file in {FACTS_DIR}/`", "add it (see Adding an article)",
                   r"^source '[^']*' has no fact file in "))
def every_source_has_a_fact_file(c: Corpus):
    if not c.checks or not c.every_file_named_a_source:
        return  # a file that is not read, or names another source, may be its: that is reported
    for ident, source in c.sources.items():
        if source.fact_file is None:
            yield (source.path, source.entry.line), f"source '{ident}' has no fact file in {FACTS_DIR}/"


@explained(Message("`... line N says '12', which no citation states and unrecorded does not list`",
                   "record the number, or list it under `unrecorded` with a reason",
                   r"line \d+ says '[^']*', which no citation states and unrecorded does not list"))
def every_numeral_is_cited_or_unrecorded(c: Corpus):
    """Each article's numerals, once its fact file has no problems (until then, coverage waits).

    A numeral its own fact file leaves may be stated by a citation in
    another source's own fact file: the spans those cover in this article."""
    own = {check.source_id: check for check in c.own()}
    covered: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for check in own.values():
        for place, spans in check.covered.items():  # in other articles than the check's own
            covered.setdefault(place, []).extend(spans)
    cited_from_elsewhere = {place[0] for check in c.checks for place in check.covered if place[0] != check.source_id}
    for ident, source in c.sources.items():
        check = own.get(ident)
        if check is None or check.file_problems or check.problems:
            continue
        left = check.uncovered
        if ident in cited_from_elsewhere:
            left = [(n, start, end, numeral) for n, start, end, numeral in left
                    if coverage.left([(start, end, numeral)], covered.get((ident, n), []))]
        for n, _, _, numeral in left:
            yield ((check.rel, check.coverage_line),
                   f"{source.entry.get('seed')} line {n} says '{numeral}', which no citation states and unrecorded does not list")


@explained(Message("`repeats record ...` / `conflicts with record ...`",
                   "add the citation to the existing record; or, if sources really disagree, give an `id` and "
                   "`conflicts_with:` with a note", r"^(repeats|conflicts with) record \S+ \("))
def records_of_the_same_key_agree_or_acknowledge(c: Corpus):
    """A record of the same key as an earlier one must give the same value (it
    is then a repeat) or acknowledge the conflict; each that does neither falls."""
    for record, earlier in c.keys.repeated_keys():
        where = f"({earlier.file}:{earlier.line})"
        if earlier.value == record.value and earlier.qualifier == record.qualifier:
            c.fallen.add(record.seq)
            yield (record.file, record.line), f"repeats record {earlier.id} {where}; add its citations there instead"
        elif record.conflicts_with != earlier.id and earlier.conflicts_with != record.id:
            c.fallen.add(record.seq)
            yield ((record.file, record.line),
                   f"conflicts with record {earlier.id} {where}: {number(record.value)} against {number(earlier.value)}. "
                   f"If the sources really disagree, give this record an id and conflicts_with: {earlier.id}, with a note")


@explained(USED_TWICE)
def ids_are_unique(c: Corpus):
    """Among the records that stand (one that repeats another has its id too: that is reported)."""
    first: dict[str, object] = {}
    for record in c.keys.shared_ids():
        if record.seq in c.fallen:
            continue
        other = first.setdefault(record.id, record)
        if other is not record:
            yield (record.file, record.line), f"id '{record.id}' is used twice (first at {other.file}:{other.line})"


@explained(Message("`conflicts_with 'x' names no record of the same region, indicator, period, kind and unit`",
                   "name the id of the record this one disagrees with", r"^conflicts_with '[^']*' names no record of the same"))
def conflicts_with_names_a_record_of_the_same_key(c: Corpus):
    """The record named is the first that stands with that id."""
    for record in c.keys.acknowledging():
        other = next((r for r in c.keys.with_id(record.conflicts_with) if r.seq not in c.fallen), None)
        if other is None or other.key != record.key:
            yield ((record.file, record.line),
                   f"conflicts_with '{record.conflicts_with}' names no record of the same region, indicator, period, kind and unit")


# In this order: ids are unique among the records that stand, and conflicts_with names one of them.
CORPUS_RULES = each("corpus", one_fact_file_per_source, every_source_has_a_fact_file, every_numeral_is_cited_or_unrecorded,
                    records_of_the_same_key_agree_or_acknowledge, ids_are_unique, conflicts_with_names_a_record_of_the_same_key)
