"""The rows of every table, from a checked Dataset: written whole into an empty
database, or patched into the previous one for the fact files that changed.

Whole: the reference tables (units, sources and their lines, regions,
indicators), then each fact file's records and citations, one file at a time
(read back from the check cache, so that no more than a file's records are
held), then the tables that depend on every fact file (`CORPUS_TABLES`); then,
once the indexes are made, the full-text tables, filled in rowid order.

Patched, when only fact files changed: the corpus tables are emptied and
written again, the rows of the fact files that changed or went are deleted,
those of the files that changed are written again, each source's own fact file
is updated, and the full-text tables of records and citations are rebuilt from
their content (FTS5's 'rebuild', whose index is the one filling them in rowid
order gives).

Either way every row has the same number: records and citations in their fact
file's span (numbering.py), the rows of the other tables from 1 in the order
written whole. Compacted (build.py), the two databases are the same bytes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import sqlite3

from . import __version__, dataset, numbering, relations, search_text
from .model import CITATION_COLUMNS, ROW_COLUMNS
from .problems import BuildFailed, Problem

# What depends on every fact file, written whole each time: children before the tables they refer to.
CORPUS_TABLES = ("target_status", "outcome_statements", "derived_inputs", "derived", "check_records", "checks",
                 "relations", "build_inputs", "build_info", "data_dictionary")
RECORD_TABLES = ("facts", "targets")
_KEY = {"facts": "fact_id", "targets": "target_id"}
_ID = ROW_COLUMNS.index("id")


def inputs_digest(inputs: list[tuple[str, str]]) -> str:
    """One SHA-256 over every input file's path and hash, and the builder's version."""
    h = hashlib.sha256(f"gdfacts {__version__}\n".encode())
    for path, digest in inputs:
        h.update(f"{digest}  {path}\n".encode())
    return h.hexdigest()


def write_whole(db: sqlite3.Connection, data: dataset.Dataset) -> None:
    """Every row of every content table, into a database holding only the
    schema; the full-text tables are filled by fill_search, once the indexes
    it reads through are made."""
    _numbers_apart(data.files)
    _reference_tables(db, data)
    for f in data.files:
        _fact_file(db, f)
    _corpus_tables(db, data)


def fill_search(db: sqlite3.Connection) -> None:
    """Write the full-text tables from the complete content tables, in rowid
    order: each row's text shaped by search_text.index_text, under the rowid of
    the row it indexes. A fact or target also holds its citations' quotes and
    stated words, one citation a line."""
    register(db)
    for table in RECORD_TABLES:
        _record_search(db, table)
    _citation_search(db)
    db.execute("INSERT INTO source_lines_fts (rowid, text) SELECT rowid, index_text(text) FROM source_lines ORDER BY rowid")


def patch(db: sqlite3.Connection, data: dataset.Dataset, changed: list[str], removed: list[str]) -> None:
    """The previous database, whose inputs differ from `data`'s only in the fact
    files `changed` (edited or new) and `removed`, made to hold what write_whole
    would write."""
    register(db)
    _numbers_apart(data.files)
    for table in CORPUS_TABLES:
        db.execute(f"DELETE FROM {table}")
    gone = _delete_fact_files(db, sorted(set(changed) | set(removed)))
    written = {"facts": [], "targets": [], "citations": []}
    wanted = set(changed)
    for f in data.files:
        if f.rel in wanted:
            for table, rowids in _fact_file(db, f).items():
                written[table] += rowids
    _corpus_tables(db, data)
    db.executemany("UPDATE sources SET data_file = ? WHERE id = ? AND data_file IS NOT ?",
                   [(s.fact_file, ident, s.fact_file) for ident, s in data.sources.items()])
    for table in (*RECORD_TABLES, "citations"):
        fts = f"{table}_fts"
        if not gone[table] and not written[table]:
            continue
        db.executemany(f"DELETE FROM {fts} WHERE rowid = ?", ((r,) for r in sorted(gone[table])))
        if table == "citations":
            _citation_search(db, sorted(written[table]))
        else:
            _record_search(db, table, sorted(written[table]))
        db.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")


def _delete_fact_files(db: sqlite3.Connection, rels: list[str]) -> dict[str, list[int]]:
    """Delete the records and citations of these fact files (each file's span of numbers); the rowids deleted,
    by table."""
    gone: dict[str, list[int]] = {"facts": [], "targets": [], "citations": []}
    for rel in rels:
        first, last = numbering.span(rel)
        for table in gone:
            gone[table] += [r for (r,) in db.execute(f"SELECT rowid FROM {table} WHERE rowid BETWEEN ? AND ?", (first, last))]
            db.execute(f"DELETE FROM {table} WHERE rowid BETWEEN ? AND ?", (first, last))
    return gone


def _numbers_apart(files: list[dataset.FactFile]) -> None:
    """Refuse two fact files with the same number (numbering.py)."""
    seen: dict[int, str] = {}
    problems = []
    for f in files:
        number = numbering.file_number(f.rel)
        if number in seen:
            problems.append(Problem(f.rel, 1, numbering.same_number(f.rel, seen[number])))
        seen.setdefault(number, f.rel)
    if problems:
        raise BuildFailed(problems)


def _reference_tables(db: sqlite3.Connection, data: dataset.Dataset) -> None:
    """The tables that only the inputs other than fact files decide (and each source's own fact file)."""
    db.executemany("INSERT INTO units VALUES (?,?,?,?,?)",
                   [(u.id, u.name, u.name_zh, u.description, u.stated_by) for u in data.lexicon.units.values()])
    for ident, source in data.sources.items():
        e = source.entry
        db.execute(
            "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (ident, e["title"], int(e["title_is_editorial"]), e.get("title_zh"), e.get("publisher"), e.get("author"),
             e.get("published"), e.get("published_basis"), e.get("url"), e["seed"], e["sha256"],
             len(source.lines), source.fact_file),
        )
        db.executemany(
            "INSERT INTO source_lines VALUES (?,?,?)",
            ((ident, number, text) for number, text in enumerate(source.lines, 1)),
        )
    for ident, e in data.regions.items():
        db.execute(
            "INSERT INTO regions VALUES (?,?,?,?,?,?)",
            (ident, e["name"], e["name_zh"], e["level"], e.get("parent"), e.get("division_code")),
        )
    for ident, e in data.indicators.items():
        db.execute(
            "INSERT INTO indicators VALUES (?,?,?,?,?,?,?)",
            (ident, e["name"], e.get("name_zh"), e["description"], e["unit"], e["category"], e.get("better")),
        )


def _fact_file(db: sqlite3.Connection, f: dataset.FactFile) -> dict[str, list[int]]:
    """One fact file's records and citations, numbered in its span; the rowids written, by table."""
    first, _ = numbering.span(f.rel)
    rows: dict[str, list[tuple]] = {"facts": [], "targets": [], "citations": []}
    for table, row, citations in f.records():
        rowid = first + 1 + len(rows["facts"]) + len(rows["targets"])
        rows[table].append((rowid, *row))
        fact, target = (row[_ID], None) if table == "facts" else (None, row[_ID])
        rows["citations"] += [(first + 1 + len(rows["citations"]) + n, fact, target, *c) for n, c in enumerate(citations)]
    columns = ",".join(ROW_COLUMNS)
    for table in RECORD_TABLES:
        db.executemany(f"INSERT INTO {table} (rowid, {columns}) VALUES ({','.join('?' * (len(ROW_COLUMNS) + 1))})",
                       rows[table])
    db.executemany(f"INSERT INTO citations VALUES ({','.join('?' * (len(CITATION_COLUMNS) + 3))})", rows["citations"])
    return {table: [row[0] for row in rows[table]] for table in rows}


def _corpus_tables(db: sqlite3.Connection, data: dataset.Dataset) -> None:
    """The tables that depend on every fact file (CORPUS_TABLES), numbered from 1."""
    db.executemany("INSERT INTO outcome_statements VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(n, s.region, s.indicator, s.period, s.outcome, s.period_basis, s.source_id, s.line, s.quote,
                     s.as_stated, s.data_file, s.data_line) for n, s in enumerate(data.statements, 1)])
    db.executemany("INSERT INTO target_status VALUES (?,?,?,?,?,?,?)",
                   [(t.target_id, *_ends(t.accepts), t.period_end, t.outcome_id,
                     t.statement + 1 if t.statement is not None else None, t.decision) for t in data.statuses])
    if data.relations is not None:
        _relations(db, data.relations)
    db.executemany("INSERT INTO build_inputs VALUES (?,?)", data.inputs)
    db.executemany(
        "INSERT INTO build_info VALUES (?,?)",
        [("version", data.release["version"]), ("released", data.release["date-released"]),
         ("license", data.release["license"]), ("inputs_sha256", inputs_digest(data.inputs)),
         ("builder", f"gdfacts {__version__}"), ("sqlite_version", sqlite3.sqlite_version)],
    )
    db.executemany("INSERT INTO data_dictionary VALUES (?,?,?,?,?)", data.dictionary)


def _ends(interval) -> tuple[float | None, float | None]:
    """An interval's ends, NULL where unbounded."""
    return tuple(x if math.isfinite(x) else None for x in (interval.lo, interval.hi))


def _relations(db: sqlite3.Connection, result: relations.Result) -> None:
    """The relations, their checks and what they imply, with the records each involves."""
    def record(ident, table):
        return (ident, None) if table == "facts" else (None, ident)

    db.executemany("INSERT INTO relations VALUES (?,?,?,?)",
                   [(r.id, r.kind, relations.describe(r), r.why) for r in result.relations])
    for number, check in enumerate(result.checks, 1):
        app, outcome = check.application, check.now
        db.execute("INSERT INTO checks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (number, app.relation.id, app.region, app.period, relations.subject_unit(app), check.arithmetic,
                    *_ends(outcome.observed), *_ends(outcome.expected), outcome.deviation, outcome.tolerance,
                    check.verdict, check.reason))
        db.executemany("INSERT INTO check_records VALUES (?,?,?,?)",
                       [(number, *record(r.id, r.table), role) for r, role in zip(app.records, app.roles)])
    for number, d in enumerate(result.derived, 1):
        db.execute("INSERT INTO derived VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   (number, d.relation, d.region, d.indicator, d.period, d.unit, *_ends(d.value), d.formula,
                    *(record(*d.record) if d.record else (None, None))))
        db.executemany("INSERT INTO derived_inputs VALUES (?,?,?,?)",
                       [(number, *record(ident, table), role) for ident, table, role in d.inputs])


def _only(column: str, rowids: list[int] | None) -> tuple[str, tuple]:
    """A WHERE clause keeping the rows whose `column` is in `rowids` (all rows when None)."""
    if rowids is None:
        return "", ()
    return f" WHERE {column} IN (SELECT value FROM json_each(?))", (json.dumps(rowids),)


def _citation_search(db: sqlite3.Connection, rowids: list[int] | None = None) -> None:
    """citations_fts: each citation's quote, words and correction, under its id, in id order."""
    where, args = _only("id", rowids)
    db.execute("INSERT INTO citations_fts (rowid, quote, as_stated, correction_reason)"
               " SELECT id, index_text(quote), index_text(as_stated), index_text(correction_reason)"
               f" FROM citations{where} ORDER BY id", args)


def _record_search(db: sqlite3.Connection, table: str, rowids: list[int] | None = None) -> None:
    """facts_fts or targets_fts: each record's id, period basis and note, and its citations' quotes and
    stated words (one citation a line), under the record's rowid, in rowid order."""
    where, args = _only("r.rowid", rowids)
    rows = db.cursor().execute(
        f"SELECT r.rowid, r.id, r.period_basis, r.note, c.quote, c.as_stated FROM {table} r"
        f" LEFT JOIN citations c ON c.{_KEY[table]} = r.id{where} ORDER BY r.rowid, c.id", args)
    shape = search_text.index_text

    def shaped():
        for rowid, group in itertools.groupby(rows, key=lambda row: row[0]):
            group = list(group)
            _, ident, basis, note, _, _ = group[0]
            quotes = "\n".join(row[4] for row in group if row[4] is not None)
            stated = "\n".join(row[5] for row in group if row[5] is not None)
            yield rowid, ident, shape(basis), shape(note), shape(quotes), shape(stated)

    db.executemany(f"INSERT INTO {table}_fts (rowid, id, period_basis, note, quote, as_stated) VALUES (?,?,?,?,?,?)",
                   shaped())


def register(db: sqlite3.Connection) -> None:
    """The SQL function the full-text rows are shaped with."""
    db.create_function("index_text", 1, search_text.index_text, deterministic=True)

