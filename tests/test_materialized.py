"""The materialized tables hold exactly what they stand for, on the real data
and on a synthetic corpus (bench/synth.py): evidence is every citation beside
its record, target_outcomes every target beside its outcome, facet_counts the
counts of every facet; and the pages that read them show the same as pages
that count on the spot, a page at a time."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from conftest import served
from gdfacts import materialized, numbering, publication
from gdfacts.build import build
from test_bench import bench_module

DB = "guangdong_facts"

# Each citation beside its record, written independently of schema.sql: one
# join of the citations with the records of both tables.
EVIDENCE = """
select case when c.fact_id is null then 'target' else 'fact' end, r.id, r.region_id, g.name, r.indicator_id, i.name,
       r.period, r.kind, r.value, r.value_high, r.unit, r.qualifier, c.as_stated, c.stated_value, c.corrected,
       nullif(trim(coalesce('Correction: ' || c.correction_reason || ' ', '')
                   || coalesce('Period: ' || r.period_basis || '. ', '') || coalesce(r.note, '')), ''),
       c.source_id, s.seed_path, c.line, c.quote, c.stated_qualifier, c.id
from citations c
join (select id, region_id, indicator_id, period, kind, value, value_high, unit, qualifier, period_basis, note from facts
      union all
      select id, region_id, indicator_id, period, kind, value, value_high, unit, qualifier, period_basis, note from targets) r
  on r.id = coalesce(c.fact_id, c.target_id)
join regions g on g.id = r.region_id
join indicators i on i.id = r.indicator_id
join sources s on s.id = c.source_id
order by c.id
"""

# Each target beside its outcome, and its status on the day the test runs.
TARGET_OUTCOMES = """
select t.id, t.region_id, g.name, t.indicator_id, i.name, t.period, t.kind, t.value, t.value_high, t.unit, t.qualifier,
       s.accepts_low, s.accepts_high, i.better, f.id, f.value, f.qualifier, o.as_stated, o.source_id, o.line,
       case when s.decision is not null then s.decision
            when s.period_end >= date('now') then 'not_yet_due' else 'ended_without_outcome' end,
       s.period_end
from targets t
join target_status s on s.target_id = t.id
join regions g on g.id = t.region_id
join indicators i on i.id = t.indicator_id
left join facts f on f.id = s.outcome_fact_id
left join outcome_statements o on o.id = s.statement_id
order by t.id
"""


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory) -> Path:
    """A synthetic corpus of 1,200 records (120 targets, 1,260 citations), built."""
    root = tmp_path_factory.mktemp("synthetic")
    bench_module("synth").generate(1200, root)
    build(root, root / f"{DB}.db")
    return root / f"{DB}.db"


@pytest.fixture(params=["real", "synthetic"])
def db(request, real_db):
    path = real_db if request.param == "real" else request.getfixturevalue("synthetic_db")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    yield conn
    conn.close()


def test_evidence_is_every_citation_beside_its_record(db):
    rows = db.execute("select * from evidence order by citation_id").fetchall()
    assert rows == db.execute(EVIDENCE).fetchall()
    assert len(rows) == db.execute("select count(*) from citations").fetchone()[0] > 0


def test_target_outcomes_is_every_target_beside_its_outcome(db):
    rows = db.execute("select * from target_outcomes order by target_id").fetchall()
    assert rows == db.execute(TARGET_OUTCOMES).fetchall()
    assert len(rows) == db.execute("select count(*) from targets").fetchone()[0] > 0


def test_facet_counts_are_the_counts_of_every_facet_of_every_table(db):
    tables = {name for (name,) in db.execute("select name from sqlite_master where type = 'table'")}
    expected = []
    for table, columns in materialized.facets().items():
        if table in tables:
            for column in dict.fromkeys(columns):
                expected += [(table, column, str(value), n) for value, n in db.execute(
                    f'select "{column}", count(*) from "{table}" where "{column}" is not null group by 1')]
    stored = db.execute("select table_name, column_name, value, count from facet_counts").fetchall()
    assert sorted(stored) == sorted(expected)
    assert {"evidence", "facts", "citations"} <= {table for table, *_ in stored}


def test_every_materialized_table_is_filled_by_a_statement_that_follows_it_in_the_schema():
    schema = (publication.ROOT / "schema.sql").read_text(encoding="utf-8")
    filled = [materialized.FILL.match(s).group(1) for s in materialized.fill_statements(schema)]
    assert set(filled) == {"evidence", "target_outcome_rows"}
    for table in filled:
        assert schema.index(f"CREATE TABLE {table} ") < schema.index(f"INSERT INTO {table}\n")


def test_a_patch_fills_evidence_again_for_the_spans_it_names_and_leaves_every_other_row(synthetic_db, tmp_path):
    """Patched, a table filled by span gets its rows for the changed fact
    files' spans from the records as they are now, loses the rows of a removed
    file, and keeps every other row as it was (here, one marked by hand);
    written whole, every row is filled again."""
    conn = sqlite3.connect(writable_copy(synthetic_db, tmp_path / "copy"), isolation_level=None)
    schema = (publication.ROOT / "schema.sql").read_text(encoding="utf-8")
    files = [rel for (rel,) in conn.execute("select distinct data_file from sources order by 1")]
    edited, removed, kept = (numbering.span(rel) for rel in files[:3])
    in_span = "select id from citations where id between ? and ? order by id"
    first_edited = conn.execute(in_span, edited).fetchone()[0]
    first_kept = conn.execute(in_span, kept).fetchone()[0]
    conn.execute("update citations set quote = 'edited' where id = ?", (first_edited,))
    conn.execute("delete from citations where id between ? and ?", removed)
    conn.execute("update evidence set quote = 'left as it was' where citation_id = ?", (first_kept,))

    materialized.fill(conn, schema, [edited, removed])
    quote = "select quote from evidence where citation_id = ?"
    assert conn.execute(quote, (first_edited,)).fetchone() == ("edited",)
    assert conn.execute("select count(*) from evidence where citation_id between ? and ?", removed).fetchone() == (0,)
    assert conn.execute(quote, (first_kept,)).fetchone() == ("left as it was",)
    def of_the_spans(rows):  # a row's last column is its citation's number
        return [row for row in rows if any(first <= row[-1] <= last for first, last in (edited, removed))]
    assert (of_the_spans(conn.execute("select * from evidence order by citation_id"))
            == of_the_spans(conn.execute(EVIDENCE)) != [])

    materialized.fill(conn, schema)
    assert conn.execute("select * from evidence order by citation_id").fetchall() == conn.execute(EVIDENCE).fetchall()


# --- the pages that read them --------------------------------------------------------


def facets_of(site, path: str) -> dict:
    """The facets a page shows, without their links: {name: (truncated, [(value, label, count, selected)])}."""
    page, _, query = path.partition("?")
    data = site.json(f"{page}.json?{query}&_extra=facet_results" if query else f"{page}.json?_extra=facet_results")
    results = data["facet_results"]
    results = results.get("results", results)
    return {name: (f["truncated"], [(r["value"], r["label"], r["count"], r["selected"]) for r in f["results"]])
            for name, f in results.items()}


def test_a_page_of_the_whole_table_shows_the_facets_datasette_counts(synthetic_db):
    """Every table page with facets: read from facet_counts (the whole table)
    and counted by Datasette (a filter that every row passes) alike."""
    every_row = {"evidence": "citation_id__gte=1", "facts": "data_line__gte=0", "targets": "data_line__gte=0",
                 "citations": "id__gte=1", "source_lines": "line__gte=1"}
    with served(synthetic_db) as site:
        for table, condition in every_row.items():
            counted = facets_of(site, f"/{DB}/{table}")
            assert counted == facets_of(site, f"/{DB}/{table}?{condition}"), table
            assert counted and all(values for _, values in counted.values()), table


def writable_copy(db: Path, folder: Path, *sql: str) -> Path:
    folder.mkdir()
    copy = folder / f"{DB}.db"
    copy.write_bytes(db.read_bytes())
    conn = sqlite3.connect(copy)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()
    publication.write_inspect(copy)
    return copy


def test_the_whole_table_reads_facet_counts_and_a_filtered_page_counts_its_rows(real_db, tmp_path):
    altered = writable_copy(real_db, tmp_path / "altered",
                            "update facet_counts set count = count + 1000 where table_name = 'facts' and column_name = 'kind'")
    conn = sqlite3.connect(real_db)
    actual = conn.execute("select count(*) from facts where kind = 'actual'").fetchone()[0]
    in_shenzhen = conn.execute("select count(*) from facts where kind = 'actual' and region_id = 'shenzhen'").fetchone()[0]
    conn.close()
    with served(altered) as site:
        kinds = dict((v, n) for v, _, n, _ in facets_of(site, f"/{DB}/facts")["kind"][1])
        assert kinds["actual"] == actual + 1000  # read from facet_counts
        assert dict((v, n) for v, _, n, _ in facets_of(site, f"/{DB}/facts?_next=shenzhen")["kind"][1]) == kinds
        filtered = dict((v, n) for v, _, n, _ in facets_of(site, f"/{DB}/facts?region_id=shenzhen")["kind"][1])
        assert filtered["actual"] == in_shenzhen  # counted on the spot
        searched = facets_of(site, f"/{DB}/facts?_search=percent")["kind"][1]
        assert searched and all(n < 1000 for _, _, n, _ in searched)


def test_a_database_without_facet_counts_still_shows_every_facet(real_db, tmp_path):
    older = writable_copy(real_db, tmp_path / "older", "drop table facet_counts")
    with served(older) as site, served(real_db) as current:
        assert facets_of(site, f"/{DB}/facts") == facets_of(current, f"/{DB}/facts")


def test_a_table_page_shows_fifty_rows_and_the_next_page_goes_on_in_order(synthetic_db):
    conn = sqlite3.connect(synthetic_db)
    everything = [r[0] for r in conn.execute("select citation_id from evidence order by record_id, citation_id")]
    conn.close()
    seen, path = [], f"/{DB}/evidence.json?_shape=objects"
    with served(synthetic_db) as site:
        html = site.get(f"/{DB}/evidence").text
        assert len(re.findall(r'<td class="col-citation_id', html)) == 50 and "_next=" in html
        for _ in range(3):
            data = site.json(path)
            assert len(data["rows"]) == 50
            seen += [row["citation_id"] for row in data["rows"]]
            path = data["next_url"].split("localhost", 1)[-1]
    assert seen == everything[:150]


def test_a_canned_query_that_lists_everything_comes_a_page_at_a_time(synthetic_db):
    conn = sqlite3.connect(synthetic_db)
    sql = next(q for name, q in _queries().items() if name == "targets_vs_outcomes")
    everything = [r[-1] for r in conn.execute(sql.replace("limit :_page_size offset :_page_offset", ""))]
    conn.close()
    assert len(everything) > 100  # three pages
    with served(synthetic_db) as site:
        pages = []
        for number in range(1, 5):
            rows = site.json(f"/{DB}/targets_vs_outcomes.json", _shape="objects", _page=str(number))["rows"]
            pages.append([row["target_id"] for row in rows])
        first, second, last = (site.get(f"/{DB}/targets_vs_outcomes", **({"_page": str(n)} if n > 1 else {})).text
                               for n in (1, 2, 3))
        refused = site.get(f"/{DB}/targets_vs_outcomes.json", _page="0")
    assert [len(p) for p in pages] == [50, 50, len(everything) - 100, 0]
    assert [t for page in pages for t in page] == everything
    assert 'rel="next"' in first and 'rel="prev"' not in first and "Rows 1 to 50" in first
    assert 'rel="next"' in second and 'href="/guangdong_facts/targets_vs_outcomes" rel="prev"' in second
    assert 'rel="next"' not in last and "Rows 101 to" in last
    assert refused.status_code == 400 and "_page" in refused.json()["error"]


def _queries() -> dict[str, str]:
    import yaml

    meta = yaml.safe_load(publication.METADATA.read_text(encoding="utf-8"))
    return {name: q["sql"] for name, q in meta["databases"][DB]["queries"].items()}


def test_every_canned_query_that_can_list_many_rows_is_read_a_page_at_a_time():
    """A query is small when a parameter picks one record, or one region's
    values of one indicator; every other reads a page at a time."""
    small = {"evidence_in_context", "indicator_over_time", "latest_values"}
    for name, sql in _queries().items():
        assert (":_page_offset" in sql) == (name not in small), name


def test_a_page_that_selects_more_rows_than_a_facet_may_count_says_its_facets_timed_out(synthetic_db, monkeypatch):
    from datasette.plugins import pm

    with served(synthetic_db):  # Datasette loads the plugins of plugins/ as modules named by their file
        (plugin,) = [p for p in pm.get_plugins() if getattr(p, "__name__", "") == "counted_facets.py"]
    monkeypatch.setattr(plugin, "LIVE_FACET_ROWS", 100)
    conn = sqlite3.connect(synthetic_db)
    small = conn.execute("select count(*) from facts where region_id = 'r000'").fetchone()[0]
    large = conn.execute("select count(*) from facts where kind = 'actual'").fetchone()[0]
    conn.close()
    assert small <= 100 < large
    with served(synthetic_db) as site:
        many, few = facets_of(site, f"/{DB}/facts?kind=actual"), facets_of(site, f"/{DB}/facts?region_id=r000")
        many_html = site.get(f"/{DB}/facts", kind="actual").text
        few_html = site.get(f"/{DB}/facts", region_id="r000").text
        whole = facets_of(site, f"/{DB}/facts")
    facets = ["region_id", "indicator_id", "period", "kind", "unit", "corrected"]
    assert many == {} and f"These facets timed out: {', '.join(facets)}" in many_html
    assert set(few) == set(facets) and "facets-timed-out" not in few_html
    assert set(whole) == set(facets)  # the whole table: counted by the build, whatever its size
