"""The reader's pages, in process: what a contributor writes stays text on the
card and the home page, a source's address is a link only when it is a web
address, the chart's arithmetic, and the values in words with their stored
value beside them. (tests/test_browser.py looks at the same pages in Chromium.)"""

from __future__ import annotations

import re
import sqlite3

import pytest
from markupsafe import Markup

from conftest import served
from gdfacts import svg_chart
from gdfacts.overview import overview
from gdfacts.record_card import record_card
from gdfacts.web import in_words

DB = "guangdong_facts"
HOSTILE = '<script>alert("x")</script><b onmouseover=alert(1)>'


@pytest.fixture
def hostile_mini(mini, capsys):
    """The small dataset with markup in a note and a source whose address runs script."""
    mini.edit("data/facts/000_mini.yml", "    indicator: gdp_growth\n", f"    indicator: gdp_growth\n    note: '{HOSTILE}'\n")
    mini.edit("data/sources.yml", "  url:", "  url: javascript:alert(1)")
    mini.edit("data/sources.yml", "title: A small article", "title: A small article <img src=x onerror=alert(1)>")
    code, _, err = mini.build(capsys)
    assert code == 0, err
    return mini


def test_what_a_contributor_writes_stays_text_on_the_card(hostile_mini):
    with served(hostile_mini.db) as site:
        html = site.get(f"/{DB}/facts/shenzhen-gdp_growth-2023-actual").text
    assert HOSTILE not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html  # shown, as text
    assert "javascript:" not in html  # not a link: only http(s) addresses are
    assert "A small article &lt;img src=x onerror=alert(1)&gt;" in html


def test_the_card_of_a_record_gathers_its_sentence_series_and_checks(built_mini):
    with sqlite3.connect(f"file:{built_mini.db}?mode=ro", uri=True) as conn:
        card = record_card(conn, "shenzhen-trade-2023-actual")
        assert record_card(conn, "shenzhen-no_such_thing-2023-actual") is None
    assert card["value_words"] == "more than 3.87 trillion yuan"
    assert card["region"] == "Shenzhen" and card["indicator"] and card["kind"] == "actual"
    (citation,) = card["citations"]
    before, quote_before, words, quote_after, after = citation["parts"]
    assert quote_before + words + quote_after == citation["quote"] and words == citation["as_stated"]
    assert before + citation["quote"] + after == citation["line_text"]
    assert citation["href"] is None and citation["correction"] is None
    assert [s["id"] for s in card["series"] if s["current"]] == ["shenzhen-trade-2023-actual"]


def test_the_home_page_counts_what_is_inside(built_mini):
    with sqlite3.connect(f"file:{built_mini.db}?mode=ro", uri=True) as conn:
        facts = conn.execute("select count(*) from facts").fetchone()[0]
        data = overview(conn, ["gdp"], "gdp_growth")
    assert data["counts"]["facts"] == facts
    assert [r["region_id"] for r in data["regions"]] == ["shenzhen"] and data["regions"][0]["total"] >= facts
    assert [f["words"] for f in data["latest"]] == ["3.46 trillion yuan"]
    assert [p["words"] for p in data["chart_points"]] == ["6 percent"]
    with served(built_mini.db) as site:
        html = site.get("/").text
    assert ">3.46 trillion yuan<" in html and 'class="dot-chart"' in html


def test_a_value_in_words_keeps_its_stored_value_a_hover_away():
    assert in_words(3.46e12, "CNY") == Markup(
        '<span class="in-words" title="3460000000000 CNY (as stored)">3.46 trillion yuan</span>')
    assert in_words(5.0, "percent", 5.5, "approximately").striptags() == "about 5 to 5.5 percent"
    assert in_words(None, "CNY") == "" and in_words("", "CNY") == ""
    assert in_words("<b>", "CNY") == Markup("&lt;b&gt;")  # not a number: as it is, escaped
    assert in_words(3.0, None) == "3.0"  # no unit: the value as stored


def test_the_chart_escapes_its_text_and_scales_to_round_ticks():
    points = [svg_chart.Point("2023", 6.0, "<Shenzhen>", False, "6 percent <b>", current=True),
              svg_chart.Point("2024", 5.5, "<Shenzhen>", True, "about 5.5 percent")]
    svg = svg_chart.dot_chart(points, chart_id="c", title='Growth "&" <targets>', y_words=lambda v: f"{v:g} %")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&lt;targets&gt;" in svg
    assert svg.count("<circle") == 1 and svg.count("<path") == 1  # an observed value and a target
    assert 'stroke="#000"' in svg  # the page's own record is ringed
    labels = re.findall(r'text-anchor="end"[^>]*>([^<]*)<', svg)
    assert labels == ["0 %", "2 %", "4 %", "6 %"]
    assert svg_chart.ticks(0, 3.87e12) == [0.0, 1e12, 2e12, 3e12, 4e12]
    assert svg_chart.ticks(1, 3, whole=True) == [1.0, 2.0, 3.0]
    assert svg_chart.ticks(-8.5, 12.5)[0] <= -8.5 and svg_chart.ticks(-8.5, 12.5)[-1] >= 12.5
