"""Facets a page at a million records can afford: a table page that shows the
whole table reads each facet from facet_counts, where the build counted it
(gdfacts/materialized.py), instead of counting a million rows on every
request; any other page (a filter, a search, a facet the build did not count)
counts as Datasette does. The results are the same either way, shaped as
Datasette's own column facets (tests/test_materialized.py compares them).

"The whole table" means no filter, search, _where or _through among the
arguments; _next is not a filter: every page of a table shows the same facets.
A page that selects rows counts its facets over at most LIVE_FACET_ROWS of
them: one that selects more (a search that finds a word in 50,000 citations,
a filter that keeps 900,000 facts) lists its facets among those that timed
out, at once, rather than after each has run into Datasette's facet time
limit.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args

COUNTS_SQL = "select value, count from facet_counts where table_name = :table and column_name = :column"
TYPES = {"INTEGER": int, "REAL": float}  # facet_counts keeps values as text; the column's type says what they were
COUNTED_SQL = "select 1 from facet_counts where table_name = :table and column_name = :column limit 1"
ROW_SELECTING = ("_search", "_where", "_through")  # arguments (and _search_<column>) that select rows
LIVE_FACET_ROWS = 10_000  # the most rows a facet is counted over on the spot (about 10 ms each)


def shows_whole_table(request) -> bool:
    """Whether the page's rows are its whole table: no filter, search, _where or _through."""
    for key in request.args:
        if not key.startswith("_") or "__" in key:
            return False  # a filter: column=value, column__gt=...
        if key.startswith(ROW_SELECTING):
            return False
    return True


class CountedColumnFacet(ColumnFacet):
    """Datasette's column facet, read from facet_counts where the build counted it."""

    async def facet_results(self):
        configs = self.get_configs()
        whole = self.table is not None and shows_whole_table(self.request)
        results, timed_out = [], []
        for config in configs:  # in their order, as Datasette's own
            if whole and await self._is_counted(_column(config)):
                results.append(await self._from_counts(config))
            elif not whole and self.row_count is not None and self.row_count > LIVE_FACET_ROWS:
                timed_out.append(_column(config))  # counting them would take longer than a page may
            else:
                found, late = await self._live(config)
                results += found
                timed_out += late
        return results, timed_out

    async def _is_counted(self, column: str) -> bool:
        try:
            found = await self.ds.execute(self.database, COUNTED_SQL, {"table": self.table, "column": column})
        except sqlite3.DatabaseError:  # a database without facet_counts: count them all
            return False
        return found.first() is not None

    async def _live(self, config):
        """Datasette's own facet_results for one facet the build did not count."""
        self.get_configs = lambda: [config]
        try:
            return await super().facet_results()
        finally:
            del self.get_configs

    async def _from_counts(self, source_and_config) -> dict:
        column, source = _column(source_and_config), source_and_config["source"]
        size = self.get_facet_size()
        db = self.ds.get_database(self.database)
        declared = {c.name: c.type.upper() for c in await db.table_column_details(self.table)}
        typed = TYPES.get(declared.get(column), str)
        counts = (await db.execute(COUNTS_SQL, {"table": self.table, "column": column})).rows
        # as Datasette orders a facet: most rows first, then by value
        rows = sorted(({"value": typed(r["value"]), "count": r["count"]} for r in counts),
                      key=lambda r: (-r["count"], r["value"]))[:size + 1]
        expanded = await self.ds.expand_foreign_keys(self.database, self.table, column, [r["value"] for r in rows[:size]])
        pairs = self.get_querystring_pairs()
        column_qs = f"{column}__exact" if column.startswith("_") else column
        values = []
        for row in rows[:size]:
            selected = (column_qs, str(row["value"])) in pairs
            toggle = (path_with_removed_args(self.request, {column_qs: str(row["value"])}) if selected
                      else path_with_added_args(self.request, {column_qs: row["value"]}))
            values.append({"value": row["value"], "label": expanded.get((column, row["value"]), row["value"]),
                           "count": row["count"], "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                           "selected": selected})
        return {"name": column, "type": self.type, "hideable": source != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                "results": values, "truncated": len(rows) > size}


def _column(source_and_config) -> str:
    config = source_and_config["config"]
    return config.get("column") or config["simple"]


@hookimpl(hookwrapper=True)
def register_facet_classes():
    """Datasette's column facet, replaced by the one that reads facet_counts."""
    outcome = yield
    outcome.force_result([[CountedColumnFacet if c is ColumnFacet else c for c in classes]
                          for classes in outcome.get_result()])
