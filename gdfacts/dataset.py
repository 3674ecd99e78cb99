"""Read data/, seeds/ and schema.sql, check everything, and return the rows.

`load(root)` either returns a Dataset whose every number has been proved
against its article, or raises BuildFailed with every problem found, each
naming a file and line. Nothing here writes anything.
"""

from __future__ import annotations

import calendar
import difflib
import hashlib
import multiprocessing
import os
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath

from . import cache, clause, coverage, dictionary, lexicon, outcomes, periods, relations, spec, strict_yaml
from .problems import BuildFailed, Problem
from .rules import citations as citation_rules
from .rules import run as run_rules

DATA_DIR = "data"
FACTS_DIR = "data/facts"
SEEDS_DIR = "seeds"
SCHEMA_FILE = "schema.sql"
METADATA_FILE = "metadata.yml"  # the descriptions of every table and column
CITATION_FILE = "CITATION.cff"  # the dataset's version, release date and licence
REFERENCE_FILES = {
    "sources": ("data/sources.yml", spec.SOURCE),
    "regions": ("data/regions.yml", spec.REGION),
    "indicators": ("data/indicators.yml", spec.INDICATOR),
}
SEED_CHECKSUMS = "SHA256SUMS"
LEXICON_FILES = (lexicon.LEXICON_FILE, lexicon.UNITS_FILE)
# Characters that some tools take for the end of a line and others do not: a
# seed holding one would be numbered differently by the build, by
# source_lines and by an editor, so it is refused with its line.
LINE_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
MAX_INPUT_BYTES = 8 * 2**20  # the largest curated file is a few hundred KiB
_UNREADABLE = object()


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
             float(c.stated_high) if c.stated_high is not None else None, float(c.stated_step), c.clause_words, c.stated_qualifier,
             int(c.correction_reason is not None), c.correction_reason,
             float(c.correction_scale) if c.correction_scale is not None else None)
            for c in self.citations)
        return self.table, row, citations


# The columns of a stored record's row (facts and targets), and of its citations' rows (without their id).
ROW_COLUMNS = ("id", "region_id", "indicator_id", "period", "kind", "value", "value_high", "unit", "qualifier",
               "corrected", "period_basis", "note", "conflicts_with", "data_file", "data_line")
CITATION_COLUMNS = ("source_id", "line", "quote", "as_stated", "stated_value", "stated_high", "stated_step", "clause_words",
                    "stated_qualifier", "corrected", "correction_reason", "correction_scale")
_ID, _VALUE, _QUALIFIER, _CONFLICTS_WITH, _FILE, _LINE = (ROW_COLUMNS.index(c) for c in (
    "id", "value", "qualifier", "conflicts_with", "data_file", "data_line"))


_UNIT = ROW_COLUMNS.index("unit")


def _key(row: tuple) -> tuple:
    """What makes two records the same: region, indicator, period, kind and unit."""
    return row[1], row[2], row[3], row[4], row[_UNIT]


@dataclass
class FileCheck:
    """What checking one fact file on its own gives (cached by content)."""
    rel: str
    source_id: str | None  # the source it names, if it names a known one
    source_line: int
    coverage_line: int
    records: list[tuple]  # Record.stored()
    covered: dict[tuple[str, int], list[tuple[int, int]]]
    file_problems: list[Problem]  # of the file as a whole (YAML, keys, types)
    problems: list[Problem]  # of its records
    uncovered: list[tuple[int, str]] = field(default_factory=list)  # its article's numerals its citations leave
    statements: list = field(default_factory=list)  # outcomes.Statement: targets met or missed, said in words


_CONTEXT = None  # what worker processes need, inherited when they fork


def _check_file(job: tuple[str, bytes]) -> FileCheck:
    root, vocab, lex, unreadable, sources, regions, indicators = _CONTEXT
    checker = _Checker(root)
    checker.vocab, checker.lex, checker.unreadable = vocab, lex, unreadable
    rel, data = job
    return checker.check_file(rel, data, sources, regions, indicators)


@dataclass
class Dataset:
    schema_sql: str
    lexicon: lexicon.Lexicon
    sources: dict[str, Source]
    regions: dict[str, spec.Entry]
    indicators: dict[str, spec.Entry]
    records: list[tuple]  # Record.stored(): (table, row, citation rows)
    inputs: list[tuple[str, str]]  # (path, sha256) of every file read
    relations: relations.Result | None = None
    statements: list = field(default_factory=list)  # outcomes.Statement
    statuses: list = field(default_factory=list)  # outcomes.Status
    release: dict = field(default_factory=dict)  # CITATION.cff's version, date-released and license
    dictionary: list = field(default_factory=list)  # the rows of data_dictionary


class _Checker:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.inputs: dict[str, str] = {}
        self.unreadable: set[str] = set()  # reference lists that could not be read: no follow-on problems
        self.statements: list[outcomes.Statement] = []

    def problem(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def read_bytes(self, rel: str, at: tuple[str, int] | None = None) -> bytes | None:
        """The bytes of an input file, or None with the problem recorded: at the
        file itself, or at `at` (path, line) prefixed with the file's name."""
        data, why = read_input(self.root, rel)
        if why is not None:
            if at is None:
                self.problem(rel, 1, why)
            else:
                self.problem(at[0], at[1], f"{rel} {why}")
            return None
        self.inputs[rel] = hashlib.sha256(data).hexdigest()
        return data

    def read_yaml(self, rel: str):
        """The file's YAML tree, or _UNREADABLE when it cannot be read (the problem is recorded)."""
        data = self.read_bytes(rel)
        if data is None:
            return _UNREADABLE
        node, problems = strict_yaml.load(data, rel)
        self.problems.extend(problems)
        return _UNREADABLE if problems else node

    # -- vocabularies --------------------------------------------------------

    def lexicon(self) -> lexicon.Lexicon | None:
        data = {rel: self.read_bytes(rel) for rel in LEXICON_FILES}
        if None in data.values():
            return None
        lex, problems = lexicon.load(data)
        self.problems.extend(problems)
        return lex

    def vocabularies(self) -> tuple[str, dict[str, dict[str, str]]] | None:
        data = self.read_bytes(SCHEMA_FILE)
        if data is None:
            return None
        schema_sql = data.decode("utf-8")
        db = sqlite3.connect(":memory:")
        try:
            db.executescript(schema_sql)
            vocab = {
                "kinds": dict(db.execute("select id, record from kinds")),
                "qualifiers": dict(db.execute("select id, id from qualifiers")),
                "categories": dict(db.execute("select id, id from categories")),
                "levels": dict(db.execute("select id, id from region_levels")),
            }
        except sqlite3.Error as e:
            self.problem(SCHEMA_FILE, 1, f"does not run in SQLite: {e}")
            return None
        finally:
            db.close()
        return schema_sql, vocab

    def release(self) -> dict:
        """The dataset's version, release date and licence, as CITATION.cff states them."""
        node = self.read_yaml(CITATION_FILE)
        if node is _UNREADABLE:
            return {}
        if not isinstance(node, strict_yaml.Mapping):
            self.problem(CITATION_FILE, getattr(node, "line", 1), "must be a mapping of keys to values (the Citation File Format)")
            return {}
        read = [key for key in node.items if key in spec.RELEASE]  # the Citation File Format says what the others are
        entry, problems = spec.read_map(strict_yaml.Mapping({k: node.items[k] for k in read}, node.line,
                                                            {k: node.key_lines[k] for k in read}),
                                        spec.RELEASE, CITATION_FILE, "citation")
        self.problems.extend(problems)
        if entry is None or problems:
            return {}
        if not _valid_date(entry["date-released"]):
            self.problem(CITATION_FILE, entry.line_of("date-released"), f"date-released '{entry['date-released']}' is not a day of the calendar")
            return {}
        return dict(entry.values)

    def dictionary(self, schema_sql: str) -> list[tuple]:
        """The rows of data_dictionary: every table and column of the schema with its description from metadata.yml."""
        data = self.read_bytes(METADATA_FILE)
        if data is None:
            return []
        rows, problems = dictionary.rows(data, METADATA_FILE, schema_sql)
        self.problems.extend(problems)
        return rows

    # -- reference lists -----------------------------------------------------

    def reference(self, name: str) -> dict[str, spec.Entry]:
        rel, item = REFERENCE_FILES[name]
        node = self.read_yaml(rel)
        if node is _UNREADABLE:
            self.unreadable.add(name)
            return {}
        entries, problems = spec.read_list(node, item, rel, name)
        self.problems.extend(problems)
        by_id: dict[str, spec.Entry] = {}
        for entry in entries:
            entry.values["_file"] = rel
            ident = entry.get("id")
            if ident is None:
                continue
            if ident in by_id:
                self.problem(rel, entry.line_of("id"), f"id '{ident}' is used twice (first on line {by_id[ident].line_of('id')})")
                continue
            by_id[ident] = entry
        return by_id

    def check_choice(self, entry: spec.Entry, key: str, allowed, what: str) -> bool:
        value = entry.get(key)
        if value is None or value in allowed:
            return True
        self.problem(entry["_file"], entry.line_of(key), f"{what} '{value}' is not one of: {', '.join(allowed)}")
        return False

    def check_reference(self, path: str, line: int, value: str | None, known: dict, what: str) -> bool:
        if value is None or value in known:
            return value is not None
        if what + "s" in self.unreadable:
            return False  # the list itself is reported
        near = difflib.get_close_matches(value, list(known), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        self.problem(path, line, f"no {what} '{value}' in {REFERENCE_FILES[what + 's'][0]}{hint}")
        return False

    def regions(self, regions: dict[str, spec.Entry], vocab) -> None:
        for entry in regions.values():
            self.check_choice(entry, "level", vocab["levels"], "level")
            parent = entry.get("parent")
            if parent is not None:
                self.check_reference(entry["_file"], entry.line_of("parent"), parent, regions, "region")
        for ident, entry in regions.items():
            seen, current = {ident}, entry.get("parent")
            while current in regions:
                if current in seen:
                    self.problem(entry["_file"], entry.line_of("parent"), f"region '{ident}' is its own ancestor")
                    break
                seen.add(current)
                current = regions[current].get("parent")

    def indicators(self, indicators: dict[str, spec.Entry], vocab) -> None:
        for entry in indicators.values():
            self.check_choice(entry, "unit", vocab["units"], "unit")
            self.check_choice(entry, "category", vocab["categories"], "category")
            self.check_choice(entry, "better", ("higher", "lower"), "better")

    # -- sources and their seeds ---------------------------------------------

    def sources(self, entries: dict[str, spec.Entry]) -> dict[str, Source]:
        sources: dict[str, Source] = {}
        seeds_used: dict[str, str] = {}
        seeds_named: set[str] = set()
        for ident, entry in entries.items():
            source = Source(entry, entry["_file"])
            sources[ident] = source
            published = entry.get("published")
            if published is not None and not _valid_date(published):
                self.problem(source.path, entry.line_of("published"), f"published '{published}' is not a date in the calendar")
            seed = entry.get("seed")
            if seed is None:
                continue
            seeds_named.add(seed)
            rel = self.seed_path(seed, source.path, entry.line_of("seed"))
            if rel is None:
                continue
            if rel in seeds_used:
                self.problem(source.path, entry.line_of("seed"), f"seed {rel} is already the seed of source '{seeds_used[rel]}'")
                continue
            seeds_used[rel] = ident
            data = self.read_bytes(rel, at=(source.path, entry.line_of("seed")))
            if data is None:
                continue
            digest = hashlib.sha256(data).hexdigest()
            recorded = entry.get("sha256")
            if recorded is not None and digest != recorded:
                self.problem(
                    source.path,
                    entry.line_of("sha256"),
                    f"seed {rel} has SHA-256 {digest}, not the {recorded} recorded here: the article has changed. "
                    "Restore it byte for byte, or review every citation of it before recording the new checksum",
                )
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as e:
                bad_line = data[: e.start].count(b"\n") + 1
                self.problem(source.path, entry.line_of("seed"), f"seed {rel} is not UTF-8 (line {bad_line})")
                continue
            lines = text.split("\n")
            if text.endswith("\n"):
                lines.pop()
            broken = [(n, c) for n, line in enumerate(lines, 1) for c in LINE_BREAKS if c in line]
            if broken:
                n, c = broken[0]
                self.problem(source.path, entry.line_of("seed"),
                             f"seed {rel} line {n} holds U+{ord(c):04X}, which some tools take for the end of a line; "
                             "replace it with a line feed or a space so that every tool numbers the lines alike")
                continue
            source.lines = lines
        seeds_dir = self.root / SEEDS_DIR
        if seeds_dir.is_dir() and "sources" not in self.unreadable:
            for path in sorted(seeds_dir.iterdir()):
                rel = f"{SEEDS_DIR}/{path.name}"
                if path.name != SEED_CHECKSUMS and rel not in seeds_used and rel not in seeds_named:
                    self.problem(REFERENCE_FILES["sources"][0], 1, f"{rel} is in seeds/ but no source lists it as its seed")
        return sources

    def seed_path(self, seed: str, path: str, line: int) -> str | None:
        pure = PurePosixPath(seed)
        if pure.is_absolute() or "\\" in seed or ".." in pure.parts or len(pure.parts) != 2 or pure.parts[0] != SEEDS_DIR:
            self.problem(path, line, f"seed '{seed}' must be a file directly in {SEEDS_DIR}/, such as {SEEDS_DIR}/000_name.txt")
            return None
        full = self.root / pure
        if full.is_symlink() or (full.exists() and full.resolve().parent != (self.root / SEEDS_DIR).resolve()):
            self.problem(path, line, f"seed '{seed}' is a link; seeds must be plain files in {SEEDS_DIR}/")
            return None
        return str(pure)

    # -- fact files ------------------------------------------------------------

    def fact_files(self, sources: dict[str, Source], regions, indicators, vocab) -> list[tuple]:
        records: list[tuple] = []
        covered: dict[tuple[str, int], list[tuple[int, int]]] = {}
        facts_dir = self.root / FACTS_DIR
        entries = sorted(p for p in facts_dir.iterdir() if not p.name.startswith(".")) if facts_dir.is_dir() else []
        files = [p for p in entries if p.suffix == ".yml"]
        for other in entries:
            if other.suffix != ".yml":
                self.problem(f"{FACTS_DIR}/{other.name}", 1, f"is not read: fact files are named *.yml; rename it to {other.stem}.yml")
        if not entries:
            self.problem(FACTS_DIR, 1, "holds no fact files (*.yml)")
        unmatched = len(files) < len(entries)  # a fact file that names no source, or is not read at all
        with_problems: set[str] = set()  # sources whose fact file has problems: coverage waits until they are fixed
        checks = self.check_files([f"{FACTS_DIR}/{file.name}" for file in files], sources, regions, indicators)
        for check in checks:
            self.problems.extend(check.file_problems)
            if check.source_id is None:
                unmatched = True
                continue
            source = sources[check.source_id]
            if source.fact_file is not None:
                self.problem(check.rel, check.source_line, f"source '{check.source_id}' already has its fact file, {source.fact_file}")
                continue
            source.fact_file = check.rel
            source.coverage_line = check.coverage_line
            self.problems.extend(check.problems)
            records.extend(check.records)
            self.statements.extend(check.statements)
            for place, spans in check.covered.items():
                covered.setdefault(place, []).extend(spans)
            if check.file_problems or check.problems:
                with_problems.add(check.source_id)
        own = {check.source_id: check for check in checks
               if check.source_id is not None and sources[check.source_id].fact_file == check.rel}
        cited_from_elsewhere = {place[0] for check in checks for place in check.covered if place[0] != check.source_id}
        for ident, source in sources.items():
            if source.fact_file is None:
                if files and not unmatched:
                    self.problem(source.path, source.entry.line, f"source '{ident}' has no fact file in {FACTS_DIR}/")
            elif ident not in with_problems:
                uncovered = _uncovered(source, covered, self.lex) if ident in cited_from_elsewhere else own[ident].uncovered
                for number, numeral in uncovered:
                    self.problem(source.fact_file, source.coverage_line,
                                 f"{source.entry.get('seed')} line {number} says '{numeral}', which no citation states and unrecorded does not list")
        self.conflicts(records)
        return records

    def check_files(self, rels: list[str], sources, regions, indicators) -> list[FileCheck]:
        """Each fact file checked on its own: from the cache where its key is there,
        else in worker processes (both cores) when there are many."""
        global _CONTEXT
        context = cache.context_digest(self.inputs)
        checks: dict[str, FileCheck] = {}
        todo: list[tuple[str, bytes, str]] = []
        for rel in rels:
            data = self.read_bytes(rel)
            if data is None:
                checks[rel] = FileCheck(rel, None, 1, 1, [], {}, [], [])
                continue
            k = cache.key(context, rel, data)
            cached = cache.get(k)
            if isinstance(cached, FileCheck) and cached.rel == rel:
                checks[rel] = cached
            else:
                todo.append((rel, data, k))
        _CONTEXT = (self.root, self.vocab, self.lex, set(self.unreadable), sources, regions, indicators)
        try:
            if len(todo) >= 4 and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
                with multiprocessing.get_context("fork").Pool(min(os.cpu_count() or 1, 4)) as pool:
                    done = pool.map(_check_file, [(rel, data) for rel, data, _ in todo], chunksize=1)
            else:
                done = [_check_file((rel, data)) for rel, data, _ in todo]
        finally:
            _CONTEXT = None
        for (rel, _, k), check in zip(todo, done):
            checks[rel] = check
            cache.put(k, check)
        return [checks[rel] for rel in rels]

    def check_file(self, rel: str, data: bytes, sources, regions, indicators) -> FileCheck:
        """One fact file, alone: its records, the numerals its citations cover, its problems."""
        node, problems = strict_yaml.load(data, rel)
        if problems:
            return FileCheck(rel, None, 1, 1, [], {}, problems, [])
        doc, problems = spec.read_map(node, spec.FACT_FILE, rel, "fact file")
        source_id = doc.get("source") if doc is not None else None
        if doc is None or not self.check_reference(rel, doc.line_of("source"), source_id, sources, "source"):
            return FileCheck(rel, None, 1, 1, [], {}, problems + self.problems, [])
        covered: dict[tuple[str, int], list[tuple[int, int]]] = {}
        records = []
        for entry in doc.get("records", []):
            record = self.record(entry, rel, source_id, sources, regions, indicators, self.vocab, covered)
            if record is not None:
                records.append(record.stored())
        for entry in doc.get("unrecorded", []):
            self.unrecorded(entry, rel, source_id, sources, covered)
        known = {"region": regions, "indicator": indicators, "source": sources}
        statements, outcome_problems = outcomes.read_statements(
            doc.get("outcomes", []), rel, source_id, sources, self.lex,
            lambda path, line, value, what: self.check_reference(path, line, value, known[what], what))
        self.problems.extend(outcome_problems)
        coverage_line = doc.line_of("unrecorded") if "unrecorded" in doc.lines else doc.line_of("records")
        uncovered = _uncovered(sources[source_id], covered, self.lex)
        return FileCheck(rel, source_id, doc.line_of("source"), coverage_line, records, covered, problems,
                         self.problems, uncovered, statements)

    def record(self, entry, rel, default_source, sources, regions, indicators, vocab, covered) -> Record | None:
        ok = True
        at = entry.line_of
        lex = self.lex
        region_id, indicator_id = entry.get("region"), entry.get("indicator")
        ok &= self.check_reference(rel, at("region"), region_id, regions, "region")
        ok &= self.check_reference(rel, at("indicator"), indicator_id, indicators, "indicator")
        kind = entry.get("kind")
        if kind is not None and kind not in vocab["kinds"]:
            self.problem(rel, at("kind"), f"kind '{kind}' is not one of: {', '.join(vocab['kinds'])}")
            ok = False
        qualifier = entry.get("qualifier", "exact")
        if qualifier not in vocab["qualifiers"]:
            self.problem(rel, at("qualifier"), f"qualifier '{qualifier}' is not one of: {', '.join(vocab['qualifiers'])}")
            ok = False
        period = entry.get("period")
        if period is not None and (why := periods.problem(period)) is not None:
            self.problem(rel, at("period"), f"period {why}")
            ok = False
        value, value_high = entry.get("value"), entry.get("value_high")
        indicator = indicators.get(indicator_id)
        unit = entry.get("unit") or (indicator.get("unit") if indicator else None)
        if unit is not None and unit not in lex.units and entry.get("unit") is None:
            ok = False  # the indicator's unit is wrong, and reported there
        elif unit is not None and unit not in lex.units:
            self.problem(rel, at("unit"), f"unit '{unit}' is not one of: {', '.join(lex.units)}")
            ok = False
        elif indicator is not None and unit is not None and not _unit_fits(unit, indicator["unit"], lex):
            self.problem(rel, at("unit"), f"unit {unit} does not fit indicator '{indicator_id}', which is in {indicator['unit']}")
            ok = False
        for key, number in (("value", value), ("value_high", value_high)):
            if number is not None and unit in lex.units:
                u = lex.units[unit]
                if not u.low <= number <= u.high:
                    self.problem(rel, at(key), f"{key} {number} is out of the range a {unit} value can take ({u.low} to {u.high})")
                    ok = False
                elif u.whole and number != number.to_integral_value():
                    self.problem(rel, at(key), f"{key} {number} must be a whole number for unit {unit}")
                    ok = False
        if value is not None and value_high is not None and value_high <= value:
            self.problem(rel, at("value_high"), f"value_high {value_high} must be above the value {value}: a range goes from low to high")
            ok = False
        sound = ok and None not in (region_id, indicator_id, kind, period, value, unit)
        citations = []
        for c in entry.get("citations", []):
            citation = self.citation(c, rel, default_source, sources, covered,
                                     (value, value_high, unit, qualifier, period, entry.get("period_basis")) if sound else None)
            if citation is not None:
                citations.append(citation)
        if not sound or len(citations) != len(entry.get("citations", [])) or not citations:
            return None

        if not any(c.stated_qualifier == qualifier for c in citations):
            said = ", ".join(sorted({c.stated_qualifier for c in citations}))
            self.problem(rel, at("qualifier") if "qualifier" in entry.lines else entry.line,
                         f"the record is {qualifier}, but its citations say {said}; a record's qualifier must be what one of its citations says")
            return None
        cited_lines = [sources[c.source_id].lines[c.line - 1] for c in citations]
        if entry.get("period_basis") is None and not any(_states_period(period, text, lex) for text in cited_lines):
            self.problem(rel, at("period"), f"period {period} is not on the cited line; say how it was resolved in period_basis")
        if vocab["kinds"][kind] == "fact" and kind == "actual":
            for c in citations:
                published = sources[c.source_id].entry.get("published")
                if published is not None and periods.end(period) > _published_end(published):
                    self.problem(rel, at("period"), f"an actual for {period} cannot come from source '{c.source_id}', published {published}; is it an estimate?")

        ident = entry.get("id") or "-".join(
            [region_id, indicator_id, period.replace("/", "_"), kind] + ([unit.lower()] if unit != indicator["unit"] else [])
        )
        conflicts_with = entry.get("conflicts_with")
        if conflicts_with is not None and entry.get("id") is None:
            self.problem(rel, at("conflicts_with"), "a record that acknowledges a conflict needs an explicit id")
        table = "facts" if vocab["kinds"][kind] == "fact" else "targets"
        return Record(
            id=ident, table=table, region_id=region_id, indicator_id=indicator_id, period=period, kind=kind,
            value=value, value_high=value_high, unit=unit, qualifier=qualifier, period_basis=entry.get("period_basis"),
            note=entry.get("note"), conflicts_with=conflicts_with, data_file=rel, data_line=entry.line, citations=citations,
        )

    def citation(self, c, rel, default_source, sources, covered, record) -> Citation | None:
        """Check one citation with the rules of `rules.citations`; `record` is the
        record's (value, value_high, unit, qualifier, period, period_basis) when the record is sound."""
        source_id = c.get("source", default_source)
        if not self.check_reference(rel, c.line_of("source"), source_id, sources, "source"):
            return None
        source = sources[source_id]
        if not source.lines or None in (c.get("line"), c.get("quote"), c.get("stated")):
            return None
        citing = citation_rules.Citing(c, source.entry.get("seed"), source.lines, self.lex, self.vocab["qualifiers"])
        problems = run_rules(citation_rules.QUOTE_RULES, citing)
        if citing.covered:
            covered.setdefault((source_id, c.get("line")), []).extend(citing.covered)
        if not problems and record is not None:
            citing.value, citing.high, citing.unit, citing.record_qualifier, citing.period, citing.period_basis = record
            problems = run_rules(citation_rules.VALUE_RULES, citing)
        for key, message in problems:
            self.problem(rel, c.line_of(key), message)
        if problems or record is None:
            return None
        r = citing.reading
        correction = c.get("correction")
        reason = correction.get("reason") if correction is not None else None
        scale = correction.get("scale") if correction is not None else None
        return Citation(source_id, c.get("line"), c.get("quote"), c.get("stated"), r.value, r.high, r.step,
                        " … ".join(r.clause_words) or None, citing.qualifier, reason, scale)

    def unrecorded(self, entry, rel, default_source, sources, covered) -> None:
        source_id = entry.get("source", default_source)
        if not self.check_reference(rel, entry.line_of("source"), source_id, sources, "source"):
            return
        lines, line, text = sources[source_id].lines, entry.get("line"), entry.get("text")
        if not lines or line is None or text is None:
            return
        if not 1 <= line <= len(lines):
            self.problem(rel, entry.line_of("line"), f"line {line} is not in {sources[source_id].entry.get('seed')}, which has lines 1 to {len(lines)}")
            return
        spans = coverage.spans_of(text, lines[line - 1])
        if not spans:
            self.problem(rel, entry.line_of("text"), f'"{text}" is not on line {line}; the line reads: {citation_rules.shown(lines[line - 1])}')
            return
        if not coverage.numerals(text, self.lex):
            self.problem(rel, entry.line_of("text"), f'"{text}" holds no number; remove it from unrecorded')
            return
        covered.setdefault((source_id, line), []).extend(spans)

    def relations(self, records: list[relations.Record], indicators, lex) -> relations.Result | None:
        """The relations of data/relations.yml (when there is one) checked on the records."""
        if not (self.root / relations.RELATIONS_FILE).exists():
            return relations.Result([], [], [], [])
        node = self.read_yaml(relations.RELATIONS_FILE)
        if node is _UNREADABLE:
            return None
        doc, problems = spec.read_map(node, spec.RELATIONS_FILE, relations.RELATIONS_FILE, "relations file")
        self.problems.extend(problems)
        if doc is None:
            return None
        acknowledged = doc.get("acknowledged", [])
        read, problems = relations.read(doc.get("relations", []), acknowledged, indicators, lex.units)
        self.problems.extend(problems)
        result = relations.check(read, acknowledged, records)
        self.problems.extend(result.problems)
        return result

    def conflicts(self, records: list[tuple]) -> None:
        by_key: dict[tuple, tuple] = {}
        by_id: dict[str, tuple] = {}
        for _, record, _ in records:
            key = _key(record)
            first = by_key.get(key)
            where = f"({first[_FILE]}:{first[_LINE]})" if first else ""
            if first is None:
                by_key[key] = record
            elif first[_VALUE] == record[_VALUE] and first[_QUALIFIER] == record[_QUALIFIER]:
                self.problem(record[_FILE], record[_LINE], f"repeats record {first[_ID]} {where}; add its citations there instead")
                continue
            elif record[_CONFLICTS_WITH] != first[_ID] and first[_CONFLICTS_WITH] != record[_ID]:
                self.problem(
                    record[_FILE], record[_LINE],
                    f"conflicts with record {first[_ID]} {where}: {_number(record[_VALUE])} against {_number(first[_VALUE])}. "
                    f"If the sources really disagree, give this record an id and conflicts_with: {first[_ID]}, with a note",
                )
                continue
            other = by_id.get(record[_ID])
            if other is not None:
                self.problem(record[_FILE], record[_LINE], f"id '{record[_ID]}' is used twice (first at {other[_FILE]}:{other[_LINE]})")
                continue
            by_id[record[_ID]] = record
        for _, record, _ in records:
            if record[_CONFLICTS_WITH] is not None:
                other = by_id.get(record[_CONFLICTS_WITH])
                if other is None or _key(other) != _key(record):
                    self.problem(record[_FILE], record[_LINE], f"conflicts_with '{record[_CONFLICTS_WITH]}' names no record of the same region, indicator, period, kind and unit")


def load(root: Path | str) -> Dataset:
    """Check every input under root; return the dataset or raise BuildFailed."""
    checker = _Checker(Path(root))
    schema = checker.vocabularies()
    lex = checker.lexicon()
    refs = {name: checker.reference(name) for name in REFERENCE_FILES}
    if schema is None or lex is None:
        raise BuildFailed(checker.problems)
    schema_sql, vocab = schema
    vocab["units"] = {ident: unit.name for ident, unit in lex.units.items()}
    checker.vocab, checker.lex = vocab, lex
    checker.regions(refs["regions"], vocab)
    checker.indicators(refs["indicators"], vocab)
    sources = checker.sources(refs["sources"])
    records = checker.fact_files(sources, refs["regions"], refs["indicators"], vocab)
    as_related = relations.records_of(records, ROW_COLUMNS, CITATION_COLUMNS, lex.units)
    related = checker.relations(as_related, refs["indicators"], lex) if not checker.unreadable else None
    targets, facts = outcomes.from_records(as_related)
    statuses, problems = outcomes.decide(targets, facts, checker.statements,
                                         {ident: e.get("better") for ident, e in refs["indicators"].items()})
    checker.problems.extend(problems)
    release = checker.release()  # read after the fact files, so that neither file is part of their cache key
    described = checker.dictionary(schema_sql)
    for rel in sorted((Path(root) / SEEDS_DIR).glob("*")):
        if rel.name == SEED_CHECKSUMS:
            checker.read_bytes(f"{SEEDS_DIR}/{rel.name}")
    if checker.problems:
        raise BuildFailed(checker.problems)
    return Dataset(
        schema_sql=schema_sql,
        lexicon=lex,
        sources=sources,
        regions=refs["regions"],
        indicators=refs["indicators"],
        records=records,
        inputs=sorted(checker.inputs.items()),
        relations=related,
        statements=checker.statements,
        statuses=statuses,
        release=release,
        dictionary=described,
    )


def read_input(root: Path, rel: str) -> tuple[bytes | None, str | None]:
    """The bytes of an input file, or why it cannot be read."""
    path = root / rel
    try:
        if path.is_symlink():
            return None, "is a link; input files must be plain files in the repository"
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            return None, f"is {size / 2**20:.0f} MiB; an input file may be at most {MAX_INPUT_BYTES // 2**20} MiB, so split it"
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, "is missing"
    except OSError as e:
        return None, f"cannot be read: {e.strerror}"


def _uncovered(source: Source, covered, lex) -> list[tuple[int, str]]:
    """The numerals of an article that no citation states and no unrecorded entry lists: (line, numeral)."""
    ident = source.entry["id"]
    return [(number, numeral) for number, text in enumerate(source.lines, 1)
            for numeral in coverage.uncovered(text, covered.get((ident, number), []), lex)]


def _unit_fits(unit: str, indicator_unit: str, lex) -> bool:
    """A value is in its indicator's unit, or is an amount in another currency
    that the article gives as the equivalent of a currency amount."""
    if unit == indicator_unit:
        return True
    units = lex.units
    return unit in units and indicator_unit in units and units[unit].stated_by == units[indicator_unit].stated_by == "currency"


def _states_period(period: str, text: str, lex) -> bool:
    """Whether a line names a period: its year, and the part of the year (a
    quarter, a half, a span of months) in the lexicon's words."""
    if periods.year(period) not in coverage.ascii_digits(text):
        return False
    part = periods.part(period)
    return part is None or any(named == part for _, _, named in clause.named_periods(text, lex))


def _valid_date(text: str) -> bool:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return parts[2] <= calendar.monthrange(parts[0], parts[1])[1]
    return True


def _published_end(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return (year, month, day)


def _number(value: Decimal | float) -> str:
    return citation_rules.number(value)
