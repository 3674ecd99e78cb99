"""gdfacts: query guangdong_facts.db from the terminal.

Query commands import only click and sqlite3 (and the small number
formatter); the build and Datasette are imported by the commands that use them.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import time
from pathlib import Path

import click

from . import limits, output, search_text

ROOT = Path(__file__).resolve().parent.parent
DB_ENV = "GDFACTS_DB"
DEFAULT_TIME_LIMIT_MS = 1000
_PERIOD_RANGE = re.compile(r"(\d{4}(?:-\d{2})?)(?:(?:\.\.|:|-)(\d{4}(?:-\d{2})?))?")

# Each fact and target with its first citation; {where} is applied inside both branches, so indexes serve it.
FACTS_SQL = """
select r.id, '{record}' as record, r.region_id as region, r.indicator_id as indicator, r.period, r.kind,
       r.value, r.unit, r.qualifier, c.as_stated, r.corrected, s.seed_path as source, c.line
from {table} r
join citations c on c.id = (select min(id) from citations where {key} = r.id)
join sources s on s.id = c.source_id
{where}"""


def format_quantity(value, unit) -> str:
    """A value for people (imported only when output is for people)."""
    from .quantities import format_quantity as formatted

    return formatted(value, unit)


def _nearest(value: str, known: list[str]) -> list[str]:
    import difflib  # only when an id is unknown

    return difflib.get_close_matches(value, known, n=3, cutoff=0.5)


class Failure(click.ClickException):
    """An error a person can act on: message on stderr, exit status 1, no traceback."""

    def show(self, file=None):
        click.echo(f"gdfacts: {self.message}", err=True)


def _db_path(ctx: click.Context) -> Path:
    return ctx.obj["db"]


def connect(path: Path, time_limit_ms: int | None = None) -> sqlite3.Connection:
    """A read-only connection that refuses any statement but reading, within the limits of
    gdfacts/limits.py, with a time limit."""
    if not path.exists():
        click.echo(f"gdfacts: {path} does not exist; building it (python build_db.py -o {path})", err=True)
        _build(path)
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, factory=limits.Connection)
        db.execute("select count(*) from facts").fetchone()
    except sqlite3.DatabaseError as e:
        raise Failure(f"{path} is not a guangdong-facts database ({e}); rebuild it with: python build_db.py -o {path}")
    db.row_factory = sqlite3.Row
    # SQLite's limits (gdfacts/limits.py); SQL typed by a person, which has a time limit, also a result size
    limits.bound(db, time_limit_ms, result_bytes=None if time_limit_ms is None else limits.RESULT_BYTES)
    db.set_authorizer(_read_only_authorizer)  # after bound(), which sets the heap limit by PRAGMA
    if time_limit_ms is not None:
        deadline = time.monotonic() + time_limit_ms / 1000
        db.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 1000)
    return db


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
    from .build import build
    from .problems import BuildFailed

    try:
        build(ROOT, path)
    except BuildFailed as failed:
        for problem in failed.problems:
            click.echo(str(problem), err=True)
        raise Failure(f"the build failed with {len(failed.problems)} problem(s); {path} was not written")
    except OSError as e:
        raise Failure(f"the build could not write {path}: {e.strerror or e}; it was left as it was")


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


def _check_id(db, table: str, value: str | None, what: str) -> None:
    if value is None:
        return
    known = [row[0] for row in db.execute(f"select id from {table}")]
    if value not in known:
        near = _nearest(value, known)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else f"; see: gdfacts {table}"
        raise Failure(f"no {what} '{value}'{hint}")


def _emit(rows, columns, fmt, human=None):
    """Rows out in the chosen format; `human` reshapes rows for the aligned table."""
    if fmt is None:
        fmt = "table" if sys.stdout.isatty() else "json"
    if fmt == "table" and human is not None:
        columns, rows = human(columns, rows)
    click.echo(output.render(columns, [tuple(r) for r in rows], fmt), nl=False)


def format_options(f):
    for name, fmt, helptext in reversed(output.FLAGS):
        f = click.option(name, "fmt", flag_value=fmt, help=helptext)(f)
    return f


@click.group()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar=DB_ENV,
              default=ROOT / "guangdong_facts.db", show_default=True, help=f"the database (or ${DB_ENV})")
@click.version_option(package_name="guangdong-facts")
@click.pass_context
def cli(ctx, db):
    """Query guangdong-facts: facts, targets, evidence and SQL."""
    ctx.obj = {"db": db}


@cli.command()
@click.option("--region", help="a region id, e.g. shenzhen")
@click.option("--indicator", help="an indicator id, e.g. gdp_growth")
@click.option("--period", help="a year or range: 2023, 2022-2024, 2023-06")
@click.option("--kind", type=click.Choice(["actual", "estimate", "target", "plan"]))
@click.option("--search", help='full-text search over quotes, stated words and notes: every word (or "phrase") must match; Chinese words of any length')
@format_options
@click.pass_context
def facts(ctx, region, indicator, period, kind, search, fmt):
    """Facts and targets, each with its value and first citation."""
    db = connect(_db_path(ctx))
    _check_id(db, "regions", region, "region")
    _check_id(db, "indicators", indicator, "indicator")
    where, params = [], []
    if region:
        where.append("r.region_id = ?"); params.append(region)
    if indicator:
        where.append("r.indicator_id = ?"); params.append(indicator)
    if kind:
        where.append("r.kind = ?"); params.append(kind)
    if period:
        low, high = _period_range(period)
        where.append("substr(r.period, 1, length(?)) >= ? and substr(r.period, 1, length(?)) <= ?")
        params += [low, low, high, high]
    if search:
        where.append(
            "r.id in (select coalesce(fact_id, target_id) from citations"
            " where id in (select rowid from citations_fts where citations_fts match ?)"
            " union select id from facts where rowid in (select rowid from facts_fts where facts_fts match ?)"
            " union select id from targets where rowid in (select rowid from targets_fts where targets_fts match ?))"
        )
        params += [search_text.cli_query(search)] * 3
    clause = "where " + " and ".join(where) if where else ""
    branches = [FACTS_SQL.format(record=record, table=table, key=key, where=clause)
                for record, table, key in (("fact", "facts", "fact_id"), ("target", "targets", "target_id"))]
    sql = f"{branches[0]} union all {branches[1]} order by region, indicator, period, kind, unit"
    params = params * 2
    rows = _rows(db, sql, params)
    columns = ["id", "record", "region", "indicator", "period", "kind", "value", "unit", "qualifier", "as_stated", "corrected", "source", "line"]
    _emit(rows, columns, fmt, human=_human_facts)


def _human_facts(columns, rows):
    out = []
    for r in rows:
        value = format_quantity(r["value"], r["unit"])
        qualifier = "" if r["qualifier"] == "exact" else r["qualifier"].replace("_", " ")
        cite = f"{Path(r['source']).name.split('_')[0]}:{r['line']}"
        out.append((r["region"], r["indicator"], r["period"], r["kind"], value, qualifier, "corrected" if r["corrected"] else "", cite))
    return ["region", "indicator", "period", "kind", "value", "qualifier", "", "cited"], out


def _period_range(text: str) -> tuple[str, str]:
    """'2023' → (2023, 2023); '2021-2022' or '2021..2022' → (2021, 2022); '2023-06' → a month."""
    m = _PERIOD_RANGE.fullmatch(text)
    if not m:
        raise Failure(f"period '{text}' is not a year, a month or a range such as 2022-2024")
    return m.group(1), m.group(2) or m.group(1)


@cli.command()
@click.argument("record_id")
@click.pass_context
def show(ctx, record_id):
    """One fact or target with everything: values, correction, every citation in context."""
    db = connect(_db_path(ctx))
    rows = _rows(db, "select * from evidence where record_id = ? order by citation_id", (record_id,))
    if not rows:
        known = [r[0] for r in db.execute("select id from facts union all select id from targets")]
        near = _nearest(record_id, known)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else "; list ids with: gdfacts facts"
        raise Failure(f"no fact or target '{record_id}'{hint}")
    first = rows[0]
    table = "facts" if first["record"] == "fact" else "targets"
    record = _rows(db, f"select * from {table} where id = ?", (record_id,))[0]
    out = [
        f"{first['record_id']}  ({first['record']}, {first['kind']})",
        f"  {first['region']} · {first['indicator']} · {first['period']}",
        f"  value: {format_quantity(first['value'], first['unit'])}"
        + ("" if first["qualifier"] == "exact" else f" ({first['qualifier'].replace('_', ' ')})")
        + f"   [{first['value']!r} {first['unit']}]",
    ]
    if record["period_basis"]:
        out.append(f"  period basis: {record['period_basis']}")
    if record["note"]:
        out.append(f"  note: {record['note']}")
    out.append(f"  defined in: {record['data_file']}:{record['data_line']}")
    for n, c in enumerate(rows, 1):
        source = _rows(db, "select * from sources where id = ?", (c["source_id"],))[0]
        line = _rows(db, "select text from source_lines where source_id = ? and line = ?", (c["source_id"], c["line"]))[0][0]
        out.append("")
        out.append(f"  citation {n}: {c['source_path']} line {c['line']}")
        title = source["title"] + (" [editor's title]" if source["title_is_editorial"] else "")
        meta = ", ".join(x for x in (source["publisher"], source["author"], source["published"]) if x)
        out.append(f"    {title}" + (f" — {meta}" if meta else ""))
        out.append(f"    stated: \"{c['as_stated']}\" = {format_quantity(c['stated_value'], c['unit'])}"
                   + ("" if c["stated_qualifier"] == "exact" else f" ({c['stated_qualifier'].replace('_', ' ')})"))
        cit = _rows(db, "select correction_reason from citations where id = ?", (c["citation_id"],))[0][0]
        if c["corrected"]:
            out.append(f"    corrected to {format_quantity(c['value'], c['unit'])}: {cit}")
        out.append("    " + output.mark(line, c["quote"], c["as_stated"]))
    click.echo("\n".join(out))


@cli.command()
@click.option("--region", help="a region id")
@format_options
@click.pass_context
def targets(ctx, region, fmt):
    """Targets and plans beside their outcomes: met, missed, undetermined, not
    yet due, or ended without an outcome in the dataset."""
    db = connect(_db_path(ctx))
    _check_id(db, "regions", region, "region")
    sql = ("select target_id as id, region_id as region, indicator_id as indicator, period, kind, target_value, "
           "target_qualifier, unit, outcome_value, outcome_qualifier, outcome_stated, status from target_outcomes "
           + ("where region_id = ? " if region else "") + "order by region_id, indicator_id, period")
    rows = _rows(db, sql, (region,) if region else ())
    columns = ["id", "region", "indicator", "period", "kind", "target_value", "target_qualifier", "unit", "outcome_value",
               "outcome_qualifier", "outcome_stated", "status"]

    def human(_, rows):
        return (["region", "indicator", "period", "kind", "target", "outcome", "status"],
                [(r["region"], r["indicator"], r["period"], r["kind"], format_quantity(r["target_value"], r["unit"]),
                  format_quantity(r["outcome_value"], r["unit"]) if r["outcome_value"] is not None
                  else f'"{r["outcome_stated"]}"' if r["outcome_stated"] else "", r["status"]) for r in rows])

    _emit(rows, columns, fmt, human=human)


def _reference(ctx, sql, fmt):
    db = connect(_db_path(ctx))
    cursor = db.execute(sql)
    columns = [d[0] for d in cursor.description]
    _emit(cursor.fetchall(), columns, fmt)


@cli.command()
@format_options
@click.pass_context
def regions(ctx, fmt):
    """The regions, with counts of facts and targets."""
    _reference(ctx, "select r.id, r.name, r.name_zh, r.level, r.parent_id as parent, r.division_code, "
                    "(select count(*) from facts where region_id = r.id) as facts, "
                    "(select count(*) from targets where region_id = r.id) as targets from regions r order by r.rowid", fmt)


@cli.command()
@format_options
@click.pass_context
def indicators(ctx, fmt):
    """The indicators, with counts of facts and targets."""
    _reference(ctx, "select i.id, i.name, i.unit, i.category, "
                    "(select count(*) from facts where indicator_id = i.id) as facts, "
                    "(select count(*) from targets where indicator_id = i.id) as targets from indicators i order by i.category, i.id", fmt)


@cli.command()
@format_options
@click.pass_context
def sources(ctx, fmt):
    """The articles, with counts of citations."""
    _reference(ctx, "select s.id, s.title, s.publisher, s.published, s.seed_path as seed, "
                    "(select count(*) from citations where source_id = s.id) as citations from sources s order by s.seed_path", fmt)


@cli.command()
@click.argument("sql")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE", help="a named parameter :NAME")
@click.option("--time-limit", type=click.IntRange(1), default=DEFAULT_TIME_LIMIT_MS, show_default=True, help="milliseconds")
@format_options
@click.pass_context
def query(ctx, sql, params, time_limit, fmt):
    """Run read-only SQL against the database."""
    db = connect(_db_path(ctx), time_limit_ms=time_limit)
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

    sys.exit(main(["--root", str(ROOT), "-o", str(output_path or _db_path(ctx))]))


@cli.command()
def check():
    """Check data/ and seeds/, write nothing (as build_db.py --check)."""
    from .build import main

    sys.exit(main(["--root", str(ROOT), "--check"]))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="the address to listen on")
@click.option("--port", default=8001, show_default=True)
@click.pass_context
def serve(ctx, host, port):
    """Serve the database with Datasette: immutable, read-only, with a SQL time limit."""
    from . import publication

    path = _db_path(ctx)
    if not path.exists():
        _build(path)
    publication.ensure_inspect(path)
    argv = publication.serve_argv(path, host, port)
    os.execv(argv[0], argv)


def main():  # pragma: no cover - the console script
    cli(prog_name="gdfacts")
