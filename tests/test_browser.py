"""A real browser: Debian's Chromium, headless, driven by Playwright, against
`datasette serve` configured as `gdfacts serve` configures it. It looks at what
a person would see, fails on any JavaScript error or any request that leaves
127.0.0.1, and saves screenshots under test-output/browser/."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from conftest import REPO
from gdfacts import publication

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


@pytest.fixture(scope="module")
def server(real_db):
    port = free_port()
    process = subprocess.Popen(publication.serve_argv(real_db, "127.0.0.1", port),
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
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server, request):
    """A page that records JavaScript errors and every request it makes."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors, page.requests = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: page.requests.append(r.url))
    page.base = server
    yield page
    page.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert page.errors == [], "JavaScript errors on the page"
    away = [url for url in page.requests if urlsplit(url).hostname != "127.0.0.1" and not url.startswith("data:")]
    assert away == [], "requests left 127.0.0.1"
    assert page.requests, "the page made no requests at all"


def test_the_home_page_says_what_the_dataset_is(page):
    page.goto(page.base + "/")
    assert page.get_by_role("heading", name="guangdong-facts").is_visible()
    assert page.get_by_text("citation-checked dataset of the economy of Guangdong").is_visible()
    assert page.get_by_role("link", name="the chart of GDP growth").is_visible()


def test_from_a_fact_one_click_to_its_quote_marked_in_its_line(page):
    page.goto(f"{page.base}/guangdong_facts/facts/{FACT}")
    row = page.locator("table.rows-and-columns tbody tr").first
    assert row.locator("td.col-value").inner_text().strip() == "6.0"
    assert row.locator("td.col-region_id").inner_text().strip() == "shenzhen"
    page.get_by_role("link", name=FACT).first.click()
    page.wait_for_load_state()
    assert "evidence_in_context" in page.url
    mark = page.locator("mark").first
    assert mark.is_visible() and mark.inner_text() == QUOTE
    cell = page.locator("td.col-in_context").first.inner_text()
    assert cell.startswith("Shenzhen") and QUOTE in cell
    assert page.locator("td.col-title").first.inner_text().strip()  # the article's title is shown


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
