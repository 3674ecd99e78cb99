"""The materialized tables: what the pages would otherwise join or count on
every request, written once by the build after the records.

schema.sql defines each materialized table, and after it the INSERT ...
SELECT that fills it (run there on empty tables, it inserts nothing);
`fill` runs those statements again once every record is written (or
patched). A statement that names :first and :last fills the rows of the
citations numbered in that range (the rowid of its table is the citation's
number): written whole, every citation; patched, only the spans of the fact
files that changed or went (numbering.span), whose rows are deleted first,
since every other row is as the previous build wrote it. A statement without
them fills its whole table again, emptied first. `fill` then counts
the facets: for every table metadata.yml gives column facets to, how many rows
hold each value of each facet column (the table facet_counts, which
plugins/counted_facets.py reads for a page that shows the whole table), and
gathers the statistics SQLite plans queries with.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import yaml

from . import publication

FILL = re.compile(r"INSERT\s+INTO\s+(\w+)\s+SELECT\b", re.IGNORECASE)


def statements(sql: str) -> list[str]:
    """The statements of a script, each without the comments before it."""
    found, pending = [], ""
    for line in sql.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    return found


def fill_statements(schema_sql: str) -> list[str]:
    """The INSERT ... SELECT statements of schema.sql, in order: the ones that fill a materialized table."""
    return [s for s in statements(schema_sql) if FILL.match(s)]


def facets(metadata: Path = publication.METADATA) -> dict[str, list[str]]:
    """{table: its column facets}, as metadata.yml (the one Datasette serves with) names them."""
    tables = yaml.safe_load(metadata.read_text(encoding="utf-8"))["databases"][publication.DATABASE]["tables"]
    return {name: [f for f in table.get("facets", []) if isinstance(f, str)]
            for name, table in tables.items() if table.get("facets")}


EVERY_CITATION = (-2**63, 2**63 - 1)  # the span of every number a citation can have


def by_span(sql: str) -> bool:
    """Whether a fill statement fills the rows of a span of citations (it names :first and :last)."""
    return ":first" in sql and ":last" in sql


def fill(db: sqlite3.Connection, schema_sql: str, spans: list[tuple[int, int]] | None = None,
         facet_columns: dict[str, list[str]] | None = None) -> None:
    """Fill every materialized table of `schema_sql` from the tables the build
    wrote: whole, or, given the `spans` of the fact files a patch changed or
    removed, the rows of those spans in the tables filled by span (and every
    other table whole). Then count the facets, and give SQLite's query planner
    the statistics of every index (ANALYZE writes sqlite_stat1): without them
    it reads a filter on a value most rows hold (kind = 'actual') through that
    column's index and sorts every row it finds, where the index of the page's
    order finds the first 50 at once."""
    fills = fill_statements(schema_sql)
    patching = [EVERY_CITATION] if spans is None else sorted(spans)
    emptied = set()
    for sql in fills:
        table = FILL.match(sql).group(1)
        if not by_span(sql):
            if table not in emptied:  # a patched copy holds the previous build's rows
                db.execute(f'DELETE FROM "{table}"')
            db.execute(sql)
        else:
            if table not in emptied:
                db.executemany(f'DELETE FROM "{table}" WHERE rowid BETWEEN ? AND ?', patching)
            for first, last in patching:
                db.execute(sql, {"first": first, "last": last})
        emptied.add(table)
    db.execute("DELETE FROM facet_counts")
    count_facets(db, facets() if facet_columns is None else facet_columns)
    db.execute("ANALYZE")
    # ANALYZE writes its rows in the order it finds the tables in memory, which differs between a database
    # written whole and one patched from a copy: written again in key order, the two are the same bytes.
    stats = db.execute("SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx").fetchall()
    db.execute("DELETE FROM sqlite_stat1")
    db.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", stats)


def count_facets(db: sqlite3.Connection, facet_columns: dict[str, list[str]]) -> None:
    """facet_counts for the whole of every table (views are left out: a view's
    column may depend on the day, as target_outcomes.status does)."""
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in sorted(facet_columns):
        if table not in tables:
            continue
        known = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
        for column in dict.fromkeys(facet_columns[table]):
            if column in known:
                db.execute(f'INSERT INTO facet_counts SELECT ?, ?, CAST("{column}" AS TEXT), count(*) FROM "{table}" '
                           f'WHERE "{column}" IS NOT NULL GROUP BY "{column}"', (table, column))
