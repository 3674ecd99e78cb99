"""Compile a checked Dataset into guangdong_facts.db, atomically.

The database and its inspect file are written to temporary files beside the
targets and moved into place only once both are complete and the database has
passed SQLite's own integrity and foreign-key checks, so a failed or
interrupted build (a full disk included) leaves the previous database and
inspect file exactly as they were. The same inputs give a byte-identical file.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import glob
import hashlib
import math
import os
import sqlite3
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from . import __version__, dataset, materialized, publication, relations, search_text
from .problems import BuildFailed

DEFAULT_DB = "guangdong_facts.db"
ROOT = Path(__file__).resolve().parent.parent


def inputs_digest(inputs: list[tuple[str, str]]) -> str:
    """One SHA-256 over every input file's path and hash, and the builder's version."""
    h = hashlib.sha256(f"gdfacts {__version__}\n".encode())
    for path, digest in inputs:
        h.update(f"{digest}  {path}\n".encode())
    return h.hexdigest()


@contextlib.contextmanager
def exclusive(output: Path):
    """Hold the lock on writing `output`: builds of the same file take turns.

    Every build keeps its temporary files only while it holds this lock, so
    whatever temporary files the holder finds are left by a build that was
    killed, and are removed. The lock is released when its holder exits,
    however it exits (SIGKILL included)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output.parent / f".{output.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            for stale in output.parent.glob(f".{glob.escape(output.name)}.*.tmp*"):
                stale.unlink(missing_ok=True)
            for stale in output.parent.glob(f".{glob.escape(publication.inspect_file(output).name)}.*.tmp"):
                stale.unlink(missing_ok=True)
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class WriteFailed(OSError):
    """The database could not be written (a full disk, a read-only folder, a
    file-size limit): `strerror` says why, `left` what was left in place."""

    LEFT_AS_IT_WAS = "it was left as it was"

    def __init__(self, reason: str, left: str = LEFT_AS_IT_WAS):
        super().__init__(reason)
        self.strerror = reason
        self.left = left


def write(data: dataset.Dataset, output: Path) -> dict[str, int]:
    """Write the database to `output`, and its inspect file beside it, atomically;
    return the row counts. The caller holds `exclusive(output)`.

    Both are written in full to temporary files first (the database checked and
    synced), and only then moved into place, the database first: a failure
    while writing, a full disk included, leaves both exactly as they were and
    raises WriteFailed. Should the second move fail, the previous inspect file
    is removed rather than left describing another database."""
    output = Path(output)
    inspect = publication.inspect_file(output)
    made: list[Path] = []
    try:
        fd, db_tmp = _temporary(output, made)
        os.close(fd)  # SQLite opens it by name
        counts = _write_database(data, db_tmp)
        fd, inspect_tmp = _temporary(inspect, made)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(publication.inspect_text(db_tmp, published_as=output))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(inspect_tmp, 0o444)  # readable by whoever serves it, like the database
        os.replace(db_tmp, output)
    except (OSError, sqlite3.Error) as e:
        _remove(made)
        raise WriteFailed(_reason(e)) from e
    except BaseException:
        _remove(made)
        raise
    try:
        os.replace(inspect_tmp, inspect)
    except OSError as e:
        _remove(made)
        left = "the new database is in place, but not its inspect file"
        try:
            inspect.unlink(missing_ok=True)
            left += ": the previous one was removed, and gdfacts serve writes a new one"
        except OSError:
            left += ": the previous one describes the previous database until gdfacts serve rewrites it"
        raise WriteFailed(_reason(e), left) from e
    try:
        _fsync_dir(output.parent)
    except OSError as e:
        raise WriteFailed(_reason(e), "the new database and its inspect file are in place, but their folder "
                                      "could not be synced to disk") from e
    return counts


def _temporary(target: Path, made: list[Path]) -> tuple[int, Path]:
    """A new empty file beside `target`, named for it (`.<name>.<random>.tmp`), open for writing."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    made.append(Path(name))
    return fd, made[-1]


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - the next build's exclusive() removes it
            pass


def _reason(e: BaseException) -> str:
    """Why a write failed, in a few words: the system's (No space left on device) or SQLite's."""
    if isinstance(e, sqlite3.Error):
        return f"SQLite: {e}"
    return getattr(e, "strerror", None) or str(e)


def _write_database(data: dataset.Dataset, path: Path) -> dict[str, int]:
    """Write the complete, checked database into `path` (a new file) and sync it to disk."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # A temporary file that is thrown away on any failure needs no journal
        # and no syncs until it is complete (it is fsynced before the rename).
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -65536")
        db.executescript(data.schema_sql)
        db.execute("PRAGMA foreign_keys = OFF")  # checked once, whole, by _verify's foreign_key_check
        db.execute("BEGIN")
        counts = _insert(db, data)
        fill_search(db)
        materialized.fill(db, data.schema_sql)  # evidence, target_outcome_rows, facet_counts, ANALYZE
        db.execute("COMMIT")
        _verify(db)
        db.execute("VACUUM")
    finally:
        db.close()
    with open(path, "rb+") as f:
        os.fsync(f.fileno())
    os.chmod(path, 0o444)
    return counts


def _insert(db: sqlite3.Connection, data: dataset.Dataset) -> dict[str, int]:
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
    rows = {"facts": [], "targets": []}
    citations = []
    for table, row, citation_rows in data.records:
        rows[table].append(row)
        ident = row[0]
        for c in citation_rows:
            citations.append((len(citations) + 1, ident if table == "facts" else None,
                              ident if table == "targets" else None, *c))
    for table in ("facts", "targets"):
        db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(dataset.ROW_COLUMNS))})", rows[table])
    db.executemany(f"INSERT INTO citations VALUES ({','.join('?' * (len(dataset.CITATION_COLUMNS) + 3))})", citations)
    if data.relations is not None:
        _insert_relations(db, data.relations)
    _insert_outcomes(db, data)
    counts = {"facts": len(rows["facts"]), "targets": len(rows["targets"]), "citations": len(citations),
              "sources": len(data.sources)}
    db.executemany("INSERT INTO build_inputs VALUES (?,?)", data.inputs)
    db.executemany(
        "INSERT INTO build_info VALUES (?,?)",
        [("version", data.release["version"]), ("released", data.release["date-released"]),
         ("license", data.release["license"]), ("inputs_sha256", inputs_digest(data.inputs)),
         ("builder", f"gdfacts {__version__}"), ("sqlite_version", sqlite3.sqlite_version)],
    )
    db.executemany("INSERT INTO data_dictionary VALUES (?,?,?,?,?)", data.dictionary)
    return counts


def _insert_outcomes(db: sqlite3.Connection, data: dataset.Dataset) -> None:
    """The outcome statements, and each target's status as the build decides it."""
    db.executemany("INSERT INTO outcome_statements VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(n, s.region, s.indicator, s.period, s.outcome, s.period_basis, s.source_id, s.line, s.quote,
                     s.as_stated, s.data_file, s.data_line) for n, s in enumerate(data.statements, 1)])
    db.executemany("INSERT INTO target_status VALUES (?,?,?,?,?,?,?)",
                   [(t.target_id, *_ends(t.accepts), t.period_end, t.outcome_id,
                     t.statement + 1 if t.statement is not None else None, t.decision) for t in data.statuses])


def _ends(interval) -> tuple[float | None, float | None]:
    """An interval's ends, NULL where unbounded."""
    return tuple(x if math.isfinite(x) else None for x in (interval.lo, interval.hi))


def _insert_relations(db: sqlite3.Connection, result: relations.Result) -> None:
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


def fill_search(db: sqlite3.Connection) -> None:
    """Write the full-text tables from the complete content tables: each row's
    text shaped by search_text.index_text, under the rowid of the row it indexes.
    A fact or target also holds its citations' quotes and stated words."""
    db.create_function("index_text", 1, search_text.index_text, deterministic=True)
    db.execute("INSERT INTO citations_fts (rowid, quote, as_stated, correction_reason)"
               " SELECT id, index_text(quote), index_text(as_stated), index_text(correction_reason)"
               " FROM citations ORDER BY id")
    db.execute("INSERT INTO source_lines_fts (rowid, text) SELECT rowid, index_text(text) FROM source_lines ORDER BY rowid")
    shape = search_text.index_text
    for table, key in (("facts", "fact_id"), ("targets", "target_id")):
        quotes, stated = defaultdict(list), defaultdict(list)
        for record, quote, as_stated in db.execute(
                f"SELECT {key}, quote, as_stated FROM citations WHERE {key} IS NOT NULL ORDER BY id"):
            quotes[record].append(quote)
            stated[record].append(as_stated)
        rows = db.execute(f"SELECT rowid, id, period_basis, note FROM {table} ORDER BY rowid").fetchall()
        db.executemany(
            f"INSERT INTO {table}_fts (rowid, id, period_basis, note, quote, as_stated) VALUES (?,?,?,?,?,?)",
            [(rowid, ident, shape(basis), shape(note), shape("\n".join(quotes[ident])), shape("\n".join(stated[ident])))
             for rowid, ident, basis, note in rows],
        )


def _verify(db: sqlite3.Connection) -> None:
    problems = [f"foreign key: {row}" for row in db.execute("PRAGMA foreign_key_check")]
    problems += [row[0] for row in db.execute("PRAGMA integrity_check") if row[0] != "ok"]
    if problems:
        raise RuntimeError("the new database failed SQLite's checks: " + "; ".join(problems))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - not every platform opens directories
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build(root: Path | str = ROOT, output: Path | str | None = None, check_only: bool = False) -> dict[str, int]:
    """Check every input, then (unless check_only) write the database."""
    root = Path(root)
    data = dataset.load(root)
    counts = {
        "facts": sum(table == "facts" for table, _, _ in data.records),
        "targets": sum(table == "targets" for table, _, _ in data.records),
        "citations": sum(len(citations) for _, _, citations in data.records),
        "sources": len(data.sources),
    }
    if not check_only:
        output = Path(output) if output is not None else root / DEFAULT_DB
        with exclusive(output):
            write(data, output)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="build_db.py",
        description="Check data/ and seeds/ against each other and compile guangdong_facts.db.",
    )
    parser.add_argument("-o", "--output", type=Path, help=f"where to write the database (default: {DEFAULT_DB} in the root)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the folder holding data/, seeds/ and schema.sql")
    parser.add_argument("--check", action="store_true", help="check everything, write nothing")
    args = parser.parse_args(argv)
    output = args.output if args.output is not None else args.root / DEFAULT_DB
    try:
        counts = build(args.root, output, check_only=args.check)
    except BuildFailed as failed:
        for problem in failed.problems:
            print(problem, file=sys.stderr)
        left = "nothing was written" if args.check else f"{output} was left as it was"
        print(f"Build failed: {len(failed.problems)} problem(s); {left}.", file=sys.stderr)
        return 1
    except WriteFailed as e:  # the disk, not the data: full, read-only, no permission
        print(f"Build failed: cannot write {output}: {e.strerror}; {e.left}.", file=sys.stderr)
        return 1
    except OSError as e:  # the folder or its lock file, before anything was written
        print(f"Build failed: cannot write {output}: {e.strerror or e}; {WriteFailed.LEFT_AS_IT_WAS}.", file=sys.stderr)
        return 1
    summary = f"{counts['facts']} facts, {counts['targets']} targets, {counts['citations']} citations from {counts['sources']} sources"
    if args.check:
        print(f"Checked: {summary}; every citation verified. Nothing was written.")
    else:
        print(f"Built {output}: {summary}; every citation verified, integrity and foreign-key checks passed.")
    return 0
