"""Read data/, seeds/ and schema.sql, check everything, and return the rows.

`load(root)` either returns a Dataset whose every number has been proved
against its article, or raises BuildFailed with every problem found, each
naming a file and line. Nothing here writes anything.

This is the order of the checks; what each one checks is elsewhere:
`inputs` reads every file (and reports what cannot be read), the groups of
rules in `rules/` say what must hold (references, records, citations, the
corpus), and this module runs them in order, deciding between groups what to
check next, so that each problem is reported once, where it is. Each fact
file is checked on its own (`check_file`), from the content cache or in
worker processes, and handed over in path order: its records stay in the
check cache (or, where the cache does not hold them, go to a store out of
memory: record_store.py), and what the rules across fact files look at
goes to a summary and a table of keys (rules/corpus.py, corpus_keys.py),
so that memory holds a few files' records, not the corpus. A file whose
check the cache holds is read as its summary alone, and its keys are
written again only when the table kept from the last build does not hold
them as of its content. What holds across fact files is checked last;
relations and outcomes then read back, file by file, only the files that
hold a record they can look at.
"""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing
import os
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Iterator

from . import cache, corpus_keys, lexicon, outcomes, relations, spec, strict_yaml
from .inputs import (CITATION_FILE, DATA_DIR, FACTS_DIR, LEXICON_FILES, MAX_INPUT_BYTES, METADATA_FILE, REFERENCE_FILES,
                     SCHEMA_FILE, SEED_CHECKSUMS, SEEDS_DIR, Inputs, read_input)
from .model import CITATION_COLUMNS, ROW_COLUMNS, Citation, FileCheck, Record, Source
from .problems import BuildFailed, Problem
from .record_store import RecordStore
from .rules import citations as citation_rules
from .rules import corpus as corpus_rules
from .rules import records as record_rules
from .rules import references as reference_rules
from .rules.references import LINE_BREAKS

# What other modules use, wherever it is defined.
__all__ = ["load", "check_file", "check_files", "Dataset", "FactFile", "Checking", "Source", "Citation", "Record", "FileCheck",
           "ROW_COLUMNS", "CITATION_COLUMNS", "read_input", "REFERENCE_FILES", "DATA_DIR", "FACTS_DIR", "SEEDS_DIR",
           "SCHEMA_FILE", "SEED_CHECKSUMS", "LEXICON_FILES", "LINE_BREAKS", "MAX_INPUT_BYTES", "METADATA_FILE", "CITATION_FILE"]


@dataclass
class Dataset:
    schema_sql: str
    lexicon: lexicon.Lexicon
    sources: dict[str, Source]
    regions: dict[str, spec.Entry]
    indicators: dict[str, spec.Entry]
    files: list[FactFile]  # each source's own fact file, in path order, with its records on demand
    inputs: list[tuple[str, str]]  # (path, sha256) of every file read
    relations: relations.Result | None = None
    statements: list = field(default_factory=list)  # outcomes.Statement
    statuses: list = field(default_factory=list)  # outcomes.Status
    release: dict = field(default_factory=dict)  # CITATION.cff's version, date-released and license
    dictionary: list = field(default_factory=list)  # the rows of data_dictionary
    store: RecordStore | None = None  # where the records of files not in the cache are, until `close`

    def close(self) -> None:
        """Let go of the temporary file holding the records the cache does not."""
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def records(self) -> Records:
        """Every record (Record.stored(): table, row, citation rows), file after file, read again at each pass."""
        return Records(self.files)


@dataclass
class FactFile:
    """A source's own fact file, checked: how many records of each kind it
    has, and its records as stored (Record.stored()) on demand, one file at a
    time, so that nothing holds every record at once: read back from the
    check cache, or, for a file whose check the cache does not hold (it is
    off, or cannot be written), from the build's record store."""

    rel: str
    facts: int
    targets: int
    citations: int
    cache_key: str | None
    held: RecordStore | None = None  # where its records are when the cache does not hold them

    @classmethod
    def of(cls, check: FileCheck, store: RecordStore) -> FactFile:
        if check.cache_key is None:
            store.add(check.rel, check.records)
        return cls(check.rel, *check.tally, check.cache_key, store if check.cache_key is None else None)

    def records(self) -> list[tuple]:
        if self.held is not None:
            return self.held.of_file(self.rel)
        summary, records = cache.get(self.cache_key, parts=2) or (None, None)
        if not isinstance(summary, FileCheck) or summary.rel != self.rel or not isinstance(records, list):
            cache.forget(self.cache_key)  # a summary that reads beside records that do not: checked again next time
            raise cache.Lost(f"{self.rel}: its check left the cache ({cache.directory()}) during the build")
        return records


class Records:
    """The records of fact files, file after file: iterate it as often as needed."""

    def __init__(self, files: list[FactFile]):
        self.files = files

    def __iter__(self) -> Iterator[tuple]:
        for f in self.files:
            yield from f.records()

    def __len__(self) -> int:
        return sum(f.facts + f.targets for f in self.files)


@dataclass
class Checking:
    """What checking one fact file needs besides the file: the same for every file."""

    vocab: dict
    lex: lexicon.Lexicon
    unreadable: frozenset  # the reference lists that could not be read: nothing is reported against them
    sources: dict[str, Source]
    regions: dict[str, spec.Entry]
    indicators: dict[str, spec.Entry]


def load(root: Path | str, kept_keys: bool = True) -> Dataset:
    """Check every input under root; return the dataset or raise BuildFailed.
    (Without `kept_keys`, the keys of the records are in a temporary database,
    not the one kept in the check cache.)"""
    inputs = Inputs(Path(root))
    schema, problems = inputs.schema()
    lex, found = inputs.lexicon()
    problems += found
    refs, unreadable = {}, set()
    for name in REFERENCE_FILES:
        listed, found = inputs.reference(name)
        problems += found
        if listed is None:
            unreadable.add(name)
        refs[name] = listed or {}
    if schema is None or lex is None:
        raise BuildFailed(problems)
    schema_sql, vocab = schema
    vocab["units"] = {ident: unit.name for ident, unit in lex.units.items()}
    problems += _reference_lists(refs, vocab)
    sources, found = _sources(inputs, refs["sources"], "sources" in unreadable)
    problems += found
    checking = Checking(vocab, lex, frozenset(unreadable), sources, refs["regions"], refs["indicators"])
    keys = _keys(inputs) if kept_keys else corpus_keys.Keys()
    store = None
    try:
        files, store, statements, targets, found = _fact_files(inputs, checking, keys)
        problems += found
        declared, found = _declared_relations(inputs, refs["indicators"], lex) if not unreadable else (None, [])
        problems += found
        for_relations, facts = _selected_through(keys, files, declared[0] if declared else [], targets, lex.units)
    except BaseException as e:
        keys.close(keep=False)
        if store is not None:
            store.close()
        if isinstance(e, corpus_keys.Unusable):  # a full disk under the check cache, or a damaged file: only slower
            return load(root, kept_keys=False)
        raise
    keys.close()
    related = None
    if declared is not None:
        related = relations.check(*declared, relations.records_of(for_relations, ROW_COLUMNS, CITATION_COLUMNS, lex.units))
        problems += related.problems
    statuses, found = outcomes.decide(targets, facts, statements,
                                      {ident: e.get("better") for ident, e in refs["indicators"].items()})
    problems += found
    release, found = inputs.release()  # read after the fact files, so that neither file is part of their cache key
    problems += found
    described, found = inputs.dictionary(schema_sql)
    problems += found
    problems += inputs.seed_checksums()
    if problems:
        store.close()
        raise BuildFailed(problems)
    return Dataset(schema_sql=schema_sql, lexicon=lex, sources=sources, regions=refs["regions"],
                   indicators=refs["indicators"], files=files, inputs=sorted(inputs.digests.items()),
                   relations=related, statements=statements, statuses=statuses, release=release, dictionary=described,
                   store=store)


def _declared_relations(inputs: Inputs, indicators, lex) -> tuple[tuple[list[relations.Relation], list] | None, list[Problem]]:
    """The relations of data/relations.yml (none when there is no such file)
    and its acknowledgements; None when the file cannot be read."""
    if not (inputs.root / relations.RELATIONS_FILE).exists():
        return ([], []), []
    node, problems = inputs.yaml(relations.RELATIONS_FILE)
    if node is None:
        return None, problems
    doc, problems = spec.read_map(node, spec.RELATIONS_FILE, relations.RELATIONS_FILE, "relations file")
    if doc is None:
        return None, problems
    acknowledged = doc.get("acknowledged", [])
    read, found = relations.read(doc.get("relations", []), acknowledged, indicators, lex.units)
    return (read, acknowledged), problems + found


_KIND, _INDICATOR, _UNIT = (ROW_COLUMNS.index(c) for c in ("kind", "indicator_id", "unit"))
outcome_key = corpus_rules.outcome_key


def _keys(inputs: Inputs) -> corpus_keys.Keys:
    """The keys database for this build: the one kept for this root in the
    check cache's folder, or, with the cache off (or where it cannot be
    had), a temporary one. Called before any fact file is read, so that the
    context is the one each fact file's cache key has."""
    folder = cache.directory()
    if folder is None:
        return corpus_keys.Keys()
    return corpus_keys.Keys(corpus_keys.Keys.kept_at(folder, inputs.root), cache.context_digest(inputs.digests))


def _selected_through(keys: corpus_keys.Keys, files: list[FactFile], declared: list[relations.Relation], targets: list,
                      units: dict) -> tuple[list[tuple], list]:
    """What `_selected` finds among every record (for relations, and the
    actual facts for outcomes; the targets are each file's `targets`),
    reading only the fact files that hold a record it may select: the keys
    database gives the place of every record that `relations.selects` lets
    through or whose outcome a target shares (a superset of what
    `_selected` keeps, which then decides on those, in order)."""
    if not declared and not targets:
        return [], []
    indicators, in_units, restated = relations.selection(declared)
    targeted = {(t.region, t.indicator, t.period, t.unit) for t in targets}
    by_file = {f.rel: f for f in files}
    candidates = []
    for rel, places in itertools.groupby(keys.selected(indicators, in_units, restated), key=lambda place: place[0]):
        records = by_file[rel].records()
        candidates += [records[n] for _, n in places]
    for_relations, _, facts = _selected(candidates, declared, targeted, units)
    return for_relations, facts


def _selected(records, declared: list[relations.Relation], targeted: set, units: dict) -> tuple[list[tuple], list, list]:
    """Of the stored records, in order: those relations.check can look at
    (relations.selects), and those outcomes.decide can, as outcomes.Stored:
    every target, and each actual fact that shares the `outcome_key` of a
    target (`targeted`). What the others are changes nothing either finds,
    so only these are read into memory."""
    wanted = relations.selects(declared)
    for_relations, targets, facts = [], [], []
    if not declared and not targeted:
        return for_relations, targets, facts
    for stored in records:
        table, row, citations = stored
        if wanted(row[_INDICATOR], row[_UNIT], len(citations)):
            for_relations.append(stored)
        if table == "targets" or (row[_KIND] == "actual" and outcome_key(row) in targeted):
            target, fact = outcomes.from_records(relations.records_of([stored], ROW_COLUMNS, CITATION_COLUMNS, units))
            targets += target
            facts += fact
    return for_relations, targets, facts


def _reference_lists(refs: dict, vocab: dict) -> list[Problem]:
    problems = []
    for name, group in (("regions", reference_rules.REGION_RULES), ("indicators", reference_rules.INDICATOR_RULES)):
        for entry in refs[name].values():
            problems += group.run(reference_rules.Listed(entry, vocab, refs["regions"]))[1]
    return problems


def _sources(inputs: Inputs, entries: dict[str, spec.Entry], unreadable: bool) -> tuple[dict[str, Source], list[Problem]]:
    """Each source, with the lines of its seed once the seed is found sound."""
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    used: dict[str, str] = {}
    named: set[str] = set()
    for ident, entry in entries.items():
        source = sources[ident] = Source(entry, entry["_file"])
        s = reference_rules.Sourcing(entry, inputs.root, used)
        problems += reference_rules.SOURCE_RULES.run(s)[1]
        if entry.get("seed") is None:
            continue
        named.add(entry["seed"])
        held, found = reference_rules.SEED_PATH_RULES.run(s)
        problems += found
        if not held:
            continue
        used[s.rel] = ident
        data, found = inputs.read(s.rel, at=(source.path, entry.line_of("seed")))
        problems += found
        if data is None:
            continue
        s.data = data
        held, found = reference_rules.SEED_RULES.run(s)
        problems += found
        if held:
            source.lines = s.lines
    if not unreadable:  # else every seed would be unlisted
        problems += reference_rules.SEEDS_FOLDER_RULES.run(reference_rules.SeedsFolder(inputs.root, named, used))[1]
    return sources, problems


def _fact_files(inputs: Inputs, checking: Checking, keys: corpus_keys.Keys) -> tuple[
        list[FactFile], RecordStore, list[outcomes.Statement], list[outcomes.Stored], list[Problem]]:
    """Every fact file checked on its own, then what holds across them: each
    source's own fact file (its records in the cache, or else in the store),
    their statements, every target as outcomes see it, and the problems."""
    rels, unread = inputs.fact_files()
    unreadable, problems = [], []
    files, store, statements, targets = [], RecordStore(), [], []
    corpus = corpus_rules.Corpus(checking.sources, checking.lex, every_file_named_a_source=not unread, keys=keys)
    try:
        for check, found in check_files(inputs, rels, checking):
            unreadable += found
            problems += check.file_problems
            source = checking.sources[check.source_id] if check.source_id is not None else None
            if source is not None and source.fact_file is None:  # the first file that names a source is its own
                source.fact_file, source.coverage_line = check.rel, check.coverage_line
                problems += check.problems
                files.append(FactFile.of(check, store))
                statements += check.statements
                targets += [outcomes.Stored(*target) for target in check.targets]
                corpus.add(check, files[-1].records)
            else:
                corpus.add(check)
        problems += corpus_rules.CORPUS_RULES.run(corpus)[1]
    except BaseException:
        store.close()
        raise
    return files, store, statements, targets, unreadable + unread + problems


_CONTEXT: Checking | None = None  # what worker processes need, inherited when they fork


def _check_file(job: tuple[str, bytes]) -> FileCheck:
    rel, data = job
    return check_file(_CONTEXT, rel, data)


def check_files(inputs: Inputs, rels: list[str], checking: Checking) -> Iterator[tuple[FileCheck, list[Problem]]]:
    """Each fact file checked on its own, in path order, with the problems of
    reading it: from the cache where its key is there, else in worker
    processes (both cores) once there are a few to check. Files are read
    one at a time, and only a few ahead of the one handed over, so that
    memory holds a few files whatever their number."""
    global _CONTEXT
    context = cache.context_digest(inputs.digests)
    workers = min(os.cpu_count() or 1, 4)
    forks = workers > 1 and "fork" in multiprocessing.get_all_start_methods()
    window = 2 * workers  # files read ahead of the one handed over
    pending: deque = deque()  # [rel, cache key, the check or what gives it, problems], in path order
    waiting: list = []  # of pending, the files to check that no pool has taken yet
    pool = None
    _CONTEXT = checking
    try:
        for rel in rels:
            data, found = inputs.read(rel)
            if data is None:
                pending.append([rel, None, FileCheck(rel, None, 1, 1, [], {}, [], []), found])
            else:
                k = cache.key(context, rel, data)
                cached = cache.get(k)  # its summary: the records stay in the cache until they are needed
                if isinstance(cached, FileCheck) and cached.rel == rel:
                    cached.cache_key = k
                    pending.append([rel, None, cached, []])
                else:
                    pending.append([rel, k, (rel, data), []])
                    waiting.append(pending[-1])
            if pool is None and forks and len(waiting) >= 4:  # worth starting processes for
                pool = multiprocessing.get_context("fork").Pool(workers)
            if pool is not None:
                for job in waiting:
                    job[2] = pool.apply_async(_check_file, (job[2],))
                waiting = []
            while pending:
                head = pending[0]
                if isinstance(head[2], tuple):  # to check: a pool may yet take it, unless the window is full
                    if len(pending) <= window:
                        break
                    waiting = [job for job in waiting if job is not head]
                elif isinstance(head[2], AsyncResult) and not head[2].ready() and len(pending) <= window:
                    break  # keep the workers busy
                yield _checked(pending.popleft())
        while pending:
            yield _checked(pending.popleft())
    finally:
        _CONTEXT = None
        if pool is not None:
            pool.terminate()


def _checked(job: list) -> tuple[FileCheck, list[Problem]]:
    """A pending file's check: waited for, or made here; cached when it was made now."""
    rel, k, check, problems = job
    if isinstance(check, AsyncResult):
        check = check.get()
    elif isinstance(check, tuple):
        check = _check_file(check)
    if k is not None and cache.put(k, check.summary(), check.records):
        check.cache_key = k
    return check, problems


_STORED = tuple(f.name for f in dataclasses.fields(outcomes.Stored))


def check_file(checking: Checking, rel: str, data: bytes) -> FileCheck:
    """One fact file, alone: its records, the numerals its citations cover, its problems."""
    node, problems = strict_yaml.load(data, rel)
    if problems:
        return FileCheck(rel, None, 1, 1, [], {}, problems, [])
    doc, file_problems = spec.read_map(node, spec.FACT_FILE, rel, "fact file")
    if doc is None:
        return FileCheck(rel, None, 1, 1, [], {}, file_problems, [])
    held, found = record_rules.FACT_FILE_RULES.run(record_rules.Filing(doc, rel, checking.sources, checking.unreadable))
    source_id = doc.get("source")
    if not held or source_id is None:
        return FileCheck(rel, None, 1, 1, [], {}, file_problems + found, [])
    covered: dict[tuple[str, int], list[tuple[int, int]]] = {}
    records, problems = [], []
    for entry in doc.get("records", []):
        record, found = _record(checking, entry, rel, source_id, covered)
        problems += found
        if record is not None:
            records.append(record.stored())
    for entry in doc.get("unrecorded", []):
        problems += _unrecorded(checking, entry, rel, source_id, covered)
    statements = []
    for entry in doc.get("outcomes", []):
        said, found = _statement(checking, entry, rel, source_id)
        statements += said
        problems += found
    coverage_line = doc.line_of("unrecorded") if "unrecorded" in doc.lines else doc.line_of("records")
    uncovered = corpus_rules.uncovered(checking.sources[source_id], covered, checking.lex)
    facts = sum(table == "facts" for table, _, _ in records)
    tally = (facts, len(records) - facts, sum(len(citations) for _, _, citations in records))
    targets = outcomes.from_records(relations.records_of([r for r in records if r[0] == "targets"], ROW_COLUMNS,
                                                         CITATION_COLUMNS, checking.lex.units))[0]
    return FileCheck(rel, source_id, doc.line_of("source"), coverage_line, records, covered, file_problems, problems, uncovered,
                     statements, tally=tally, targets=[tuple(getattr(target, name) for name in _STORED) for target in targets])


def _record(checking: Checking, entry, rel: str, default_source: str, covered) -> tuple[Record | None, list[Problem]]:
    """One record: its own rules, then its citations, then the rules that need them."""
    r = record_rules.Recording(entry, rel, checking.lex, checking.vocab, checking.regions, checking.indicators,
                               checking.sources, checking.unreadable)
    held, problems = record_rules.RECORD_RULES.run(r)
    sound = held and r.sound()
    cited = (r.value, r.value_high, r.unit, r.qualifier, r.period, entry.get("period_basis")) if sound else None
    for c in entry.get("citations", []):
        citation, found = _citation(checking, c, rel, default_source, covered, cited)
        problems += found
        if citation is not None:
            r.citations.append(citation)
    if not sound or len(r.citations) != len(entry.get("citations", [])) or not r.citations:
        return None, problems
    held, found = record_rules.AGREEMENT_RULES.run(r)
    problems += found
    if not held:
        return None, problems
    problems += record_rules.CITED_RULES.run(r)[1]
    ident = entry.get("id") or "-".join(
        [r.region_id, r.indicator_id, r.period.replace("/", "_"), r.kind]
        + ([r.unit.lower()] if r.unit != r.indicator.get("unit") else []))
    table = "facts" if checking.vocab["kinds"][r.kind] == "fact" else "targets"
    return Record(
        id=ident, table=table, region_id=r.region_id, indicator_id=r.indicator_id, period=r.period, kind=r.kind,
        value=r.value, value_high=r.value_high, unit=r.unit, qualifier=r.qualifier, period_basis=entry.get("period_basis"),
        note=entry.get("note"), conflicts_with=entry.get("conflicts_with"), data_file=rel, data_line=entry.line,
        citations=r.citations,
    ), problems


def _citing(checking: Checking, entry, rel: str, default_source: str, keys: tuple[str, ...]):
    """A citation or unrecorded entry ready for its rules, or None: when its
    source is unknown (the problem is returned), its seed was not read
    (reported at the source) or one of `keys` is missing (reported by spec)."""
    c = citation_rules.Citing(entry, rel, entry.get("source", default_source), checking.sources, checking.unreadable,
                              checking.lex, checking.vocab["qualifiers"])
    held, problems = citation_rules.SOURCE_RULES.run(c)
    if not held or not c.lines or None in (entry.get(k) for k in keys):
        return None, problems
    return c, problems


def _citation(checking: Checking, entry, rel: str, default_source: str, covered, record) -> tuple[Citation | None, list[Problem]]:
    """One citation; `record` is the record's (value, value_high, unit, qualifier, period, period_basis) when the record is sound."""
    c, problems = _citing(checking, entry, rel, default_source, ("line", "quote", "stated"))
    if c is None:
        return None, problems
    held, problems = citation_rules.QUOTE_RULES.run(c)
    if c.covered:
        covered.setdefault((c.source_id, entry.get("line")), []).extend(c.covered)
    if held and record is not None:
        c.value, c.high, c.unit, c.record_qualifier, c.period, c.period_basis = record
        held, problems = citation_rules.VALUE_RULES.run(c)  # a chain that held found nothing before
    if not held or record is None:
        return None, problems
    r = c.reading
    correction = entry.get("correction")
    reason = correction.get("reason") if correction is not None else None
    scale = correction.get("scale") if correction is not None else None
    return Citation(c.source_id, entry.get("line"), entry.get("quote"), entry.get("stated"), r.value, r.high, r.step,
                    " … ".join(r.clause_words) or None, c.qualifier, reason, scale), problems


def _unrecorded(checking: Checking, entry, rel: str, default_source: str, covered) -> list[Problem]:
    c, problems = _citing(checking, entry, rel, default_source, ("line", "text"))
    if c is None:
        return problems
    held, problems = citation_rules.UNRECORDED_RULES.run(c)
    if held:
        covered.setdefault((c.source_id, entry.get("line")), []).extend(c.covered)
    return problems


def _statement(checking: Checking, entry, rel: str, default_source: str) -> tuple[list[outcomes.Statement], list[Problem]]:
    """One entry of `outcomes`: a target met or missed, said in words; a statement for each period it covers."""
    s = record_rules.Stating(entry, rel, checking.regions, checking.indicators, checking.unreadable)
    held, problems = record_rules.STATEMENT_RULES.run(s)
    citation = entry.get("citation")
    if citation is None:
        return [], problems
    c, found = _citing(checking, citation, rel, default_source, ("line", "quote", "stated"))
    problems += found
    if c is None or not held:
        return [], problems
    held, found = citation_rules.STATEMENT_QUOTE_RULES.run(c)
    problems += found
    if not held:
        return [], problems
    s.said = c.outcome
    held, found = record_rules.STATED_OUTCOME_RULES.run(s)
    problems += found
    if not held:
        return [], problems
    return [outcomes.Statement(entry.get("region"), entry.get("indicator"), period, c.outcome,
                               entry.get("period_basis"), c.source_id, citation.get("line"), citation.get("quote"),
                               citation.get("stated"), rel, entry.line)
            for period in entry.get("periods", [])], problems
