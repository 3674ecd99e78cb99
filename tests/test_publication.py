"""The Datasette publication, in process with Datasette's own client: what a
reader can reach, what every table and column means, the canned queries,
the download, and that nothing typed into ?sql= can change the database."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from conftest import served
from gdfacts import publication

DB = "guangdong_facts"


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def metadata():
    return yaml.safe_load(publication.METADATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(real_db):
    """A Datasette configured exactly as `gdfacts serve` configures it."""
    with served(real_db) as site:
        yield site


def canned(site, name, **params):
    """Every row of a canned query, page after page for those read a page at a time (plugins/query_pages.py)."""
    paged = ":_page_offset" in yaml.safe_load(publication.METADATA.read_text(encoding="utf-8"))[
        "databases"][DB]["queries"][name]["sql"]
    rows, page = [], 1
    while found := site.json(f"/{DB}/{name}.json", _shape="objects", _page=str(page), **params)["rows"]:
        rows += found
        if not paged:
            break
        page += 1
    return rows


# --- what a reader can reach ------------------------------------------------------


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def links(html: str, base: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    local = []
    for href in parser.hrefs:
        url = urlsplit(urljoin("http://localhost" + base, href))
        if url.netloc == "localhost" and url.scheme == "http":
            local.append(url.path + (f"?{url.query}" if url.query else ""))
    return local


def answer(site, path):
    """The page at path, after the one redirect /record/<id> makes to the record's card."""
    response = site.get(path)
    if response.status_code in (301, 302) and path.startswith("/record/"):
        location = urlsplit(response.headers["location"])
        response = site.get(location.path + (f"?{location.query}" if location.query else ""))
    return response


def test_every_page_reachable_from_the_home_page_answers_200(site):
    """Every link of every page within two clicks of the home page (the database,
    each table, view, canned query, dashboard, and their facet, sort and format
    links), then one link to each distinct page three clicks away (every row)."""
    seen, ring, failures = {"/"}, ["/"], []
    for clicks in range(3):
        following = []
        for path in ring:
            response = answer(site, path)
            if response.status_code != 200:
                failures.append((path, response.status_code))
            elif "text/html" in response.headers.get("content-type", ""):
                for link in links(response.text, path):
                    if link not in seen:
                        seen.add(link)
                        following.append(link)
        ring = following
    one_per_page = {urlsplit(link).path: link for link in reversed(ring)}
    for link in one_per_page.values():
        status = answer(site, link).status_code
        if status != 200:
            failures.append((link, status))
    assert failures == []
    for must in (f"/{DB}", f"/{DB}/facts", f"/{DB}/evidence", f"/{DB}/targets_vs_outcomes", f"/{DB}/source_lines",
                 "/-/dashboards/growth", "/about", f"/{DB}.db", f"/{DB}/facts/shenzhen-gdp-2023-actual"):
        assert must in seen or must in one_per_page, must
    assert len(seen) > 500  # the crawl really went through the site


def test_the_home_page_says_what_the_dataset_is_and_where_it_comes_from(site):
    html = site.get("/").text
    assert "citation-checked dataset of the economy of Guangdong" in html
    assert "CC BY 4.0" in html and "remain their publishers" in html
    assert 'href="/about"' in html and 'href="/guangdong_facts/sources"' in html


# --- descriptions: metadata.yml and schema.sql cannot drift apart -----------------


def schema_columns(real_db) -> dict[str, list[str]]:
    """Every table and view a reader sees, with its columns (FTS shadow tables excepted)."""
    conn = sqlite3.connect(f"file:{real_db}?mode=ro", uri=True)
    try:
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")]
        fts = [n for n in names if n.endswith("_fts")]
        shadows = {n for n in names for f in fts if re.fullmatch(rf"{f}_(data|idx|docsize|config|content)", n)}
        return {n: [row[1] for row in conn.execute(f'PRAGMA table_info("{n}")')]
                for n in names if n not in shadows}
    finally:
        conn.close()


def test_every_table_view_and_column_is_described_and_nothing_else_is(real_db, metadata):
    described = metadata["databases"][DB]["tables"]
    actual = schema_columns(real_db)
    assert set(described) == set(actual), "metadata.yml describes tables the schema lacks, or misses some"
    for table, columns in actual.items():
        assert described[table].get("description", "").strip(), f"{table} has no description"
        column_text = described[table].get("columns", {})
        assert set(column_text) == set(columns), f"{table}: described {sorted(column_text)} vs {columns}"
        assert all(str(text).strip() for text in column_text.values()), table


def test_descriptions_reach_the_pages(site):
    html = site.get(f"/{DB}/facts").text
    assert "Observed values (actuals and estimates)" in html
    assert "The value in base units" in html  # column descriptions are shown


def test_foreign_keys_show_their_labels(site):
    rows = site.json(f"/{DB}/facts.json", _labels="on", _shape="objects", id="shenzhen-gdp-2023-actual")["rows"]
    assert rows[0]["region_id"] == {"value": "shenzhen", "label": "Shenzhen"}
    assert rows[0]["indicator_id"] == {"value": "gdp", "label": "Gross domestic product"}


def test_facets_are_offered_where_people_filter(site):
    data = site.json(f"/{DB}/evidence.json", _extra="facet_results")
    facets = data["facet_results"]
    facets = facets.get("results", facets)  # 0.65 nests them one level down in some shapes
    assert {"region", "indicator", "period", "kind", "unit", "corrected"} <= set(facets)


def test_full_text_search_is_wired_to_the_fts_tables(site):
    rows = site.json(f"/{DB}/citations.json", _search="trillion", _shape="objects")["rows"]
    assert rows and all("trillion" in " ".join(str(row[c]) for c in ("quote", "as_stated", "correction_reason"))
                        for row in rows)
    facts = site.json(f"/{DB}/facts.json", _search="last year", _shape="objects")["rows"]
    assert facts and all("last year" in (row["period_basis"] or "") + (row["note"] or "") for row in facts)


def test_a_search_of_facts_covers_their_quotes_and_stated_words(site):
    """3.46 is only in the quote and stated words of Shenzhen's 2023 GDP, not in the fact's own columns."""
    ids = [row["id"] for row in site.json(f"/{DB}/facts.json", _search="3.46", _shape="objects")["rows"]]
    assert "shenzhen-gdp-2023-actual" in ids


# --- canned queries ----------------------------------------------------------------


def test_targets_vs_outcomes(site):
    rows = {row["target_id"]: row for row in canned(site, "targets_vs_outcomes")}
    missed = rows["guangdong-gdp_growth-2024-target"]
    assert (missed["target_value"], missed["outcome_value"], missed["status"]) == (5.0, 3.5, "missed")
    assert rows["shenzhen-gdp_growth-2025-target"]["status"] in ("not_yet_due", "ended_without_outcome")
    assert rows["guangdong-gdp_growth-2022-target"]["outcome_stated"] == "missed"
    assert rows["guangdong-gdp_growth-2022-target"]["target_qualifier"] == "approximately"


def test_indicator_over_time(site):
    rows = canned(site, "indicator_over_time", region="shenzhen", indicator="gdp_growth")
    assert [(r["period"], r["kind"], r["value"]) for r in rows] == sorted(
        (r["period"], r["kind"], r["value"]) for r in rows)
    assert ("2023", "actual", 6.0) in [(r["period"], r["kind"], r["value"]) for r in rows]
    assert ("2025", "target", 5.5) in [(r["period"], r["kind"], r["value"]) for r in rows]
    assert {r["record_id"].split("-")[0] for r in rows} == {"shenzhen"}


def test_corrections_keep_the_stated_value_beside_the_corrected_one(site):
    rows = canned(site, "corrections")
    assert len(rows) == 4
    by_words = {r["as_stated"]: r for r in rows}
    trade = by_words["36737.52 billion yuan"]
    assert trade["stated_value"] == 36737.52e9 and trade["value"] == pytest.approx(3673.752e9)
    assert trade["correction_scale"] == 0.1 and trade["correction_reason"]


def test_article_in_line_order(site):
    rows = canned(site, "article", source="shenzhen_industry_2022")
    lines = [r["line"] for r in rows]
    assert rows and lines == sorted(lines)
    assert all(r["quote"] for r in rows)


def test_latest_values(site):
    rows = canned(site, "latest_values", region="guangdong")
    growth = [r for r in rows if r["indicator_id"] == "gdp_growth"]
    assert [(r["period"], r["value"]) for r in growth] == [("2024", 3.5)]
    keys = [(r["indicator_id"], r["unit"]) for r in rows]
    assert len(keys) == len(set(keys))  # one row per indicator and unit


def test_evidence_in_context_marks_the_quote_in_its_line(site):
    rows = canned(site, "evidence_in_context", record_id="shenzhen-gdp_growth-2023-actual")
    assert rows
    row = rows[0]
    assert "⟦saw its GDP grow by 6 percent last year⟧" in row["in_context"]
    assert row["in_context"].replace("⟦", "").replace("⟧", "").startswith("Shenzhen")
    assert row["title"] and row["line"] >= 1
    html = site.get(f"/{DB}/evidence_in_context", record_id="shenzhen-gdp_growth-2023-actual").text
    assert "<mark>saw its GDP grow by 6 percent last year</mark>" in html


def test_a_fact_page_is_its_card_with_the_quote_marked(site):
    html = site.get(f"/{DB}/facts/shenzhen-gdp_growth-2023-actual").text
    assert '<p class="card-value"><span class="in-words" title="6 percent (as stored)">6 percent</span></p>' in html
    assert "<mark>saw its GDP grow by <strong>6 percent</strong> last year</mark>" in html
    response = site.get("/record/shenzhen-gdp_growth-2023-actual")
    assert response.status_code == 302
    assert response.headers["location"].endswith(f"/{DB}/facts/shenzhen-gdp_growth-2023-actual")
    assert site.get("/record/no-such-record").status_code == 404


# --- the chart ---------------------------------------------------------------------


def test_the_growth_chart_has_actuals_and_targets_by_year_and_region(site, metadata):
    chart = metadata["plugins"]["datasette-dashboards"]["growth"]["charts"]["growth-chart"]
    rows = site.json(f"/{DB}.json", sql=chart["query"], _shape="objects")["rows"]
    points = {(r["region"], r["year"], r["kind"]): r["growth"] for r in rows}
    assert points[("Guangdong", 2024, "actual")] == 3.5
    assert points[("Guangdong", 2024, "target")] == 5.0
    assert points[("Shenzhen", 2023, "actual")] == 6.0
    html = site.get("/-/dashboards/growth").text
    assert "vega" in html and "cdn" not in html.lower()


# --- download, read-only, time limit -------------------------------------------------


def test_the_download_is_byte_identical_to_the_built_file(site, real_db):
    response = site.get(f"/{DB}.db")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == sha256(real_db)


WRITES = [
    "INSERT INTO regions (id, name, name_zh, level) VALUES ('x', 'x', 'x', 'city')",
    "UPDATE facts SET value = 0",
    "DELETE FROM citations",
    "ATTACH DATABASE '/tmp/evil.db' AS evil",
    "PRAGMA writable_schema = 1",
    "WITH doomed AS (SELECT id FROM facts) DELETE FROM facts WHERE id IN (SELECT id FROM doomed)",
    "DROP TABLE facts",
    "SELECT 1; DELETE FROM facts",
]


@pytest.mark.parametrize("sql", WRITES)
def test_writes_through_sql_are_refused_and_the_file_is_unchanged(site, real_db, sql):
    before = sha256(real_db)
    response = site.get(f"/{DB}.json", sql=sql)
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["error"]
    assert sha256(real_db) == before
    facts = sqlite3.connect(f"file:{real_db}?mode=ro", uri=True).execute("select count(*) from facts").fetchone()[0]
    assert site.json(f"/{DB}/facts.json", _shape="objects", _size="1")["filtered_table_rows_count"] == facts


def test_a_runaway_query_is_stopped_by_the_time_limit(site):
    runaway = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    response = site.get(f"/{DB}.json", sql=runaway)
    assert response.status_code == 400
    assert "too long" in response.json()["error"]


def test_the_inspect_file_is_what_datasette_inspect_writes(real_db, tmp_path):
    from click.testing import CliRunner
    from datasette.cli import cli

    theirs = tmp_path / "theirs.json"
    result = CliRunner().invoke(cli, ["inspect", str(real_db), "--inspect-file", str(theirs)])
    assert result.exit_code == 0, result.output
    ours = json.loads(publication.inspect_file(real_db).read_text())
    theirs = json.loads(theirs.read_text())
    for data in (ours, theirs):
        data[DB].pop("file")
    assert ours == theirs


def test_the_readme_publishes_with_the_settings_gdfacts_serve_uses():
    readme = (publication.ROOT / "README.md").read_text(encoding="utf-8")
    options = re.search(r'--extra-options "([^"]*)"', readme)
    assert options, "the README's datasette package command lost its --extra-options"
    assert options.group(1).split() == publication.setting_args()
