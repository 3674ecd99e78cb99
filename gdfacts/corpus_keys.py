"""The keys of every record of the corpus, in a temporary SQLite database:
what the rules across fact files (rules/corpus.py) compare records by, kept
on disk so that checking a corpus of any size holds no record in memory.

Records are added in the order the rules read them (each source's own fact
file in path order, its records in file order): `seq` is a record's place in
that order, and every answer below comes in that order too. Of a record only
what those rules look at is kept: its key (region, indicator, period, kind
and unit, as `repr` of the tuple: equal keys, equal text), id,
conflicts_with, value, qualifier, file and line. A value is kept as the
text of its `repr`, which gives back the same float (SQLite would keep -0.0 as 0).
"""

from __future__ import annotations

import sqlite3
from typing import Iterable, Iterator, NamedTuple


class Keyed(NamedTuple):
    """A record as the rules across fact files see it."""
    seq: int
    key: str
    id: str
    conflicts_with: str | None
    value: float
    qualifier: str
    file: str
    line: int


_COLUMNS = ", ".join(Keyed._fields)
_TABLE = ("CREATE TABLE records (seq INTEGER PRIMARY KEY, key TEXT NOT NULL, id TEXT NOT NULL, conflicts_with TEXT, "
          "value TEXT NOT NULL, qualifier TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL)")
_INDEXES = ("CREATE INDEX records_by_key ON records (key, seq)", "CREATE INDEX records_by_id ON records (id, seq)")


class Keys:
    """The keys of the records added so far: `add` them in order, then ask."""

    def __init__(self):
        # "": a temporary database on disk, private to this connection and deleted when it closes;
        # no journal and no syncs, since nothing in it outlives the build
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA cache_size = -4096")  # 4 MiB, whatever the corpus
        self.db.execute(_TABLE)
        self.db.execute("BEGIN")
        self.count = 0
        self._indexed = False

    def add(self, records: Iterable[tuple]) -> None:
        """Records (seq is given here, in the order they are added), each as
        (key, id, conflicts_with, value, qualifier, file, line)."""
        if self._indexed:
            raise RuntimeError("records are added before the first question")
        start = self.count
        rows = [(start + n, key, ident, conflicts_with, repr(value), *rest)
                for n, (key, ident, conflicts_with, value, *rest) in enumerate(records)]
        self.db.executemany(f"INSERT INTO records VALUES ({','.join('?' * len(Keyed._fields))})", rows)
        self.count += len(rows)

    def _ask(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        if not self._indexed:
            self.db.execute("COMMIT")
            for index in _INDEXES:
                self.db.execute(index)
            self._indexed = True
        return self.db.execute(sql, params)

    def _records(self, sql: str, params: tuple = ()) -> Iterator[Keyed]:
        return (_keyed(row) for row in self._ask(sql, params))

    def repeated_keys(self) -> Iterator[tuple[Keyed, Keyed]]:
        """Each record whose key an earlier record has, with the first record of that key, in order."""
        rows = self._ask(
            f"WITH firsts AS (SELECT key, MIN(seq) AS first FROM records GROUP BY key HAVING COUNT(*) > 1) "
            f"SELECT {', '.join('r.' + c for c in Keyed._fields)}, {', '.join('e.' + c for c in Keyed._fields)} "
            f"FROM firsts JOIN records r ON r.key = firsts.key AND r.seq > firsts.first "
            f"JOIN records e ON e.seq = firsts.first ORDER BY r.seq")
        width = len(Keyed._fields)
        for row in rows:
            yield _keyed(row[:width]), _keyed(row[width:])

    def shared_ids(self) -> Iterator[Keyed]:
        """Every record whose id another record has too, in order."""
        return self._records(f"SELECT {_COLUMNS} FROM records WHERE id IN "
                         f"(SELECT id FROM records GROUP BY id HAVING COUNT(*) > 1) ORDER BY seq")

    def acknowledging(self) -> Iterator[Keyed]:
        """Every record that names another in conflicts_with, in order."""
        return self._records(f"SELECT {_COLUMNS} FROM records WHERE conflicts_with IS NOT NULL ORDER BY seq")

    def with_id(self, ident: str) -> Iterator[Keyed]:
        """The records of an id, in order."""
        return self._records(f"SELECT {_COLUMNS} FROM records WHERE id = ? ORDER BY seq", (ident,))

    def close(self) -> None:
        self.db.close()


def _keyed(row: tuple) -> Keyed:
    seq, key, ident, conflicts_with, value, *rest = row
    return Keyed(seq, key, ident, conflicts_with, float(value), *rest)
