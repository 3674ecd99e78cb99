"""gdfacts: query guangdong_facts.db from the terminal.

Query commands import only click and sqlite3 (and the small number
formatter); the build and Datasette are imported by the commands that use them.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
import time
from pathlib import Path

import click

from . import limits, output

ROOT = Path(__file__).resolve().parent.parent
DB_ENV = "GDFACTS_DB"
DEFAULT_DB = ROOT / "guangdong_facts.db"
DEFAULT_TIME_LIMIT_MS = 1000  # for `query`'s SQL, as Datasette's sql_time_limit_ms
COMMAND_TIME_LIMIT_MS = 10_000  # for the other commands' own SQL: about 2 s at 100,000 records
MAX_TIME_LIMIT_MS = 600_000  # ten minutes: every query is bounded, a patient one too
# The tables every command reads; a file without them is not a guangdong-facts database.
OUR_TABLES = ("facts", "targets", "citations", "sources", "regions", "indicators")
# target_outcomes.status (schema.sql): the build's decision, or, without one, the day's.
TARGET_STATUSES = ("met", "missed", "undetermined", "not_yet_due", "ended_without_outcome")

# Each fact and target with its first citation; {where} is applied inside both branches, so indexes serve it.
FACTS_SQL = """
select r.id, '{record}' as record, r.region_id as region, r.indicator_id as indicator, r.period, r.kind,
       r.value, r.value_high, r.unit, r.qualifier, c.as_stated, r.corrected, s.seed_path as source, c.line
from {table} r
join citations c on c.id = (select min(id) from citations where {key} = r.id)
join sources s on s.id = c.source_id
{where}"""


def format_quantity(value, unit, high=None) -> str:
    """A value for people (imported only when output is for people); a value
    that is not a number, from a database gdfacts did not build, as it is."""
    from .quantities import format_quantity as formatted

    try:
        return formatted(value, unit, high)
    except (ArithmeticError, ValueError, TypeError):
        return output._cell(value)


class Failure(click.ClickException):
    """An error a person can act on: message on stderr, exit status 1, no traceback."""

    def show(self, file=None):
        click.echo(f"gdfacts: {output.printable(self.message)}", err=True)


class Command(click.Command):
    def get_short_help_str(self, limit: int = 45) -> str:
        """The first sentence of the help, whole (Click would cut it to the terminal's width)."""
        return super().get_short_help_str(limit=sys.maxsize)


class Group(click.Group):
    command_class = Command


def _to_terminal() -> bool:
    return sys.stdout.isatty()


# --- opening the database ------------------------------------------------------------


def connect(path: Path, time_limit_ms: int = DEFAULT_TIME_LIMIT_MS, result_bytes: int | None = None) -> sqlite3.Connection:
    """A read-only connection to exactly the file at `path`, that refuses any
    statement but reading and stops every query, the first included, once
    `time_limit_ms` have passed since it opened."""
    if not os.path.lexists(path):
        click.echo(f"gdfacts: {path} does not exist; building it (python build_db.py -o {path})", err=True)
        _build(path)
    _refuse_unless_regular_file(path)
    try:
        db = sqlite3.connect(read_only_uri(path), uri=True, factory=limits.Connection)
        # SQLite's limits (gdfacts/limits.py), before the authorizer (which refuses the PRAGMAs that set them);
        # result_bytes: SQL typed by a person returns only so much
        limits.bound(db, time_limit_ms, result_bytes)
    except sqlite3.Error as e:
        raise _not_ours(path, str(e))
    deadline = time.monotonic() + time_limit_ms / 1000
    db.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 1000)
    db.set_authorizer(_read_only_authorizer)
    try:
        tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.Error as e:
        if str(e) == "interrupted":
            raise _sql_failure(e)
        raise _not_ours(path, str(e))
    missing = [name for name in OUR_TABLES if name not in tables]
    if missing:
        raise _not_ours(path, f"it has no table {missing[0]}")
    if result_bytes is None:  # else bound() counts the rows' bytes as it makes them
        db.row_factory = sqlite3.Row
    return db


def read_only_uri(path: Path) -> str:
    """A SQLite URI that opens the file at `path` read-only, never creating it:
    the path percent-encoded, so '?', '#' and '%' are part of the name."""
    return Path(path).absolute().as_uri() + "?mode=ro"


def _refuse_unless_regular_file(path: Path) -> None:
    """A FIFO, device or directory would block or mislead SQLite: refuse it before opening."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        raise Failure(f"cannot read {path}: {e.strerror or e}")
    if not stat.S_ISREG(mode):
        raise Failure(f"{path} is not a regular file, so it is not a guangdong-facts database")


def _not_ours(path: Path, why: str) -> Failure:
    """The file is left as it is; the hint never writes over it."""
    if Path(path).absolute() == DEFAULT_DB:
        hint = "move it aside, and gdfacts builds a new one on first use"
    else:
        hint = f"give --db a guangdong-facts database, such as {DEFAULT_DB} (built on first use)"
    return Failure(f"{path} is not a guangdong-facts database ({why}); {hint}")


_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, getattr(sqlite3, "SQLITE_RECURSIVE", 33)}
_ALLOWED_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "foreign_key_list", "database_list", "data_version"}


def _read_only_authorizer(action, arg1, arg2, dbname, source):
    """Allow reading only. (The connection is also opened read-only: this makes
    a write fail with a clear refusal, and keeps ATTACH out.)"""
    if action in _ALLOWED:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master" and dbname == "main":
        return sqlite3.SQLITE_OK  # FTS5 asks this while it opens its tables; mode=ro still forbids writing
    if action == sqlite3.SQLITE_PRAGMA and arg1 in _ALLOWED_PRAGMAS and arg2 is None:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _build(path: Path) -> None:
    from .build import WriteFailed, build
    from .cache import Lost
    from .problems import BuildFailed

    try:
        build(ROOT, path)
    except BuildFailed as failed:
        for problem in failed.problems:
            click.echo(output.printable(str(problem)), err=True)
        raise Failure(f"the build failed with {len(failed.problems)} problem(s); {path} was not written")
    except Lost as e:  # the check cache emptied, or an entry found damaged, while the build read it back
        raise Failure(f"{output.printable(str(e))}; build again. {path} was not written")
    except OSError as e:  # WriteFailed says what it left in place; any other, before anything was written
        left = getattr(e, "left", WriteFailed.LEFT_AS_IT_WAS)
        raise Failure(f"the build could not write {path}: {e.strerror or e}; {left}")


def _rows(db, sql, params=()):
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.Error as e:
        raise _sql_failure(e)


def _sql_failure(e: sqlite3.Error) -> Failure:
    text = str(e)
    if text == "interrupted":
        return Failure("the query ran past its time limit and was stopped (raise it with --time-limit)")
    if "not authorized" in text or "authorization denied" in text or "readonly" in text:
        return Failure(f"refused: the database is read-only, and gdfacts runs only statements that read ({text})")
    return Failure(f"SQL error: {text}")


# --- what a person types -------------------------------------------------------------


def _resolve(db, table: str, typed: str | None, what: str) -> str | None:
    """The id that `typed` names in `table` (by id, name or Chinese name), or a Failure with suggestions."""
    if typed is None:
        return None
    from . import lookup

    try:
        return lookup.resolve(typed, _rows(db, f"select id, name, name_zh from {table}"), what)
    except lookup.NotUnderstood as e:
        raise Failure(str(e))


def _period_where(db, column: str, typed: str) -> tuple[str, list]:
    """SQL keeping the records whose period lies within what --period names."""
    from . import lookup

    try:
        start, end = lookup.period_span(typed)
    except lookup.NotUnderstood as e:
        raise Failure(str(e))
    db.create_function("period_first_day", 1, lookup.first_day, deterministic=True)
    db.create_function("period_last_day", 1, lookup.last_day, deterministic=True)
    # Every period starts with its year: the first two terms use the indexes, the last two decide.
    sql = f"{column} >= ? and {column} < ? and period_first_day({column}) >= ? and period_last_day({column}) <= ?"
    return sql, [start[:4], str(int(end[:4]) + 1), start, end]


# --- output ----------------------------------------------------------------------------


def _emit(rows, columns, fmt, human=None):
    """Rows out in the chosen format; `human` reshapes rows for the aligned table."""
    terminal = _to_terminal()
    if fmt is None:
        fmt = "table" if terminal else "json"
    if fmt == "table" and human is not None:
        columns, rows = human(columns, rows)
    click.echo(output.render(columns, [tuple(r) for r in rows], fmt, escape=terminal), nl=False)


def format_options(f):
    for name, fmt, helptext in reversed(output.FLAGS):
        f = click.option(name, "fmt", flag_value=fmt, help=helptext)(f)
    return f


def time_limit_option(default: int = COMMAND_TIME_LIMIT_MS):
    return click.option("--time-limit", type=click.IntRange(1, MAX_TIME_LIMIT_MS), default=default,
                        show_default=True, help="milliseconds the command's queries may take in all")


def _connect(ctx, time_limit: int) -> sqlite3.Connection:
    return connect(ctx.obj["db"], time_limit_ms=time_limit)


def _human_value(value, unit, high=None, qualifier="exact") -> str:
    text = format_quantity(value, unit, high)
    return text if qualifier in ("exact", None) else f"{text} ({str(qualifier).replace('_', ' ')})"


# --- the commands ------------------------------------------------------------------------


@click.group(cls=Group)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar=DB_ENV,
              default=DEFAULT_DB, show_default=True, help=f"the database (or ${DB_ENV})")
@click.version_option(package_name="guangdong-facts")
@click.pass_context
def cli(ctx, db):
    """Query guangdong-facts: facts, targets, evidence and SQL.

    Regions and indicators are named by id, English name or Chinese name, in
    any case (shenzhen, Shenzhen, 深圳市; gdp, GDP). A period is a year
    (2024), month (2024-06), day (2024-06-30), quarter (2024-Q1), half
    (2024-H1), span of months (2024-01/2024-09), or a range of two
    (2022..2024, or 2022-2024 for years); it selects the records whose
    period lies within it."""
    ctx.obj = {"db": db}


@cli.command()
@click.option("--region", help="a region's id or name: shenzhen, Shenzhen, 深圳市")
@click.option("--indicator", help="an indicator's id or name: gdp_growth, GDP growth")
@click.option("--period", help="a period or a range: 2023, 2024-Q1, 2022..2024 (see gdfacts --help)")
@click.option("--kind", type=click.Choice(["actual", "estimate", "target", "plan"]))
@click.option("--search", help='full-text search over quotes, stated words and notes: every word (or "phrase") must match; Chinese words of any length')
@format_options
@time_limit_option()
@click.pass_context
def facts(ctx, region, indicator, period, kind, search, fmt, time_limit):
    """Facts and targets, each with its value and first citation."""
    db = _connect(ctx, time_limit)
    region = _resolve(db, "regions", region, "region")
    indicator = _resolve(db, "indicators", indicator, "indicator")
    where, params = [], []
    if region:
        where.append("r.region_id = ?"); params.append(region)
    if indicator:
        where.append("r.indicator_id = ?"); params.append(indicator)
    if kind:
        where.append("r.kind = ?"); params.append(kind)
    if period:
        sql, values = _period_where(db, "r.period", period)
        where.append(sql); params += values
    if search:
        where.append(
            "r.id in (select coalesce(fact_id, target_id) from citations"
            " where id in (select rowid from citations_fts where citations_fts match ?)"
            " union select id from facts where rowid in (select rowid from facts_fts where facts_fts match ?)"
            " union select id from targets where rowid in (select rowid from targets_fts where targets_fts match ?))"
        )
        from .search_text import cli_query  # its patterns are compiled only when a search needs them

        params += [cli_query(search)] * 3
    clause = "where " + " and ".join(where) if where else ""
    branches = [FACTS_SQL.format(record=record, table=table, key=key, where=clause)
                for record, table, key in (("fact", "facts", "fact_id"), ("target", "targets", "target_id"))]
    sql = f"{branches[0]} union all {branches[1]} order by region, indicator, period, kind, unit"
    rows = _rows(db, sql, params * 2)
    columns = ["id", "record", "region", "indicator", "period", "kind", "value", "value_high", "unit", "qualifier",
               "as_stated", "corrected", "source", "line"]
    _emit(rows, columns, fmt, human=_human_facts)


def _human_facts(columns, rows):
    out = []
    for r in rows:
        value = format_quantity(r["value"], r["unit"], r["value_high"])
        qualifier = "" if r["qualifier"] == "exact" else str(r["qualifier"]).replace("_", " ")
        cite = f"{Path(str(r['source'])).name.split('_')[0]}:{r['line']}"
        out.append((r["region"], r["indicator"], r["period"], r["kind"], value, qualifier,
                    "corrected" if r["corrected"] else "", cite))
    return ["region", "indicator", "period", "kind", "value", "qualifier", "corrected", "cited"], out


@cli.command()
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True, help="the record, its status and its citations as one JSON object")
@time_limit_option()
@click.pass_context
def show(ctx, record_id, as_json, time_limit):
    """One fact or target with everything: its values and status, and every citation in context."""
    record = _record(_connect(ctx, time_limit), record_id)
    if as_json:
        click.echo(output.json_text(record))
    else:
        click.echo("\n".join(output.printable(line) for line in _show_lines(record)))


def _record(db, record_id: str) -> dict:
    """A fact or target as one dict: its row, its region's and indicator's
    names, a target's status and outcome, and its citations with their lines."""
    for record, table, key in (("fact", "facts", "fact_id"), ("target", "targets", "target_id")):
        rows = _rows(db, f"select * from {table} where id = ?", (record_id,))
        if rows:
            break
    else:
        known = [r[0] for r in _rows(db, "select id from facts union all select id from targets")]
        import difflib

        near = difflib.get_close_matches(record_id, known, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else "; list ids with: gdfacts facts"
        raise Failure(f"no fact or target '{record_id}'{hint}")
    row = dict(rows[0])
    names = _rows(db, "select (select name from regions where id = ?), (select name from indicators where id = ?)",
                  (row["region_id"], row["indicator_id"]))[0]
    shown = {"id": row.pop("id"), "record": record, "kind": row.pop("kind"), "region_id": row.pop("region_id"),
             "region": names[0], "indicator_id": row.pop("indicator_id"), "indicator": names[1], **row}
    if record == "target":
        outcome = _rows(db, "select status, outcome_id, outcome_value, outcome_qualifier, outcome_stated, "
                            "outcome_source_id, outcome_line, accepts_low, accepts_high, period_end "
                            "from target_outcomes where target_id = ?", (record_id,))
        shown.update(dict(outcome[0]) if outcome else {"status": None})
    citations = _rows(db, f"""
        select c.source_id, s.seed_path as source_path, s.title, s.title_is_editorial, s.publisher, s.author,
               s.published, s.url, c.line, l.text as line_text, c.quote, c.as_stated, c.stated_value, c.stated_high,
               c.stated_qualifier, c.corrected, c.correction_reason, c.correction_scale
        from citations c join sources s on s.id = c.source_id
        left join source_lines l on l.source_id = c.source_id and l.line = c.line
        where c.{key} = ? order by c.id""", (record_id,))
    shown["citations"] = [dict(c) for c in citations]
    return shown


def _show_lines(r: dict) -> list[str]:
    kind = r["record"] if r["kind"] == r["record"] else f"{r['record']}, {r['kind']}"
    raw = repr(r["value"]) + ("" if r["value_high"] is None else f" to {r['value_high']!r}")
    out = [
        f"{r['id']}  ({kind})",
        f"  {r['region']} · {r['indicator']} · {r['period']}",
        f"  value: {_human_value(r['value'], r['unit'], r['value_high'], r['qualifier'])}   [{raw} {r['unit']}]",
    ]
    if r["record"] == "target":
        out.append(f"  status: {r['status']}" + _outcome(r))
    if r["period_basis"]:
        out.append(f"  period basis: {r['period_basis']}")
    if r["note"]:
        out.append(f"  note: {r['note']}")
    out.append(f"  defined in: {r['data_file']}:{r['data_line']}")
    for n, c in enumerate(r["citations"], 1):
        title = str(c["title"]) + (" [editor's title]" if c["title_is_editorial"] else "")
        meta = ", ".join(str(x) for x in (c["publisher"], c["author"], c["published"]) if x)
        out += ["", f"  citation {n}: {c['source_path']} line {c['line']}", f"    {title}" + (f" — {meta}" if meta else "")]
        out.append(f"    stated: \"{c['as_stated']}\" = "
                   + _human_value(c["stated_value"], r["unit"], c["stated_high"], c["stated_qualifier"]))
        if c["corrected"]:
            out.append(f"    corrected to {format_quantity(r['value'], r['unit'], r['value_high'])}: {c['correction_reason']}")
        out.append("    " + output.mark(str(c["line_text"]), str(c["quote"]), str(c["as_stated"])))
    return out


def _outcome(r: dict) -> str:
    """What decided a target's status: the actual, and a source's words."""
    parts = []
    if r.get("outcome_id"):
        parts.append(f"the actual is {_human_value(r['outcome_value'], r['unit'], None, r['outcome_qualifier'])}"
                     f" ({r['outcome_id']})")
    if r.get("outcome_stated"):
        parts.append(f"{r['outcome_source_id']} line {r['outcome_line']} says \"{r['outcome_stated']}\"")
    return f" — {'; '.join(parts)}" if parts else ""


@cli.command()
@click.option("--region", help="a region's id or name")
@click.option("--indicator", help="an indicator's id or name")
@click.option("--period", help="a period or a range: 2025, 2024-H1, 2022..2024")
@click.option("--kind", type=click.Choice(["target", "plan"]))
@click.option("--status", type=click.Choice(TARGET_STATUSES))
@format_options
@time_limit_option()
@click.pass_context
def targets(ctx, region, indicator, period, kind, status, fmt, time_limit):
    """Targets and plans beside their outcomes. Each is met, missed,
    undetermined, not yet due, or ended without an outcome in the dataset."""
    db = _connect(ctx, time_limit)
    where, params = [], []
    for column, value in (("region_id", _resolve(db, "regions", region, "region")),
                          ("indicator_id", _resolve(db, "indicators", indicator, "indicator")),
                          ("kind", kind), ("status", status)):
        if value is not None:
            where.append(f"{column} = ?"); params.append(value)
    if period:
        sql, values = _period_where(db, "period", period)
        where.append(sql); params += values
    rows = _rows(db, "select target_id as id, region_id as region, indicator_id as indicator, period, kind, "
                     "target_value, target_value_high, target_qualifier, unit, outcome_value, outcome_qualifier, "
                     "outcome_stated, status from target_outcomes "
                     + ("where " + " and ".join(where) + " " if where else "") + "order by region_id, indicator_id, period",
                 params)
    columns = ["id", "region", "indicator", "period", "kind", "target_value", "target_value_high", "target_qualifier",
               "unit", "outcome_value", "outcome_qualifier", "outcome_stated", "status"]

    def human(_, rows):
        return (["region", "indicator", "period", "kind", "target", "outcome", "status"],
                [(r["region"], r["indicator"], r["period"], r["kind"],
                  format_quantity(r["target_value"], r["unit"], r["target_value_high"]),
                  format_quantity(r["outcome_value"], r["unit"]) if r["outcome_value"] is not None
                  else f'"{r["outcome_stated"]}"' if r["outcome_stated"] else "", r["status"]) for r in rows])

    _emit(rows, columns, fmt, human=human)


def _reference(ctx, time_limit, sql, fmt):
    db = _connect(ctx, time_limit)
    try:
        cursor = db.execute(sql)
        rows = cursor.fetchall()
    except sqlite3.Error as e:
        raise _sql_failure(e)
    _emit(rows, [d[0] for d in cursor.description], fmt)


@cli.command()
@format_options
@time_limit_option()
@click.pass_context
def regions(ctx, fmt, time_limit):
    """The regions, with counts of facts and targets."""
    _reference(ctx, time_limit, "select r.id, r.name, r.name_zh, r.level, r.parent_id as parent, r.division_code, "
               "(select count(*) from facts where region_id = r.id) as facts, "
               "(select count(*) from targets where region_id = r.id) as targets from regions r order by r.rowid", fmt)


@cli.command()
@format_options
@time_limit_option()
@click.pass_context
def indicators(ctx, fmt, time_limit):
    """The indicators, with counts of facts and targets."""
    _reference(ctx, time_limit, "select i.id, i.name, i.name_zh, i.unit, i.category, "
               "(select count(*) from facts where indicator_id = i.id) as facts, "
               "(select count(*) from targets where indicator_id = i.id) as targets "
               "from indicators i order by i.category, i.id", fmt)


@cli.command()
@format_options
@time_limit_option()
@click.pass_context
def sources(ctx, fmt, time_limit):
    """The articles, with their URLs and counts of citations."""
    _reference(ctx, time_limit, "select s.id, s.title, s.publisher, s.published, s.url, s.seed_path as seed, "
               "(select count(*) from citations where source_id = s.id) as citations from sources s order by s.seed_path",
               fmt)


@cli.command()
@click.argument("sql")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE", help="a named parameter :NAME")
@format_options
@time_limit_option(DEFAULT_TIME_LIMIT_MS)
@click.pass_context
def query(ctx, sql, params, fmt, time_limit):
    """Run read-only SQL against the database."""
    db = connect(ctx.obj["db"], time_limit_ms=time_limit, result_bytes=limits.RESULT_BYTES)
    try:
        cursor = db.execute(sql, dict(params))
        rows = cursor.fetchall()
    except sqlite3.Error as e:
        raise _sql_failure(e)
    columns = [d[0] for d in cursor.description] if cursor.description else []
    _emit(rows, columns, fmt)


@cli.command()
@click.option("-o", "--output", "output_path", type=click.Path(dir_okay=False, path_type=Path), help="where to write (default: --db)")
@click.pass_context
def build(ctx, output_path):
    """Check data/ and seeds/ and compile the database (as build_db.py)."""
    from .build import main

    sys.exit(main(["--root", str(ROOT), "-o", str(output_path or ctx.obj["db"])]))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="replace DIRECTORY if it holds a previous export")
@click.pass_context
def export(ctx, directory, replace):
    """Write the release files into DIRECTORY: every table and view as CSV and Parquet, the .db, datapackage.json."""
    from . import release

    path = ctx.obj["db"]
    connect(path).close()  # builds it if missing; refuses what is not a guangdong-facts database
    try:
        tables = release.export(path, directory, replace=replace)
    except release.ExportFailed as e:
        raise Failure(str(e))
    click.echo(f"Exported {path.name} to {directory}: {len(tables)} tables and views as csv/ and parquet/, "
               "the database and datapackage.json.")


@cli.command()
def check():
    """Check data/ and seeds/, and write nothing (as build_db.py --check)."""
    from .build import main

    sys.exit(main(["--root", str(ROOT), "--check"]))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="the address to listen on")
@click.option("--port", default=8001, show_default=True)
@click.pass_context
def serve(ctx, host, port):
    """Serve the database with Datasette: immutable, read-only, with a SQL time limit."""
    from . import publication

    path = ctx.obj["db"]
    misread = sorted({c for c in str(path) if c in "?#%"})
    if misread:  # Datasette opens f"file:{path}?immutable=1", unquoted
        raise Failure(f"Datasette would not open {path} as it is named (it reads {' and '.join(misread)} in a file "
                      "name as part of a URI); serve a copy or a link under another name")
    connect(path).close()  # builds it if missing; refuses what is not a guangdong-facts database
    argv = publication.serve_argv(path, host, port)
    at = argv.index("--inspect-file")
    inspect = _inspect_file_to_serve(path)
    argv[at:at + 2] = ["--inspect-file", str(inspect)] if inspect else []
    os.execv(argv[0], argv)


def _inspect_file_to_serve(path: Path) -> Path | None:
    """The inspect file beside the database, brought up to date; where that
    cannot be written (a read-only or full disk), one in a temporary folder;
    failing that, none: Datasette then counts the tables itself."""
    import json
    import tempfile

    from . import publication

    try:
        return publication.ensure_inspect(path)
    except OSError as e:
        click.echo(f"gdfacts: cannot write {publication.inspect_file(path)} ({e.strerror or e}); "
                   "serving with an inspect file in a temporary folder", err=True)
    try:
        folder = Path(tempfile.mkdtemp(prefix="gdfacts-inspect-"))
        inspect = folder / publication.inspect_file(path).name
        inspect.write_text(json.dumps(publication.inspect_data(path), indent=2))
        return inspect
    except OSError as e:
        click.echo(f"gdfacts: cannot write a temporary inspect file either ({e.strerror or e}); "
                   "serving without one", err=True)
        return None


def main():  # pragma: no cover - the console script
    cli(prog_name="gdfacts")
