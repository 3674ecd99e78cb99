"""A real browser: Debian's Chromium, headless, driven by Playwright, against
`datasette serve` configured as `gdfacts serve` configures it. It looks at what
a person would see (the fact card, numbers in words on every kind of page,
folded column descriptions, search in English and Chinese), runs axe-core on
each kind of page, fails on any JavaScript error or any request that leaves
127.0.0.1, and saves screenshots under test-output/browser/ at 1280 and 390 px."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from conftest import REPO
from gdfacts import publication
from gdfacts.build import build
from test_new_articles import add_new_articles

SHOTS = REPO / "test-output" / "browser"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
FACT = "shenzhen-gdp_growth-2023-actual"
QUOTE = "saw its GDP grow by 6 percent last year"


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:  # not a skip: `make test` installs it, and CI must run this test
        pytest.fail("Chromium is not installed: `apt-get install chromium` (make test does this when it can)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db):
    """`datasette serve` on db as `gdfacts serve` runs it, until the generator is closed."""
    port = free_port()
    process = subprocess.Popen(publication.serve_argv(db, "127.0.0.1", port),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("datasette did not start:\n" + process.stdout.read().decode(errors="replace"))
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def server(real_db):
    yield from serve(real_db)


@pytest.fixture(scope="module")
def chinese_server(tmp_path_factory):
    """The real data with two more articles, one of them Chinese (tests/articles/)."""
    root = tmp_path_factory.mktemp("with-chinese")
    add_new_articles(root)
    db = root / "guangdong_facts.db"
    build(root, db)
    yield from serve(db)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(params=[1280])
def page(browser, server, request):
    """A page that records JavaScript errors and every request it makes (1280 px
    wide; a test parametrized with `indirect=["page"]` chooses its width)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844})
    page = context.new_page()
    page.errors, page.requests = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: page.requests.append(r.url))
    page.base = server
    yield page
    name = request.node.name.replace("/", "_").replace("?", "_")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    context.close()
    assert page.errors == [], "JavaScript errors on the page"
    away = [url for url in page.requests if urlsplit(url).hostname != "127.0.0.1" and not url.startswith("data:")]
    assert away == [], "requests left 127.0.0.1"
    assert page.requests, "the page made no requests at all"


# A fact whose source states it wrong: its card shows the correction.
CORRECTED = "shenzhen-trade-2022-actual"
CORRECTED_STATED = "36737.52 billion yuan"
MISSED_TARGET = "guangdong-gdp_growth-2024-target"


def shenzhen_row(page):
    return page.locator("table.plain tbody tr").filter(has=page.get_by_role("link", name="Shenzhen", exact=True))


def test_the_home_page_shows_what_is_inside_before_the_fine_print(page):
    page.goto(page.base + "/")
    assert page.get_by_role("heading", name="guangdong-facts").is_visible()
    fold = 900
    headline = page.locator(".headlines li").filter(has_text="Gross domestic product, Shenzhen").first
    assert headline.locator(".figure").inner_text().endswith("trillion yuan")  # in words, with its unit
    assert headline.bounding_box()["y"] < fold  # the data before the fine print
    assert page.locator("#home-chart-title").count() == 1 and page.locator("svg.dot-chart circle").count() > 1
    assert page.get_by_role("heading", name="Regions and years").is_visible()
    assert shenzhen_row(page).locator("td a").count() >= 1  # its counts by year, each a link
    about = page.get_by_role("heading", name="About the data").bounding_box()["y"]
    assert about > headline.bounding_box()["y"] and about > page.locator("table.plain").bounding_box()["y"]
    assert page.get_by_text("citation-checked dataset of the economy of Guangdong").is_visible()


def test_a_sentence_is_two_clicks_from_home_by_a_headline_figure_or_a_count(page):
    page.goto(page.base + "/")
    page.locator(".headlines a").first.click()
    page.wait_for_load_state()
    assert page.locator("figure.citation mark").first.is_visible()  # one click: a card and its sentence
    page.goto(page.base + "/")
    shenzhen_row(page).locator("td a").first.click()
    page.wait_for_load_state()
    page.locator("td.col-record_id a").first.click()
    page.wait_for_load_state()
    assert page.locator("figure.citation mark").first.is_visible()  # two clicks


def test_a_fact_card_reads_as_a_statement_with_its_sentence_source_and_correction(page):
    page.goto(f"{page.base}/record/{CORRECTED}")  # finds the record's card
    assert page.url.endswith(f"/guangdong_facts/facts/{CORRECTED}")
    value = page.locator(".card-value .in-words")
    assert value.inner_text() == "3.673752 trillion yuan"
    assert value.get_attribute("title") == "3673752000000 CNY (as stored)"  # the base value a hover away
    assert page.locator("h1").inner_text().startswith("Total imports and exports")
    assert page.locator("dl.card-facts").inner_text().count("Shenzhen") >= 1
    citation = page.locator("figure.citation").first
    assert CORRECTED_STATED in citation.locator("mark").inner_text()
    assert citation.locator("mark strong").inner_text() == CORRECTED_STATED  # the stated words within the quote
    assert citation.locator("cite").inner_text() == "Why Shenzhen can leap to the first industrial city?"
    correction = citation.locator(".correction")
    assert correction.is_visible()
    assert "36.73752 trillion yuan × 0.1 = 3.673752 trillion yuan" in correction.inner_text()
    assert "read as billions" in correction.inner_text()
    assert page.locator("table.series tr.current").count() == 1
    assert page.locator("ul.checks .verdict").count() >= 1  # the relations that involve it
    citation.get_by_role("link", name="the article").click()
    page.wait_for_load_state()
    assert "/guangdong_facts/article?source=shenzhen_industry_2022" in page.url
    assert page.locator("td.col-line").filter(has_text="22").count() >= 1


def test_a_target_card_says_whether_it_was_met(page):
    page.goto(f"{page.base}/guangdong_facts/targets/{MISSED_TARGET}")
    assert page.locator(".card-value").inner_text() == "5 percent"
    assert page.locator(".card-kind").inner_text().lower() == "target"  # a target of kind target, said once
    outcome = page.locator("h2:has-text('Outcome') + p")
    assert outcome.locator(".verdict").inner_text() == "Missed"
    outcome.get_by_role("link", name="3.5 percent").click()
    page.wait_for_load_state()
    assert page.url.endswith("/guangdong_facts/facts/guangdong-gdp_growth-2024-actual")
    assert page.get_by_role("heading", name="The targets it decides").is_visible()


def test_from_the_facts_table_one_click_to_a_card(page):
    page.goto(f"{page.base}/guangdong_facts/facts")
    page.get_by_role("link", name=FACT, exact=True).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/guangdong_facts/facts/{FACT}")
    mark = page.locator("figure.citation mark").first
    assert mark.is_visible() and mark.inner_text() == QUOTE
    assert page.locator(".card-value").inner_text() == "6 percent"


@pytest.mark.parametrize("path, column, words, stored", [
    ("/guangdong_facts/facts?id=shenzhen-gdp-2023-actual", "value", "3.46 trillion yuan", "3460000000000"),
    ("/guangdong_facts/evidence?record_id=shenzhen-gdp-2023-actual-usd", "value", "US$482 billion", "482000000000"),
    ("/guangdong_facts/latest_values?region=shenzhen", "value", "3.46 trillion yuan", "3460000000000"),
    ("/guangdong_facts/facts?id=shenzhen-exports_rank_among_mainland_cities-2023-actual", "value", "1st", "1"),
    ("/guangdong_facts/targets_vs_outcomes", "target_value", "5 percent", "5"),
    ("/guangdong_facts/citations?fact_id=shenzhen-gdp-2023-actual", "stated_value", "3.46 trillion yuan",
     "3460000000000"),
])
def test_numbers_read_in_words_on_every_kind_of_page(page, path, column, words, stored):
    page.goto(page.base + path)
    cells = page.locator(f"td.col-{column} .in-words")
    cells.first.wait_for()
    shown = cells.evaluate_all("cells => cells.map(c => [c.textContent, c.title])")
    assert any(text == words and title.startswith(stored + " ") for text, title in shown), shown
    json_url = page.base + path.replace("?", ".json?", 1) + ("&" if "?" in path else "?") + "_shape=objects"
    if "?" not in path:
        json_url = page.base + path + ".json?_shape=objects"
    rows = page.request.get(json_url).json()["rows"]
    assert any(str(row[column]).removesuffix(".0") == stored for row in rows)  # JSON keeps base units


def test_the_dashboard_shows_words_and_links_each_record_to_its_card(page):
    page.goto(page.base + "/-/dashboards/growth")
    table = page.locator("#chart-growth-table")
    link = table.get_by_role("link", name="shenzhen-gdp_growth-2023-actual")
    link.wait_for(timeout=15000)
    assert table.locator("td").filter(has_text="6 percent").count() >= 1
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("/guangdong_facts/facts/shenzhen-gdp_growth-2023-actual")
    assert page.locator("figure.citation mark").first.is_visible()


def test_column_descriptions_are_folded_and_the_rows_come_first(page):
    page.goto(page.base + "/guangdong_facts/evidence")
    help_ = page.locator("details.column-help")
    assert help_.is_visible() and help_.get_attribute("open") is None
    description = help_.locator("dd").first
    assert not description.is_visible()
    assert not page.locator("section.content > dl.column-descriptions").is_visible()
    first_row = page.locator("table.rows-and-columns tbody tr").first
    assert first_row.bounding_box()["y"] < 1300  # was below 2,600 px of descriptions and facets
    header = page.locator("table.rows-and-columns thead th").evaluate_all("ths => ths.map(th => th.dataset.column)")
    assert header[:4] == ["record_id", "value", "as_stated", "quote"]  # reader first
    help_.locator("summary").click()
    assert description.is_visible()


def test_facets_keep_their_words_whole(page):
    page.goto(page.base + "/guangdong_facts/evidence")
    broken = page.evaluate("""() => {
        const broken = [];
        for (const link of document.querySelectorAll('.facet-info li a')) {
            const text = link.firstChild;
            if (!text || text.nodeType !== Node.TEXT_NODE) continue;
            const re = /\\S+/g;
            let m;
            while ((m = re.exec(text.data))) {
                const range = document.createRange();
                range.setStart(text, m.index);
                range.setEnd(text, m.index + m[0].length);
                const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
                if (lines.size > 1) broken.push(m[0]);
            }
        }
        return broken;
    }""")
    assert page.locator(".facet-info li a").count() > 5
    assert broken == []


def search(page, path, term):
    page.goto(page.base + path)
    page.locator("#_search").fill(term)
    page.locator("#_search").press("Enter")
    page.wait_for_load_state()
    return page.locator("table.rows-and-columns tbody tr")


def test_search_finds_numbers_and_words_of_the_quotes(page):
    rows = search(page, "/guangdong_facts/facts", "3.46")
    assert rows.filter(has=page.get_by_role("link", name="shenzhen-gdp-2023-actual", exact=True)).count() == 1
    rows = search(page, "/guangdong_facts/facts", "exceeded")
    assert rows.count() >= 1
    rows = search(page, "/guangdong_facts/targets", "aiming")
    assert rows.filter(has=page.get_by_role("link", name=MISSED_TARGET, exact=True)).count() == 1


def test_search_finds_chinese_words(page, chinese_server):
    page.base = chinese_server
    rows = search(page, "/guangdong_facts/facts", "生产总值")
    assert rows.count() >= 1
    rows.first.locator("td.type-pk a").click()
    page.wait_for_load_state()
    assert "生产总值" in page.locator("figure.citation").all_inner_texts()[0] or \
        any("生产总值" in text for text in page.locator("figure.citation blockquote").all_inner_texts())
    rows = search(page, "/guangdong_facts/source_lines", "深圳")
    assert rows.count() >= 1 and "深圳" in rows.first.inner_text()


PAGES = {
    "home": "/",
    "table": "/guangdong_facts/facts",
    "view": "/guangdong_facts/evidence",
    "card": f"/guangdong_facts/facts/{CORRECTED}",
    "target card": f"/guangdong_facts/targets/{MISSED_TARGET}",
    "canned query": "/guangdong_facts/targets_vs_outcomes",
    "dashboard": "/-/dashboards/growth",
}


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_accessibility_violation(page, name):
    page.goto(page.base + PAGES[name])
    page.wait_for_load_state("networkidle")
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    serious = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


@pytest.mark.parametrize("page", [390], indirect=True)
@pytest.mark.parametrize("name", PAGES)
def test_pages_fit_a_phone(page, name):
    page.goto(page.base + PAGES[name])
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} is {overflow} px wider than the phone"


def test_the_growth_chart_is_drawn_with_its_numbers_beside_it(page):
    page.goto(page.base + "/-/dashboards/growth")
    marks = page.locator("#chart-growth-chart svg g.role-mark path[aria-label]")
    marks.first.wait_for(state="visible", timeout=15000)
    drawn = set(marks.evaluate_all("paths => paths.map(p => p.getAttribute('aria-label'))"))
    assert "Year: 2024; GDP growth (percent): 3.5; Region: Guangdong; Kind: actual" in drawn
    assert "Year: 2024; GDP growth (percent): 5; Region: Guangdong; Kind: target" in drawn
    assert "Year: 2023; GDP growth (percent): 6; Region: Shenzhen; Kind: actual" in drawn
    box = page.locator("#chart-growth-chart svg").first.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    table = page.locator("#chart-growth-table")
    table.get_by_text("guangdong-gdp_growth-2024-target").wait_for(timeout=15000)
    assert len(drawn) == table.locator("tbody tr").count()  # one point per row of the table
