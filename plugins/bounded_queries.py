"""No query bends the server: every connection Datasette opens gets the limits
of gdfacts/limits.py, a query over one of them is the request's fault (400,
not 500, whether SQLite stops it for want of memory, program length or time
in a checked function, or for a value or result too long), and SQL typed by a
reader (?sql= and ?_where=) runs one request at a time, so that however
heavy it is, the other SQL threads stay free for the pages.

A request for SQL that finds the lane busy waits for it at most the SQL time
limit, then gets 503 (try again). The charts' own queries, from metadata.yml,
are not typed by a reader and do not queue. Python's garbage collector runs
in a thread of its own, so that no page waits for a busy connection either
(see _collect_garbage_in_its_own_thread)."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import threading
import time
from urllib.parse import parse_qs

from datasette import hookimpl
from datasette.handle_exception import handle_exception as default_handle_exception
from datasette.utils.asgi import BadRequest, Request
from datasette.views.base import DatasetteError

from gdfacts import limits

SQL_LANES = 1  # of Datasette's three SQL threads (num_sql_threads), typed SQL may hold one
BUSY = "another query typed by a reader is running; try again in a moment"
_collector = None  # the garbage collector's thread, once started


@hookimpl
def startup(datasette):
    _collect_garbage_in_its_own_thread()


def _collect_garbage_in_its_own_thread(every_s: float = 0.5) -> None:
    """Python's cyclic garbage collector, run by a thread of its own instead of
    by whichever thread allocates. A failed query's exception holds its cursor
    in a reference cycle; freeing that cursor resets its statement, which waits
    for the connection's lock, held for up to a whole time limit by the next
    query on that connection. Collected by the event loop's thread, that wait
    stopped every page for as long (seen under attack: one to three seconds)."""
    global _collector
    if _collector is not None:
        return
    gc.disable()

    def collect():
        while True:
            time.sleep(every_s)
            gc.collect()

    _collector = threading.Thread(target=collect, name="garbage collector", daemon=True)
    _collector.start()


@hookimpl
def prepare_connection(conn, database, datasette):
    limits.bound(conn, time_limit_ms=datasette.setting("sql_time_limit_ms"), result_bytes=limits.RESULT_BYTES)


@hookimpl
def handle_exception(datasette, request, exception):
    if isinstance(exception, MemoryError):  # SQLITE_NOMEM: the heap, the program length, a checked function's clock
        return default_handle_exception(datasette, request, BadRequest(limits.TOO_MUCH))
    if isinstance(exception, sqlite3.DataError):  # a value or a result over its limit (table pages with ?_where=)
        return default_handle_exception(datasette, request, BadRequest(str(exception)))
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        lane = None

        async def one_at_a_time(scope, receive, send):
            nonlocal lane
            if scope["type"] != "http" or not _typed_sql(scope, datasette):
                return await app(scope, receive, send)
            if lane is None:
                lane = asyncio.Semaphore(SQL_LANES)
            try:
                await asyncio.wait_for(lane.acquire(), datasette.setting("sql_time_limit_ms") / 1000)
            except asyncio.TimeoutError:
                busy = default_handle_exception(datasette, Request(scope, receive), DatasetteError(BUSY, status=503))
                return await (await busy()).asgi_send(send)
            try:
                await app(scope, receive, send)
            finally:
                lane.release()

        return one_at_a_time

    return wrap


def _typed_sql(scope, datasette) -> bool:
    """Whether the request carries SQL of a reader's (not a chart's from metadata.yml)."""
    args = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if "_where" in args:
        return True
    return any(sql not in _chart_queries(datasette) for sql in args.get("sql", []))


def _chart_queries(datasette) -> set[str]:
    dashboards = datasette.plugin_config("datasette-dashboards") or {}
    return {chart.get("query") for dashboard in dashboards.values() if isinstance(dashboard, dict)
            for chart in (dashboard.get("charts") or {}).values() if isinstance(chart, dict)}
