"""How much one query may ask of SQLite: the one place for the limits that
every connection reading the database gets, whether Datasette opens it (the
plugin plugins/bounded_queries.py) or the gdfacts command line does.

A time limit alone does not bound a query. SQLite checks it (the progress
handler, and sqlite3_interrupt) only between the steps of its program, when
it loops or returns a row, so one step that works for long escapes it:
`s||s` doubling a string to a gigabyte, randomblob(300000000), printf's %c
repeated two billion times, instr() or LIKE on long strings (their work grows
with the product of their two arguments), or thousands of such calls written
into one row. So, on every connection:

- no value may be longer than VALUE_BYTES (SQLITE_LIMIT_LENGTH): a step that
  would make a longer string or blob fails at once with "string or blob too
  big", and what any one step copies or scans is small;
- no program may be longer than PROGRAM_STEPS instructions
  (SQLITE_LIMIT_VDBE_OP), which bounds the work between two checks of the
  time limit however the SQL is written; LIKE and GLOB patterns are short;
- the functions whose work grows faster than the length of their arguments
  (CHECKED) check the time limit themselves before they run, and printf's
  %c may not repeat a character past VALUE_BYTES;
- fts3_tokenizer(), which reads and writes C function pointers, is refused;
- SQLite's heap in the whole process is capped (HEAP_BYTES; SQLite's limit is
  process-wide, not per connection), so nothing it allocates outgrows it;
- a query with a time limit may return at most RESULT_BYTES of values into
  Python (a thousand rows of long values is otherwise a gigabyte).

What this costs a reader: nothing in guangdong_facts.db is near these limits
(its longest value is a few KiB), and its own queries are a few hundred
instructions long.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
import weakref

VALUE_BYTES = 64 * 2**10  # the longest string or blob a query may make or read
PROGRAM_STEPS = 2000  # the longest program a statement may compile to (the longest of ours is about 300)
LIKE_PATTERN_BYTES = 1000  # the longest LIKE or GLOB pattern
SQL_BYTES = 100_000  # the longest statement
COLUMNS = 100  # the most columns in a result, a GROUP BY or an ORDER BY
HEAP_BYTES = 256 * 2**20  # all of SQLite's memory in the process, at most
SOFT_HEAP_BYTES = 64 * 2**20  # above this, SQLite gives back cached pages first
RESULT_BYTES = 16 * 2**20  # the values one query may hand to Python

SQLITE_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_VDBE_OP: PROGRAM_STEPS,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: LIKE_PATTERN_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: SQL_BYTES,
    sqlite3.SQLITE_LIMIT_COLUMN: COLUMNS,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_WORKER_THREADS: 0,
}

# Built-in functions whose work is not bounded by the length of what they
# return: (name, number of arguments). Each is replaced by one that checks the
# statement's time limit, then asks SQLite's own function for the answer.
CHECKED = [("instr", 2), ("replace", 3), ("like", 2), ("like", 3), ("glob", 2),
           ("trim", 2), ("ltrim", 2), ("rtrim", 2), ("json_patch", 2), ("printf", -1), ("format", -1)]
REFUSED = [("fts3_tokenizer", 1), ("fts3_tokenizer", 2)]

TOO_MUCH = (f"the query needs more than one query may have: more time, more memory, or a program of more "
            f"than {PROGRAM_STEPS} steps")
TOO_BIG = "x" * (VALUE_BYTES + 1)  # returned by a function, makes SQLite fail with "string or blob too big"

# printf's %c with a precision: the character repeated that many times
_REPEATED_CHARACTER = re.compile(r"%[-+ #0!,]*(?:\*|[0-9]*)\.(\*|[0-9]+)l{0,2}c")
_LEADING_INTEGER = re.compile(r"\s*([-+]?[0-9]+)")


def bound(conn: sqlite3.Connection, time_limit_ms: int | None = None, result_bytes: int | None = None) -> None:
    """Apply every limit to `conn`. With `time_limit_ms`, the CHECKED functions
    stop a statement that has run past it; with `result_bytes`, a query that
    returns more than that many bytes of values fails."""
    for category, value in SQLITE_LIMITS.items():
        conn.setlimit(category, value)
    conn.execute(f"PRAGMA hard_heap_limit = {HEAP_BYTES}")  # can only lower it; process-wide
    conn.execute(f"PRAGMA soft_heap_limit = {SOFT_HEAP_BYTES}")
    clock = _StatementClock(conn, time_limit_ms)
    for name, arity in CHECKED:
        guard = _printf_guard if name in ("printf", "format") else None
        conn.create_function(name, arity, clock.checked(name, guard), deterministic=True)
    for name, arity in REFUSED:
        conn.create_function(name, arity, _refuse)
    if result_bytes is not None:
        conn.row_factory = _BudgetedRows(result_bytes)


class _StatementClock:
    """The time each statement on one connection started (SQLite's trace
    callback says when), for the CHECKED functions to compare with the limit."""

    def __init__(self, conn: sqlite3.Connection, time_limit_ms: int | None):
        self.limit = None if time_limit_ms is None else time_limit_ms / 1000
        self.started = time.monotonic()
        if self.limit is not None:
            conn.set_trace_callback(self._started)

    def _started(self, _sql):
        self.started = time.monotonic()

    def overdue(self) -> bool:
        return self.limit is not None and time.monotonic() - self.started > self.limit

    def checked(self, name: str, guard=None):
        def function(*args):
            if self.overdue():
                # Fail the statement now (a value returned instead could end up in its last row):
                # Python reports MemoryError as SQLite's "out of memory", which stops it at once.
                raise MemoryError
            if guard is not None and guard(args):
                return TOO_BIG
            try:
                return _builtin(name, args)
            except sqlite3.DataError:  # the built-in's answer would be too long
                return TOO_BIG

        return function


_builtins = threading.local()


def _builtin(name: str, args: tuple):
    """SQLite's own function `name`, on a private in-memory connection (one per
    thread) with the same value limit and none of the replacements."""
    conn = getattr(_builtins, "conn", None)
    if conn is None:
        conn = _builtins.conn = sqlite3.connect(":memory:")
        for category, value in SQLITE_LIMITS.items():
            conn.setlimit(category, value)
    return conn.execute(f"select {name}({', '.join('?' * len(args))})", args).fetchone()[0]


def _printf_guard(args: tuple) -> bool:
    """Whether printf(*args) may repeat a character (%c with a precision) more
    than VALUE_BYTES times: SQLite goes on repeating it past the length limit.
    A precision given as an argument (%.*c) is taken to be any argument."""
    fmt = args[0] if args else None
    if isinstance(fmt, bytes):
        fmt = fmt.decode("utf-8", "replace")
    if not isinstance(fmt, str):
        return False
    for precision in _REPEATED_CHARACTER.findall(fmt):
        if precision == "*":
            if any(abs(_as_integer(arg)) > VALUE_BYTES for arg in args[1:]):
                return True
        elif int(precision) > VALUE_BYTES:
            return True
    return False


def _as_integer(value) -> int:
    """An argument read as SQLite reads an integer argument (its leading digits for text)."""
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float):
        return int(value) if value == value and abs(value) < 2**63 else 2**63
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        m = _LEADING_INTEGER.match(value)
        return int(m.group(1)) if m else 0
    return 0


def _refuse(*_args):
    raise sqlite3.OperationalError("refused")  # SQLite reports "user-defined function raised exception"


class ResultTooLarge(sqlite3.DataError):
    pass


class _BudgetedRows:
    """A row factory (rows as sqlite3.Row) that fails a query once the values
    it has returned pass the budget. It keeps no cursor alive: a cursor alive
    keeps its statement running, and SQLite clears an interruption only once
    no statement of the connection runs."""

    def __init__(self, budget: int):
        self.budget = budget
        self.cursor = lambda: None  # a weak reference to the cursor counted
        self.used = 0

    def __call__(self, cursor, row):
        if self.cursor() is not cursor:
            self.cursor, self.used = weakref.ref(cursor), 0
        self.used += sum(len(v) if isinstance(v, str | bytes) else 8 for v in row)
        if self.used > self.budget:
            raise ResultTooLarge(f"the result is larger than {self.budget // 2**20} MiB; "
                                 "select fewer rows or shorter values")
        return sqlite3.Row(cursor, row)


def _memory_as_query_error(method):
    def reporting(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except MemoryError:
            raise sqlite3.OperationalError(TOO_MUCH) from None

    return reporting


class Cursor(sqlite3.Cursor):
    """A cursor that reports SQLite's "out of memory" (the heap limit, a
    program over PROGRAM_STEPS, a CHECKED function past the time limit) as
    the query's error, not as MemoryError."""

    execute = _memory_as_query_error(sqlite3.Cursor.execute)
    fetchone = _memory_as_query_error(sqlite3.Cursor.fetchone)
    fetchmany = _memory_as_query_error(sqlite3.Cursor.fetchmany)
    fetchall = _memory_as_query_error(sqlite3.Cursor.fetchall)
    __next__ = _memory_as_query_error(sqlite3.Cursor.__next__)


class Connection(sqlite3.Connection):
    """A connection whose cursors are Cursor (sqlite3.connect(..., factory=Connection))."""

    def cursor(self, factory=Cursor):
        return super().cursor(factory)

    def execute(self, *args, **kwargs):  # sqlite3.Connection.execute would make a plain cursor
        return self.cursor().execute(*args, **kwargs)
