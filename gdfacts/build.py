"""Compile a checked Dataset into guangdong_facts.db, atomically.

The database and its inspect file are written to temporary files beside the
targets and moved into place only once both are complete and the database has
passed SQLite's own checks, so a failed or interrupted build (a full disk
included) leaves the previous database and inspect file exactly as they were.
The same inputs give a byte-identical file, however it was written:

- nothing changed since the database in place was built (build_state.py):
  nothing is written, nor the checks imported;
- only fact files changed: the previous database is copied and patched for
  them (rows.patch), then compacted; the rows written are checked by SQLite as
  they are written (constraints, and foreign keys at the commit: every row
  written or deleted), and the compacted file by `PRAGMA quick_check`; the
  rows kept were checked by the build that wrote them, whose file the copy
  is (its SHA-256);
- otherwise it is written whole (rows.write_whole) into an empty database,
  then compacted, and the compacted file passes `PRAGMA integrity_check` and
  `foreign_key_check`.

Compacting is `VACUUM INTO` the temporary file: it writes every table and index
in key order, so the file depends only on the rows it holds (and on the schema
cookie, which a patched copy sets back to that of a database written whole).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import glob
import hashlib
import json
import os
import re
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import build_state, cache, publication
from .problems import BuildFailed

if TYPE_CHECKING:  # the checks and the writer are imported when a database is to be written, not before
    from . import dataset

DEFAULT_DB = "guangdong_facts.db"
ROOT = Path(__file__).resolve().parent.parent
WHOLE, PATCHED, UNCHANGED = "whole", "patched", "unchanged"  # how a build left the database
# SQLite's page cache (negative: KiB) while rows are written and indexed, and while compacting. At a million
# records 32 MiB wrote as fast as 64 MiB, and took 50 MiB less at the peak; VACUUM INTO holds twice its cache.
WRITING_CACHE_KIB = -32768
COMPACTING_CACHE_KIB = -8192


class Timings:
    """The seconds each step of a build took, and the process's peak memory
    once it was done (build_db.py --timings)."""

    def __init__(self):
        self.steps: list[tuple[str, float, float]] = []
        self._last = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        self.steps.append((step, now - self._last, peak))
        self._last = now

    def __str__(self) -> str:
        return "".join(f"{seconds:8.3f} s  {peak:6.0f} MiB peak  {step}\n" for step, seconds, peak in self.steps)


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


def write(data: dataset.Dataset, output: Path, plan: build_state.Plan | None = None,
          timings: Timings | None = None) -> tuple[str, str, str]:
    """Write the database to `output`, and its inspect file beside it,
    atomically: patched from `plan` when there is one, else whole. Return how
    (WHOLE or PATCHED) and the SHA-256 of the database and of the inspect file.
    The caller holds `exclusive(output)`.

    Both are written in full to temporary files first (the database checked and
    synced), and only then moved into place, the database first: a failure
    while writing, a full disk included, leaves both exactly as they were and
    raises WriteFailed. Should the second move fail, the previous inspect file
    is removed rather than left describing another database."""
    output = Path(output)
    timings = timings or Timings()
    inspect = publication.inspect_file(output)
    made: list[Path] = []
    try:
        fd, db_tmp = _temporary(output, made)
        os.close(fd)  # SQLite opens it by name
        fd, work = _temporary(output, made)
        os.close(fd)
        how = _write_database(data, work, db_tmp, plan, timings)
        _remove([work])
        fd, inspect_tmp = _temporary(inspect, made)
        text = publication.inspect_text(db_tmp, published_as=output)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(inspect_tmp, 0o444)  # readable by whoever serves it, like the database
        timings("inspect file")
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
    timings("move into place")
    digest = json.loads(text)[output.stem]["hash"]
    return how, digest, hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def _write_database(data: dataset.Dataset, work: Path, path: Path, plan: build_state.Plan | None,
                    timings: Timings) -> str:
    """Write the database into `work` (an empty file), patched from `plan` or
    whole, compact it into `path` (an empty file), check and sync it; return
    how it was written (PATCHED or WHOLE)."""
    from . import materialized, numbering, rows

    patched = False
    if plan is not None and plan.base.is_file():
        shutil.copyfile(plan.base, work)
        patched = plan.is_base(work)  # else the previous database is not the one recorded: write it whole
        if not patched:
            os.truncate(work, 0)
        timings("copy the previous database")
    db = sqlite3.connect(work, isolation_level=None)
    try:
        # A temporary file that is thrown away on any failure needs no journal
        # and no syncs until it is complete (it is fsynced before the rename).
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute(f"PRAGMA cache_size = {WRITING_CACHE_KIB}")
        if patched:
            # VACUUM INTO gives its file the schema cookie of its source plus one:
            # set back, the copy's cookie is that of a database written whole.
            cookie = db.execute("PRAGMA schema_version").fetchone()[0]
            db.execute(f"PRAGMA schema_version = {int(cookie) - 1}")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA defer_foreign_keys = ON")  # every row written or deleted, checked at the commit
            db.execute("BEGIN")
            rows.patch(db, data, plan.changed, plan.removed)
            timings("patch rows")
            spans = [numbering.span(rel) for rel in plan.changed + plan.removed]
        else:
            indexes = _schema_without_indexes(db, data.schema_sql)
            db.execute("PRAGMA foreign_keys = OFF")  # checked once, whole, by _verify's foreign_key_check
            db.execute("BEGIN")
            rows.write_whole(db, data)
            timings("write rows")
            for sql in indexes:  # built from the rows in one pass each, rather than row by row
                db.execute(sql)
            timings("create indexes")
            rows.fill_search(db)
            timings("full-text tables")
            spans = None
        materialized.fill(db, data.schema_sql, spans)  # evidence by span; target_outcome_rows, facet_counts, ANALYZE whole
        timings("materialized tables and statistics")
        db.execute("COMMIT")
        if patched:
            timings("commit (foreign keys checked)")
        db.execute(f"PRAGMA cache_size = {COMPACTING_CACHE_KIB}")  # VACUUM INTO reads and writes in order:
        db.execute("VACUUM INTO ?", (str(path),))                # a large cache only costs memory (2x its size)
        timings("compact (VACUUM INTO)")
    finally:
        db.close()
    _verify(path, whole=not patched)
    timings("quick_check" if patched else "integrity_check and foreign_key_check")
    with open(path, "rb+") as f:
        os.fsync(f.fileno())
    os.chmod(path, 0o444)
    timings("fsync")
    return PATCHED if patched else WHOLE


def _schema_without_indexes(db: sqlite3.Connection, schema_sql: str) -> list[str]:
    """Run the schema but its CREATE INDEX statements, which are returned to be run once the rows are in."""
    indexes, statement = [], ""
    for line in schema_sql.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            if re.match(r"\s*(--[^\n]*\n\s*)*CREATE\s+(UNIQUE\s+)?INDEX\b", statement, re.IGNORECASE):
                indexes.append(statement)
            else:
                db.executescript(statement)
            statement = ""
    db.executescript(statement)
    return indexes


def _verify(path: Path, whole: bool) -> None:
    """SQLite's own checks of the compacted file: integrity_check and
    foreign_key_check when written whole; quick_check when patched (see the
    module's docstring for what the patch checked as it wrote)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if whole:
            problems = [f"foreign key: {row}" for row in db.execute("PRAGMA foreign_key_check")]
            problems += [row[0] for row in db.execute("PRAGMA integrity_check") if row[0] != "ok"]
        else:
            problems = [row[0] for row in db.execute("PRAGMA quick_check") if row[0] != "ok"]
    finally:
        db.close()
    if problems:
        raise sqlite3.IntegrityError("the new database failed SQLite's checks: " + "; ".join(problems))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - not every platform opens directories
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def counts(data: dataset.Dataset) -> dict[str, int]:
    """The facts, targets and citations of the checked dataset, and its sources."""
    return {"facts": sum(f.facts for f in data.files), "targets": sum(f.targets for f in data.files),
            "citations": sum(f.citations for f in data.files), "sources": len(data.sources)}


def build(root: Path | str = ROOT, output: Path | str | None = None, check_only: bool = False,
          timings: Timings | None = None, whole: bool = False) -> dict:
    """Check every input, then (unless check_only) write the database: whole,
    patched, or not at all when what it is built from has not changed (with
    `whole`, whole whatever changed). Return the counts of facts, targets,
    citations and sources, and under "written" how the database was left
    (WHOLE, PATCHED, UNCHANGED; None with check_only) and under "changed" the
    fact files a patch wrote again or removed."""
    root = Path(root)
    timings = timings or Timings()
    if check_only:
        from . import dataset

        with dataset.load(root) as data:
            found = counts(data)
        timings("check")
        return found | {"written": None, "changed": []}
    output = Path(output) if output is not None else root / DEFAULT_DB
    read_at = time.time_ns()
    listed = build_state.listing(root)
    if not whole and build_state.Previous.read(root, output) is not None:  # a build wrote it: compare, under its lock
        with exclusive(output):
            previous = build_state.Previous.read(root, output)
            if previous is not None and previous.unchanged():
                timings("compare with the previous build")
                return previous.counts | {"written": UNCHANGED, "changed": []}
    timings("compare with the previous build")
    from . import dataset

    with dataset.load(root) as data:
        timings("check")
        return _write_checked(data, root, output, listed, read_at, whole, timings)


def _write_checked(data: dataset.Dataset, root: Path, output: Path, listed, read_at: int, whole: bool,
                   timings: Timings) -> dict:
    """The rest of `build`, once every input is checked: write the database, unless nothing it holds changed."""
    found = counts(data)
    with exclusive(output):
        previous = None if whole else build_state.Previous.read(root, output)  # again: another build may have written it
        plan = previous.plan(data.inputs) if previous is not None else None
        if plan is not None and not plan.changed and not plan.removed and previous.written():
            previous.keep(listed, data.inputs, read_at)  # what changed is nothing the database is built from
            return found | {"written": UNCHANGED, "changed": []}
        how, database, inspect = write(data, output, plan, timings)
        build_state.save(root, output, listed, data.inputs, read_at, database, inspect, found)
        timings("record the build")
    return found | {"written": how, "changed": plan.changed + plan.removed if how == PATCHED else []}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="build_db.py",
        description="Check data/ and seeds/ against each other and compile guangdong_facts.db.",
    )
    parser.add_argument("-o", "--output", type=Path, help=f"where to write the database (default: {DEFAULT_DB} in the root)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the folder holding data/, seeds/ and schema.sql")
    parser.add_argument("--check", action="store_true", help="check everything, write nothing")
    parser.add_argument("--whole", action="store_true",
                        help="write the database whole, with SQLite's full checks, even if only fact files changed or nothing did")
    parser.add_argument("--timings", action="store_true", help="print the seconds each step took (to stderr)")
    args = parser.parse_args(argv)
    output = args.output if args.output is not None else args.root / DEFAULT_DB
    timings = Timings()
    try:
        result = build(args.root, output, check_only=args.check, timings=timings, whole=args.whole)
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
    except cache.Lost as e:  # the cache was emptied while the build read it back
        print(f"Build failed: {e}; build again. {output} was left as it was.", file=sys.stderr)
        return 1
    finally:
        if args.timings:
            print(timings, end="", file=sys.stderr)
    print(summary(output, result))
    return 0


def summary(output: Path, result: dict) -> str:
    """What main prints after a build that did not fail."""
    found = (f"{result['facts']} facts, {result['targets']} targets, {result['citations']} citations "
             f"from {result['sources']} sources")
    if result["written"] is None:
        return f"Checked: {found}; every citation verified. Nothing was written."
    if result["written"] == UNCHANGED:
        return f"Up to date: {output} holds {found}, built from the same inputs; nothing was written."
    if result["written"] == PATCHED:
        files = len(result["changed"])
        return (f"Built {output}: {found}; every citation verified; the rows of {files} changed fact "
                f"file{'s' if files != 1 else ''} written into the previous database, foreign-key and quick checks passed.")
    return f"Built {output}: {found}; every citation verified, integrity and foreign-key checks passed."
