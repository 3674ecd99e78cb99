"""No text of the data ever becomes markup: the real dataset with hostile
markup in every free-text field a contributor writes and on every line of
every article (tests/hostile_data.py), built and served as `gdfacts serve`
serves it, and every kind of page crawled in Chromium: every page reachable
from the home page (the database, every table and view, one row of each,
the dashboard and its charts), every canned query with its parameters filled
from the data, and a query typed into ?sql=. On each page, after it has drawn
what its scripts fetch, nothing of the payload may have run (the page's
title), and no element, attribute, script or javascript: link of it may be in
the DOM. The payload must be on the pages as text, or the test proves nothing."""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import urlencode, urlsplit

import pytest
import yaml
from playwright.sync_api import sync_playwright

from conftest import REPO
from gdfacts import publication
from gdfacts.build import build
from hostile_data import MARKER, PAYLOAD, build_hostile
from test_browser import CHROMIUM_FLAGS, chromium
from test_load import load

DB = "guangdong_facts"
# The text columns that must hold the payload once built, so that the crawl sees it.
HOSTILE_COLUMNS = {
    ("regions", "name"), ("regions", "name_zh"), ("indicators", "name"), ("indicators", "description"),
    ("units", "name"), ("units", "description"), ("sources", "title"), ("sources", "publisher"),
    ("sources", "author"), ("sources", "published_basis"), ("facts", "note"), ("facts", "period_basis"),
    ("citations", "correction_reason"), ("outcome_statements", "period_basis"), ("relations", "why"),
    ("checks", "reason"), ("source_lines", "text"),
}
# What would be the payload at work in a page: run, or parsed into elements.
INJECTED = """() => {
  const found = []
  if (document.title === 'MARKER') found.push('the page title was set by the payload')  // a title may show it as text
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on') && attr.value.includes('MARKER')) found.push(`<${el.localName} ${attr.name}>`)
    }
    if (el.localName === 'script' && el.textContent.includes("title='MARKER'")) found.push('<script> of the data')
    const href = (el.getAttribute('href') || el.getAttribute('src') || '').trim().toLowerCase()
    if (href.startsWith('javascript:')) found.push(`<${el.localName}> to ${href}`)
  }
  return found
}""".replace("MARKER", MARKER)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    build_hostile(root)
    db = root / f"{DB}.db"
    build(root, db)
    return db


@pytest.fixture(scope="module")
def site(hostile_db):
    process, base = load.start_server(hostile_db)
    yield base
    process.terminate()
    process.wait(10)


def test_the_hostile_data_builds_and_holds_the_payload_in_every_free_text_column(hostile_db):
    conn = sqlite3.connect(f"file:{hostile_db}?mode=ro", uri=True)
    missing = [(table, column) for table, column in sorted(HOSTILE_COLUMNS)
               if not conn.execute(f'select count(*) from "{table}" where instr("{column}", ?)', (PAYLOAD,)).fetchone()[0]]
    assert missing == []
    assert {url for (url,) in conn.execute("select url from sources")} == {"javascript:document.title='XSS'"}


def page_key(url: str) -> str:
    """One visit per kind of page: a table's pages with other arguments, and its rows, are alike."""
    target = urlsplit(url)
    parts = target.path.strip("/").split("/")
    if len(parts) >= 3 and parts[0] == DB:
        return f"/{DB}/{parts[1]}/<row>"
    if parts == [DB] and "sql=" in target.query:
        return f"/{DB}?sql="
    return "/" + "/".join(parts)


def canned_queries(hostile_db) -> list[str]:
    """Each canned query, its parameters filled from the data."""
    conn = sqlite3.connect(f"file:{hostile_db}?mode=ro", uri=True)
    samples = {
        "region": "shenzhen", "indicator": "gdp_growth",
        "source": conn.execute("select min(id) from sources").fetchone()[0],
        "record_id": conn.execute("select min(id) from facts where note is not null").fetchone()[0],
    }
    queries = yaml.safe_load(publication.METADATA.read_text(encoding="utf-8"))["databases"][DB]["queries"]
    urls = []
    for name, query in queries.items():
        names = sorted({n for n in re.findall(r":(\w+)", query["sql"]) if not n.startswith("_")})  # not :_page_size
        urls.append(f"/{DB}/{name}" + (f"?{urlencode({n: samples[n] for n in names})}" if names else ""))
    return urls


def test_no_page_runs_or_parses_the_datas_markup(site, hostile_db):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        queue = ["/", *canned_queries(hostile_db), f"/{DB}?" + urlencode({"sql": "select * from regions"})]
        seen = {page_key(url) for url in queue}
        visited, injected, showing = [], {}, []
        while queue:
            url = queue.pop(0)
            page.goto(site + url, wait_until="load")
            if url.startswith("/-/dashboards/"):  # the charts draw what they fetch
                page.wait_for_load_state("networkidle")
            visited.append(url)
            found = page.evaluate(INJECTED)
            if found:
                injected[url] = found
            if PAYLOAD in page.inner_text("body"):
                showing.append(url)
            for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
                target = urlsplit(href)
                local = target.path + (f"?{target.query}" if target.query else "")
                if (target.hostname == "127.0.0.1" and target.port == urlsplit(site).port
                        and not target.path.endswith((".json", ".csv", ".db")) and page_key(local) not in seen):
                    seen.add(page_key(local))
                    queue.append(local)
        browser.close()

    assert injected == {} and dialogs == []
    for must in ("/", f"/{DB}", f"/{DB}?sql=", f"/{DB}/regions", f"/{DB}/regions/<row>", f"/{DB}/source_lines/<row>",
                 f"/{DB}/evidence", "/-/dashboards/growth", "/-/dashboards/growth/growth-table", "/about"):
        assert must in {page_key(url) for url in visited}, must
    assert len(visited) > 40
    for must in ("/-/dashboards/growth", f"/{DB}/regions", f"/{DB}/sources", f"/{DB}/evidence_in_context", f"/{DB}?sql="):
        assert any(page_key(url) == must for url in showing), f"the payload is not shown as text on {must}"
