"""Datasette's latency on every kind of page, with the server as `gdfacts serve` runs it.

    .venv/bin/python bench/pages.py DB [--runs N] [--only SUBSTRING]

Starts `datasette serve` as bench/load.py does (gdfacts.publication.serve_argv:
a snapshot, immutable, its inspect file, metadata, plugins, templates,
settings), then asks for each page in turn, one request at a time, `runs`
times after one request that fills caches, and reports the median and p95 in
milliseconds, the bytes sent and the status. The pages are every kind there
is, found from metadata.yml and the database itself: the home page, the
database page, every table and view with its facets (and with a facet value
chosen, and its second page), a row page of every table with a primary key
(a fact's and a target's are their cards), full-text search of every table
that has it, every canned query with parameters taken from the data, the
dashboard, its charts and the queries they run. A table page whose facets
did not all appear (Datasette drops a facet past its time limit) is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import load  # noqa: E402
from gdfacts import publication  # noqa: E402

DB = "guangdong_facts"
SEARCH_WORD = "down"  # in one citation in 20 of the synthetic corpus (bench/synth.py), and in the real data


def metadata() -> dict:
    return yaml.safe_load(publication.METADATA.read_text(encoding="utf-8"))


def _first(conn: sqlite3.Connection, sql: str):
    row = conn.execute(sql).fetchone()
    return row[0] if row else None


def _parameters(conn: sqlite3.Connection) -> dict[str, str]:
    """A value from the data for each parameter a canned query takes."""
    region = _first(conn, "select region_id from facts where indicator_id = 'gdp_growth' order by id limit 1") \
        or _first(conn, "select region_id from facts order by rowid limit 1")
    indicator = _first(conn, f"select indicator_id from facts where region_id = {_quoted(region)} order by id limit 1")
    return {
        "region": region,
        "indicator": indicator,
        "source": _first(conn, "select id from sources order by id limit 1"),
        "record_id": _first(conn, "select fact_id from citations where fact_id is not null order by id limit 1"),
    }


def _quoted(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def pages(db: Path) -> dict[str, str]:
    """Every kind of page, by name: its path and query string."""
    meta = metadata()
    tables_meta = meta["databases"][DB]["tables"]
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found = dict(conn.execute("select name, type from sqlite_master where type in ('table', 'view') "
                                  "and name not like 'sqlite_%' order by type, name").fetchall())
        fts = [name for name in found if name.endswith("_fts")]
        shadows = {name for name in found for f in fts if name.startswith(f + "_")}
        params = _parameters(conn)
        result = {"home": "/", "database": f"/{DB}"}
        for name in sorted(found):
            if name in shadows:
                continue
            page = f"/{DB}/{quote(name)}"
            result[f"{found[name]} {name}"] = page
            facets = tables_meta.get(name, {}).get("facets", [])
            if facets:
                value = _first(conn, f'select "{facets[0]}" from "{name}" where "{facets[0]}" is not null '
                                     f'order by rowid limit 1' if found[name] == "table" else
                               f'select "{facets[0]}" from "{name}" where "{facets[0]}" is not null limit 1')
                if value is not None:
                    result[f"{found[name]} {name}, a facet value chosen"] = f"{page}?{urlencode({facets[0]: value})}"
            if "kind" in facets:  # a value most rows hold: its facets are too many rows to count on the spot
                common = _first(conn, f'select kind from "{name}" group by kind order by count(*) desc limit 1')
                result[f"{found[name]} {name}, the facet value most rows hold"] = f"{page}?{urlencode({'kind': common})}"
            if name in ("evidence", "facts", "citations", "source_lines"):
                result[f"{found[name]} {name}, its second page"] = _second_page(conn, name, tables_meta.get(name, {}))
            search = tables_meta.get(name, {}).get("fts_table")
            if search:
                result[f"search {name}"] = f"{page}?{urlencode({'_search': SEARCH_WORD})}"
            keys = [row[1] for row in sorted(conn.execute(f'pragma table_info("{name}")'), key=lambda r: r[5])
                    if row[5]]
            if found[name] == "table" and keys and name not in fts:
                columns = ", ".join(f'"{k}"' for k in keys)
                row = conn.execute(f'select {columns} from "{name}" '
                                   f'order by {columns} limit 1 offset (select count(*) / 2 from "{name}")').fetchone()
                if row:
                    from datasette.utils import tilde_encode

                    label = "card" if name in ("facts", "targets") else "row page"
                    result[f"{label} {name}"] = f"{page}/" + ",".join(tilde_encode(str(v)) for v in row)
        result["record redirect"] = f"/record/{quote(params['record_id'])}"
        for name, query in meta["databases"][DB].get("queries", {}).items():
            wanted = sorted({p for p in _named_parameters(query["sql"]) if not p.startswith("_")})  # not magic ones
            args = {p: params[p] for p in wanted}
            result[f"canned {name}"] = f"/{DB}/{name}" + (f"?{urlencode(args)}" if args else "")
        for slug, dashboard in (meta.get("plugins", {}).get("datasette-dashboards") or {}).items():
            result[f"dashboard {slug}"] = f"/-/dashboards/{slug}"
            for chart_slug, chart in dashboard.get("charts", {}).items():
                result[f"dashboard chart {chart_slug}"] = f"/-/dashboards/{slug}/{chart_slug}"
                # the query the chart's script runs, as datasette-dashboards asks for it
                result[f"dashboard chart {chart_slug}, its data"] = (
                    f"/{DB}.json?{urlencode({'sql': chart['query']})}&_shape=objects")
        result["about"] = "/about"
        return result
    finally:
        conn.close()


def _named_parameters(sql: str) -> list[str]:
    import re

    return re.findall(r"(?<![:\w]):([a-zA-Z_]\w*)", sql)


def _second_page(conn: sqlite3.Connection, name: str, table_meta: dict) -> str:
    """The link Datasette's "next page" gives: for a view, rows to skip; for a table, the sort key."""
    size = table_meta.get("size", publication.SETTINGS.get("default_page_size", 100))
    page = f"/{DB}/{name}"
    is_view = _first(conn, f"select type from sqlite_master where name = {_quoted(name)}") == "view"
    if is_view:
        return f"{page}?_next={size}"
    sort = table_meta.get("sort")
    if sort:
        row = conn.execute(f'select "{sort}", rowid from "{name}" order by "{sort}" limit 1 offset {size - 1}').fetchone()
        from datasette.utils import tilde_encode

        return f"{page}?_next={tilde_encode(str(row[0]))},{row[1]}" if sort != "id" else \
            f"{page}?_next={tilde_encode(str(row[0]))}"
    keys = [row[1] for row in conn.execute(f'pragma table_info("{name}")') if row[5]]
    row = conn.execute(f'select {", ".join(keys) or "rowid"} from "{name}" order by {", ".join(keys) or "rowid"} '
                       f'limit 1 offset {size - 1}').fetchone()
    return f"{page}?_next=" + ",".join(str(v) for v in row)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def measure(db: Path, runs: int = 9, only: str | None = None) -> list[dict]:
    """Each page's median and p95 latency (ms), size and status; facets that did not appear."""
    named = _named_as_published(db)
    try:
        return _measure(named, runs, only)
    finally:
        if named != db:
            shutil.rmtree(named.parent, ignore_errors=True)


def _measure(db: Path, runs: int, only: str | None) -> list[dict]:
    todo = {name: path for name, path in pages(db).items() if not only or only in name}
    facets_expected = {name: tables.get("facets", []) for name, tables in metadata()["databases"][DB]["tables"].items()}
    process, base = load.start_server(db)
    results = []
    try:
        with httpx.Client(base_url=base, timeout=60) as http:
            for name, path in todo.items():
                http.get(path)  # the first request fills caches
                times, response = [], None
                for _ in range(runs):
                    start = time.perf_counter()
                    response = http.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                result = {"page": name, "path": path, "median_ms": statistics.median(times),
                          "p95_ms": percentile(times, 95), "bytes": len(response.content),
                          "status": response.status_code, "missing_facets": []}
                table = name.split(" ")[1].rstrip(",") if name.startswith(("table ", "view ")) else None
                if table and facets_expected.get(table) and response.status_code == 200:
                    data = http.get(_json_path(path) + ("&" if "?" in path else "?") + "_extra=facet_results").json()
                    shown = data.get("facet_results", {})
                    shown = shown.get("results", shown)
                    result["missing_facets"] = [f for f in facets_expected[table] if f not in shown]
                results.append(result)
    finally:
        process.terminate()
        process.wait(10)
    return results


def _named_as_published(db: Path) -> Path:
    """The database under the name it is served as (guangdong_facts.db: Datasette names it by its file),
    a link to it in a folder of its own where it has another name."""
    if db.name == f"{DB}.db":
        return db
    folder = Path(tempfile.mkdtemp(prefix="gdfacts-pages-", dir=db.parent))
    named = folder / f"{DB}.db"
    try:
        os.link(db, named)
    except OSError:
        shutil.copyfile(db, named)
    return named


def _json_path(path: str) -> str:
    page, _, query = path.partition("?")
    return page + ".json" + (f"?{query}" if query else "")


def report(results: list[dict]) -> str:
    rows = ["| page | median ms | p95 ms | KiB | status |", "| --- | ---: | ---: | ---: | --- |"]
    for r in results:
        status = str(r["status"]) + (f"; facets missing: {', '.join(r['missing_facets'])}" if r["missing_facets"] else "")
        rows.append(f"| {r['page']} | {r['median_ms']:.0f} | {r['p95_ms']:.0f} | {r['bytes'] / 1024:.0f} | {status} |")
    slowest = max(results, key=lambda r: r["median_ms"])
    over = [r["page"] for r in results if r["median_ms"] >= 100 or r["status"] >= 400 or r["missing_facets"]]
    rows.append("")
    rows.append(f"{len(results)} pages; slowest: {slowest['page']} ({slowest['median_ms']:.0f} ms median); "
                + (f"at or over 100 ms, failed or missing facets: {', '.join(over)}" if over else
                   "every page under 100 ms, answered 200 with all its facets"))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only", help="only the pages whose name holds this")
    parser.add_argument("--json", action="store_true", help="the results as JSON")
    args = parser.parse_args(argv)
    results = measure(args.db, args.runs, args.only)
    print(json.dumps(results, indent=1) if args.json else report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
