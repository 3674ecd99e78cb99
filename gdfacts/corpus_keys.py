"""The keys of every record of the corpus, in an SQLite database: what the
rules across fact files (rules/corpus.py) compare records by, and what
relations and outcomes select records by (dataset.py), kept on disk so that
checking a corpus of any size holds no record in memory.

Of a record only what those look at is kept: its key (region, indicator,
period, kind and unit, as `repr` of the tuple: equal keys, equal text), id,
conflicts_with, value, qualifier, file and line; and, to select it, its
table, kind, indicator, unit, number of citations and `outcome` (region,
indicator, period and unit, as `repr`). A value is kept as the text of its
`repr`, which gives back the same float (SQLite would keep -0.0 as 0).
Records are in the order the rules read them: each source's own fact file in
path order, its records in file order. A record's place is (file, n), its
file's path and its place in the file, and every answer comes in that order
(SQLite compares text as its UTF-8 bytes, which sort as Python sorts the
paths).

The database is either temporary (a private file, deleted when it closes),
or kept from one build to the next in the check cache's folder, one for each
root checked (`Keys.kept`): then each fact file's rows are written only when
its content key (cache.key: the builder's code, every input other than the
fact files, the file's path and bytes) is not the one they were written
for, so that a rebuild after one edit writes one file's rows. A build holds
the kept database's lock from its first question to its last; a build that
cannot take it at once (another build of the same root is checking), or
cannot open it, uses a temporary database instead, which only takes longer
(one that is damaged, or not a database at all, is removed and made afresh,
and one found damaged while in use is removed once the check has run again
with a temporary one);
so does a build that cannot write it (its disk is full): what it had written
is rolled back, and it checks again with a temporary one (`Unusable`), or,
when only the last commit failed, the answers it gave stand.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

FORMAT = 1  # of the kept database: another number, another file


class Keyed(NamedTuple):
    """A record as the rules across fact files see it (seq: its place, (file, n))."""
    seq: tuple[str, int]
    key: str
    id: str
    conflicts_with: str | None
    value: float
    qualifier: str
    file: str
    line: int


_KEYED = "file, n, key, id, conflicts_with, value, qualifier, line"
_ROW = ("file", "n", "key", "id", "conflicts_with", "value", "qualifier", "line", "tbl", "kind", "indicator", "unit",
        "citations", "outcome")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS fact_files (file TEXT PRIMARY KEY, content_key TEXT)",
    "CREATE TABLE IF NOT EXISTS records (file TEXT NOT NULL, n INTEGER NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL, "
    "conflicts_with TEXT, value TEXT NOT NULL, qualifier TEXT NOT NULL, line INTEGER NOT NULL, tbl TEXT NOT NULL, "
    "kind TEXT NOT NULL, indicator TEXT NOT NULL, unit TEXT NOT NULL, citations INTEGER NOT NULL, outcome TEXT NOT NULL, "
    "PRIMARY KEY (file, n)) WITHOUT ROWID",
)
_INDEXES = ("CREATE INDEX IF NOT EXISTS records_by_key ON records (key, file, n)",
            "CREATE INDEX IF NOT EXISTS records_by_id ON records (id, file, n)",
            "CREATE INDEX IF NOT EXISTS acknowledging ON records (file, n) WHERE conflicts_with IS NOT NULL",
            "CREATE INDEX IF NOT EXISTS targets_by_outcome ON records (outcome) WHERE tbl = 'targets'",
            "CREATE INDEX IF NOT EXISTS actuals_by_outcome ON records (outcome) WHERE kind = 'actual'")


def _remove(path: Path) -> bool:
    """Remove a kept database and the files SQLite keeps beside it; whether it is gone."""
    try:
        for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
            (path.parent / name).unlink(missing_ok=True)
    except OSError:
        return False
    return True


class Unusable(Exception):
    """The kept database could not be written (its disk is full) or read (its pages are damaged): check
    again with a temporary one."""


class Keys:
    """The keys of the records of every source's own fact file: `put` each
    file's (or leave it, where `holds`), then ask."""

    def __init__(self, path: Path | None = None, context: str = ""):
        self.kept = False
        self.path = path
        self.damaged = False  # found so while in use: removed when closed, made afresh by the next build
        self.db = self._kept(path, context) if path is not None else None
        self.kept = self.db is not None
        if self.db is None:
            # "": a temporary database on disk, private to this connection and deleted when it closes;
            # no journal and no syncs, since nothing in it outlives the build
            self.db = sqlite3.connect("", isolation_level=None)
            self.db.execute("PRAGMA journal_mode = OFF")
            self.db.execute("PRAGMA synchronous = OFF")
            self._tables(indexed=False)
            self.db.execute("BEGIN")
        self.db.execute("PRAGMA cache_size = -4096")  # 4 MiB, whatever the corpus
        self.held = dict(self.db.execute("SELECT file, content_key FROM fact_files"))  # as the database holds them
        self.current: set[str] = set()  # the fact files put or held in this build
        self._indexed = self.kept and bool(self.held)

    @staticmethod
    def kept_at(folder: Path, root: Path) -> Path:
        """Where the kept database of the corpus at `root` is, in the check cache's folder."""
        return folder / "corpus" / f"{hashlib.sha256(str(root.resolve()).encode()).hexdigest()}-{FORMAT}.sqlite"

    def _kept(self, path: Path, context: str, again: bool = True) -> sqlite3.Connection | None:
        """The kept database, locked for this build; None when it cannot be opened or locked at once.
        One that is not an SQLite database, or a damaged one, is removed and made afresh (once)."""
        db = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None, timeout=0)
            db.execute("PRAGMA journal_mode = WAL")  # a build killed mid-way leaves the last one's rows
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("BEGIN IMMEDIATE")
            db.execute("CREATE TABLE IF NOT EXISTS context (digest TEXT)")
            self.db = db
            was = db.execute("SELECT digest FROM context").fetchone()
            if was is None or was[0] != context:  # every file's key has changed: write them all, indexed after
                for table in ("context", "fact_files", "records"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.execute("CREATE TABLE context (digest TEXT)")
                db.execute("INSERT INTO context VALUES (?)", (context,))
                self._tables(indexed=False)
            else:
                self._tables(indexed=True)
            return db
        except (OSError, sqlite3.Error) as e:
            if db is not None:
                db.close()
            damaged = type(e) is sqlite3.DatabaseError  # not a database, or a malformed one (not: locked, full)
            if damaged and again and _remove(path):
                return self._kept(path, context, again=False)
            return None

    def _tables(self, indexed: bool) -> None:
        for sql in _SCHEMA + (_INDEXES if indexed else ()):
            self.db.execute(sql)

    def holds(self, file: str, content_key: str | None) -> bool:
        """Whether the database holds the rows of this fact file as of this content; if so, they stay."""
        if content_key is None or self.held.get(file) != content_key:
            return False
        self.current.add(file)
        return True

    def put(self, file: str, content_key: str | None, records: Iterable[tuple]) -> None:
        """A fact file's records, in file order, each as (key, id, conflicts_with, value, qualifier, line,
        table, kind, indicator, unit, citations, outcome), for the content key given (None: never held again)."""
        if file in self.current:
            raise ValueError(f"{file} is among the keys already")
        rows = [(file, n, key, ident, conflicts_with, repr(value), *rest)
                for n, (key, ident, conflicts_with, value, *rest) in enumerate(records)]
        with self._guarded():
            if file in self.held:
                self.db.execute("DELETE FROM records WHERE file = ?", (file,))
            self.db.executemany(f"INSERT INTO records VALUES ({','.join('?' * len(_ROW))})", rows)
            self.db.execute("INSERT OR REPLACE INTO fact_files VALUES (?, ?)", (file, content_key))
        self.held[file] = content_key
        self.current.add(file)

    @contextlib.contextmanager
    def _guarded(self):
        """Writes to the database, and reads from it: on the kept one, a failure (a full disk, or pages
        found damaged) is Unusable."""
        try:
            yield
        except sqlite3.DatabaseError as e:
            if not self.kept:
                raise
            self.damaged = self.damaged or type(e) is sqlite3.DatabaseError  # malformed, not: full, locked
            raise Unusable(f"the keys database kept in the check cache could not be used: {e}") from e

    def _ask(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        with self._guarded():
            if self.held.keys() != self.current:  # files no longer among the corpus's own
                for file in set(self.held) - self.current:
                    self.db.execute("DELETE FROM records WHERE file = ?", (file,))
                    self.db.execute("DELETE FROM fact_files WHERE file = ?", (file,))
                    del self.held[file]
            if not self._indexed:
                for index in _INDEXES:
                    self.db.execute(index)
                self._indexed = True
            return self.db.execute(sql, params)

    def _rows(self, sql: str, params: tuple = ()) -> Iterator[tuple]:
        """The rows of a question, read in batches, a failure to read them as Unusable (see _guarded)."""
        cursor = self._ask(sql, params)
        while True:
            with self._guarded():
                batch = cursor.fetchmany(1000)
            if not batch:
                return
            yield from batch

    def _records(self, sql: str, params: tuple = ()) -> Iterator[Keyed]:
        return (_keyed(row) for row in self._rows(sql, params))

    def repeated_keys(self) -> Iterator[tuple[Keyed, Keyed]]:
        """Each record whose key an earlier record has, with the first record of that key, in order."""
        pairs, first = [], None
        for record in self._records(f"SELECT {_KEYED} FROM records WHERE key IN "
                                    f"(SELECT key FROM records GROUP BY key HAVING COUNT(*) > 1) ORDER BY key, file, n"):
            if first is None or first.key != record.key:
                first = record
            else:
                pairs.append((record, first))
        return iter(sorted(pairs, key=lambda pair: pair[0].seq))

    def shared_ids(self) -> Iterator[Keyed]:
        """Every record whose id another record has too, in order."""
        return self._records(f"SELECT {_KEYED} FROM records WHERE id IN "
                             f"(SELECT id FROM records GROUP BY id HAVING COUNT(*) > 1) ORDER BY file, n")

    def acknowledging(self) -> Iterator[Keyed]:
        """Every record that names another in conflicts_with, in order."""
        return self._records(f"SELECT {_KEYED} FROM records WHERE conflicts_with IS NOT NULL ORDER BY file, n")

    def with_id(self, ident: str) -> Iterator[Keyed]:
        """The records of an id, in order."""
        return self._records(f"SELECT {_KEYED} FROM records WHERE id = ? ORDER BY file, n", (ident,))

    def selected(self, indicators: Iterable[str], units: Iterable[str], restated: bool) -> Iterator[tuple[str, int]]:
        """The place of every record of these indicators or units (or cited more than once, when `restated`),
        and of every actual whose outcome a target shares, in order."""
        sql = ("SELECT file, n FROM records WHERE kind = 'actual' AND outcome IN "
               "(SELECT outcome FROM records WHERE tbl = 'targets')")
        indicators, units = sorted(indicators), sorted(units)
        if not (indicators or units or restated):  # no relation selects: only the partial indexes are read
            return self._rows(sql + " ORDER BY file, n")
        return self._rows(
            "SELECT file, n FROM records WHERE indicator IN (SELECT value FROM json_each(?)) "
            "OR unit IN (SELECT value FROM json_each(?)) OR (? AND citations > 1) UNION " + sql + " ORDER BY file, n",
            (json.dumps(indicators), json.dumps(units), int(restated)))

    def close(self, keep: bool = True) -> None:
        """Done: the kept database keeps what was put (unless `keep` is false: the build was interrupted)."""
        try:
            if self.kept and keep:
                self._ask("SELECT 1")  # the files no longer its own gone, the indexes made
                with self._guarded():
                    self.db.execute("COMMIT")
        except Unusable:
            pass  # every answer was given: the database stays as the last build left it (closing rolls back)
        finally:
            self.db.close()
            if self.damaged:
                _remove(self.path)


def _keyed(row: tuple) -> Keyed:
    file, n, key, ident, conflicts_with, value, qualifier, line = row
    return Keyed((file, n), key, ident, conflicts_with, float(value), qualifier, file, line)
