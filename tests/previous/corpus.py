"""gdfacts/rules/corpus.py as it was before issue 14 put its records out of
memory (commit 5938a79), verbatim but for this docstring and its imports:
tests/test_check_equivalence.py holds the current rules to its results."""

from __future__ import annotations

from dataclasses import dataclass, field

from gdfacts import coverage
from gdfacts.inputs import FACTS_DIR
from gdfacts.lexicon import Lexicon
from gdfacts.model import ROW_COLUMNS
from gdfacts.problems import USED_TWICE, Message
from gdfacts.rules import each, explained
from gdfacts.rules.citations import number

_ID, _VALUE, _QUALIFIER, _CONFLICTS_WITH, _FILE, _LINE = (ROW_COLUMNS.index(c) for c in (
    "id", "value", "qualifier", "conflicts_with", "data_file", "data_line"))
_KEY = tuple(ROW_COLUMNS.index(c) for c in ("region_id", "indicator_id", "period", "kind", "unit"))


@dataclass
class Corpus:
    """Every fact file's own check, put together."""

    checks: list  # model.FileCheck of every fact file read, in path order
    sources: dict  # model.Source by id, each with its fact file (the first that names it)
    lex: Lexicon
    every_file_named_a_source: bool  # every file in data/facts/ was read and names a known source
    # found along the way
    standing: list = field(default_factory=list)  # the records that neither repeat nor contradict an earlier one
    by_id: dict = field(default_factory=dict)  # those of them, by id, first of each id

    def own(self) -> list:
        """The checks of the fact files that are their source's own."""
        return [c for c in self.checks if c.source_id is not None and self.sources[c.source_id].fact_file == c.rel]

    def records(self) -> list[tuple]:
        """The records of every source's own fact file (rows, as stored)."""
        return [row for check in self.own() for _, row, _ in check.records]


def key(row: tuple) -> tuple:
    """What makes two records the same: region, indicator, period, kind and unit."""
    return tuple(row[i] for i in _KEY)


def uncovered(source, covered, lex) -> list[tuple[int, str]]:
    """The numerals of an article that no citation states and no unrecorded entry lists: (line, numeral)."""
    ident = source.entry["id"]
    return [(n, numeral) for n, text in enumerate(source.lines, 1)
            for numeral in coverage.uncovered(text, covered.get((ident, n), []), lex)]


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
    """Each article's numerals, once its fact file has no problems (until then, coverage waits)."""
    own = {check.source_id: check for check in c.own()}
    covered: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for check in own.values():
        for place, spans in check.covered.items():
            covered.setdefault(place, []).extend(spans)
    cited_from_elsewhere = {place[0] for check in c.checks for place in check.covered if place[0] != check.source_id}
    for ident, source in c.sources.items():
        check = own.get(ident)
        if check is None or check.file_problems or check.problems:
            continue
        left = uncovered(source, covered, c.lex) if ident in cited_from_elsewhere else check.uncovered
        for n, numeral in left:
            yield ((check.rel, check.coverage_line),
                   f"{source.entry.get('seed')} line {n} says '{numeral}', which no citation states and unrecorded does not list")


@explained(Message("`repeats record ...` / `conflicts with record ...`",
                   "add the citation to the existing record; or, if sources really disagree, give an `id` and "
                   "`conflicts_with:` with a note", r"^(repeats|conflicts with) record \S+ \("))
def records_of_the_same_key_agree_or_acknowledge(c: Corpus):
    first: dict[tuple, tuple] = {}
    for record in c.records():
        earlier = first.setdefault(key(record), record)
        where = f"({earlier[_FILE]}:{earlier[_LINE]})"
        if earlier is record:
            c.standing.append(record)
        elif earlier[_VALUE] == record[_VALUE] and earlier[_QUALIFIER] == record[_QUALIFIER]:
            yield (record[_FILE], record[_LINE]), f"repeats record {earlier[_ID]} {where}; add its citations there instead"
        elif record[_CONFLICTS_WITH] != earlier[_ID] and earlier[_CONFLICTS_WITH] != record[_ID]:
            yield ((record[_FILE], record[_LINE]),
                   f"conflicts with record {earlier[_ID]} {where}: {number(record[_VALUE])} against {number(earlier[_VALUE])}. "
                   f"If the sources really disagree, give this record an id and conflicts_with: {earlier[_ID]}, with a note")
        else:
            c.standing.append(record)


@explained(USED_TWICE)
def ids_are_unique(c: Corpus):
    """Among the records that stand (one that repeats another has its id too: that is reported)."""
    for record in c.standing:
        other = c.by_id.setdefault(record[_ID], record)
        if other is not record:
            yield (record[_FILE], record[_LINE]), f"id '{record[_ID]}' is used twice (first at {other[_FILE]}:{other[_LINE]})"


@explained(Message("`conflicts_with 'x' names no record of the same region, indicator, period, kind and unit`",
                   "name the id of the record this one disagrees with", r"^conflicts_with '[^']*' names no record of the same"))
def conflicts_with_names_a_record_of_the_same_key(c: Corpus):
    for record in c.records():
        if record[_CONFLICTS_WITH] is not None:
            other = c.by_id.get(record[_CONFLICTS_WITH])
            if other is None or key(other) != key(record):
                yield ((record[_FILE], record[_LINE]),
                       f"conflicts_with '{record[_CONFLICTS_WITH]}' names no record of the same region, indicator, period, kind and unit")


# In this order: ids are unique among the records that stand, and conflicts_with names one of them.
CORPUS_RULES = each("corpus", one_fact_file_per_source, every_source_has_a_fact_file, every_numeral_is_cited_or_unrecorded,
                    records_of_the_same_key_agree_or_acknowledge, ids_are_unique, conflicts_with_names_a_record_of_the_same_key)
