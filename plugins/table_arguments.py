"""A table page's arguments are checked before Datasette reads them: one it
cannot use is the request's fault, answered 400 with what was wrong, never a
500 with a traceback. Datasette 0.65 answers 500 to each of these:

- _sort or _sort_desc naming no column of the table (rowid, on a view), or both given;
- _next on a view that is not a number of rows to skip;
- _timelimit that is not a number of milliseconds;
- _through that is not {"table": ..., "column": ..., "value": ...} naming a
  table whose foreign key points at this one;
- column__in=[...] that is not a JSON list;
- an argument whose name (taken for a column's) holds a NUL character.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from datasette import hookimpl
from datasette.handle_exception import handle_exception as default_handle_exception
from datasette.utils import tilde_decode
from datasette.utils.asgi import BadRequest, Request

TABLE_PATH = re.compile(r"/(?P<database>[^/.]+)/(?P<table>[^/.]+)(\.\w+)?")  # Datasette's route for a table page
NUMBER = re.compile(r"[0-9]+")


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def checked(scope, receive, send):
            if scope["type"] == "http":
                problem = await _problem(datasette, scope)
                if problem:
                    response = default_handle_exception(datasette, Request(scope, receive), BadRequest(problem))
                    return await (await response()).asgi_send(send)
            return await app(scope, receive, send)

        return checked

    return wrap


async def _problem(datasette, scope) -> str | None:
    """What is wrong with the arguments of a table page, or None."""
    m = TABLE_PATH.fullmatch(scope.get("path", ""))
    if not m or not scope.get("query_string"):
        return None
    name, table = tilde_decode(m.group("database")), tilde_decode(m.group("table"))
    db = datasette.databases.get(name)
    if db is None:
        return None
    is_view = table in await db.view_names()
    if not is_view and not await db.table_exists(table):
        return None  # a canned query, or a page Datasette answers 404
    args = parse_qs(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    if any("\x00" in key for key in args):
        return "an argument's name holds a NUL character"

    sorts = [(key, value) for key in ("_sort", "_sort_desc") for value in args.get(key, []) if value]
    if len(sorts) > 1:
        return "use _sort or _sort_desc, not both"
    if sorts:
        key, column = sorts[0]
        sortable = await _sortable(datasette, db, table, is_view)
        if column not in sortable:
            return f"{key}: {table} has no column {column!r} to sort by; it can be sorted by {', '.join(sortable)}"
    for value in args.get("_next", []):
        if is_view and not NUMBER.fullmatch(value):
            return f"_next: on the view {table}, _next is the number of rows to skip, not {value!r}"
    for value in args.get("_timelimit", []):
        if not NUMBER.fullmatch(value):
            return f"_timelimit: a number of milliseconds, not {value!r}"
    for value in args.get("_through", []):
        problem = await _through_problem(db, table, value)
        if problem:
            return problem
    for key, values in args.items():
        for value in values:
            if key.endswith("__in") and value.startswith("[") and not _json_list(value):
                return f"{key}: a JSON list, such as [\"a\", \"b\"], or values separated by commas"
    return None


async def _sortable(datasette, db, table: str, is_view: bool) -> list[str]:
    """The columns Datasette sorts `table` by (its metadata's sortable_columns, or all; rowid for a rowid table)."""
    metadata = datasette.table_metadata(db.name, table)
    columns = list(metadata.get("sortable_columns") or await db.table_columns(table))
    if not is_view and not await db.primary_keys(table):
        columns.append("rowid")
    return columns


async def _through_problem(db, table: str, value: str) -> str | None:
    shape = '_through: {"table": ..., "column": ..., "value": ...}, a table whose foreign key points at ' + table
    try:
        through = json.loads(value)
    except ValueError:
        return shape
    if not isinstance(through, dict) or not {"table", "column", "value"} <= set(through):
        return shape
    if not isinstance(through["table"], str) or not await db.table_exists(through["table"]):
        return shape
    if not any(fk["other_table"] == table for fk in await db.foreign_keys_for_table(through["table"])):
        return shape
    return None


def _json_list(value: str) -> bool:
    try:
        return isinstance(json.loads(value), list)
    except ValueError:
        return False
