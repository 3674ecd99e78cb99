"""Full-text search finds Chinese words of any length, in Datasette's search box
and in `gdfacts facts --search`, and English search works as before."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import FACTS_FILE, served
from gdfacts.cli import cli
from gdfacts.search_text import MAX_GRAM, cli_query, index_text

DB = "guangdong_facts"
NOTE = "全市高新技术企业数量再创新高"  # 14 characters: longer than MAX_GRAM


def fts(*texts: str) -> sqlite3.Connection:
    """An FTS5 table as the build makes them (stock unicode61), holding the shaped texts."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5 (text)")
    db.executemany("INSERT INTO t (rowid, text) VALUES (?, ?)", ((i, index_text(t)) for i, t in enumerate(texts, 1)))
    return db


def found(db: sqlite3.Connection, match: str) -> list[int]:
    return [row[0] for row in db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", (match,))]


def datasette_box(term: str) -> str:
    """What Datasette 0.65 sends to MATCH for a search box holding `term` (its escape_fts)."""
    from datasette.utils import escape_fts

    return escape_fts(term)


# --- the shaping ------------------------------------------------------------------------


def test_text_without_cjk_is_indexed_as_it_is():
    text = "Shenzhen's GDP grew 6 percent in 2023 to 3.46 trillion yuan."
    assert index_text(text) == text
    assert index_text(None) is None


def test_a_run_of_chinese_is_followed_by_its_substrings():
    shaped = index_text("深圳市，经济").split("\n")
    assert shaped[0] == "深圳市，经济"
    assert shaped[1].split() == ["深", "圳", "市", "深圳", "圳市", "经", "济"]  # 深圳市 and 经济 are words already


def test_chinese_next_to_letters_and_digits_is_also_set_apart():
    db = fts("2023年深圳市GDP增长6.0%")
    for term in ("2023", "GDP", "深圳", "深圳市", "增长", "6.0%", "2023年深圳市GDP增长6"):
        assert found(db, datasette_box(term)) == [1], term


def test_substrings_stop_at_max_gram():
    run = "一二三四五六七八九十"
    shaped = set(index_text(run).split())
    assert run[:MAX_GRAM] in shaped and run[:MAX_GRAM + 1] not in shaped


@pytest.mark.parametrize("word", ["深圳", "深圳市", "增长", "高新技术企业", "企业数量再创新高", "深", "市"])
def test_the_search_box_finds_a_chinese_word_of_up_to_max_gram_characters(word):
    db = fts("深圳市经济保持增长，高新技术企业数量再创新高。", "广东省")
    assert found(db, datasette_box(word)) == [1]


def test_english_matches_as_before():
    texts = ["GDP grew 6 percent to 3.46 trillion yuan.", "trade exceeded 3.87 trillion yuan", "深圳 GDP 3.46"]
    plain = sqlite3.connect(":memory:")
    plain.execute("CREATE VIRTUAL TABLE t USING fts5 (text)")
    plain.executemany("INSERT INTO t (rowid, text) VALUES (?, ?)", enumerate(texts, 1))
    shaped = fts(*texts)
    for term in ("trillion", "3.46", "gdp", '"3.46 trillion"', "trillion yuan", "percent"):
        assert found(shaped, datasette_box(term)) == found(plain, datasette_box(term)), term
        assert found(shaped, cli_query(term)) == found(plain, datasette_box(term)), term


# --- the CLI's query ------------------------------------------------------------------


def test_cli_query_quotes_every_word_and_keeps_phrases():
    assert cli_query("3.46 trillion") == '"3.46" "trillion"'
    assert cli_query('"last year" gdp') == '"last year" "gdp"'
    assert cli_query("gdp AND") == '"gdp" "AND"'
    assert cli_query('"unclosed') == '"unclosed"'
    assert cli_query("   ") == '""'


def test_cli_query_splits_a_long_chinese_run_into_overlapping_max_grams():
    assert cli_query(NOTE) == " ".join(f'"{NOTE[i:i + MAX_GRAM]}"' for i in range(len(NOTE) - MAX_GRAM + 1))
    db = fts(NOTE, "高新技术企业数量减少")
    assert found(db, cli_query(NOTE[1:11])) == [1]
    assert found(db, datasette_box(NOTE[1:11])) == []  # the box needs a space: 高新技术企业 数量再创
    assert found(db, datasette_box(f"{NOTE[1:7]} {NOTE[7:11]}")) == [1]


@given(st.text(alphabet=st.sampled_from('深圳市 ab3."*():^-+NEAROT,\'\\\t'), max_size=30) | st.text(max_size=30))
def test_cli_query_is_never_an_fts5_syntax_error(query):
    db = fts("深圳市 ab 3.46")
    found(db, cli_query(query))


@given(st.text(alphabet="深圳市经济增长高新技术企业", min_size=1, max_size=30), st.data())
def test_every_substring_of_chinese_text_is_found_by_the_cli(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    db = fts(f"前言，{text}。")
    assert found(db, cli_query(text[start:end])) == [1]
    if end - start <= MAX_GRAM:
        assert found(db, datasette_box(text[start:end])) == [1]


# --- a built database, through Datasette and the CLI -------------------------------------


@pytest.fixture
def chinese_mini(mini, capsys):
    """The small dataset with Chinese in a source line, in a quote and in a note."""
    mini.edit("seeds/000_mini.txt", "work report.", "work report. 深圳市经济保持增长。")
    mini.edit("seeds/000_mini.txt", "3.46 trillion yuan.", "3.46 trillion yuan (深圳市生产总值).")
    text = mini.read("data/sources.yml")
    old = next(line.split()[-1] for line in text.splitlines() if line.strip().startswith("sha256:"))
    mini.edit("data/sources.yml", old, hashlib.sha256((mini.root / "seeds/000_mini.txt").read_bytes()).hexdigest())
    mini.edit(FACTS_FILE, "quote: to 3.46 trillion yuan", "quote: to 3.46 trillion yuan (深圳市生产总值)")
    mini.edit(FACTS_FILE, "    indicator: gdp_growth\n", f"    indicator: gdp_growth\n    note: {NOTE}\n")
    code, _, err = mini.build(capsys)
    assert code == 0, err
    return mini


def test_datasette_finds_chinese_words_in_quotes_notes_and_source_lines(chinese_mini):
    with served(chinese_mini.db) as site:
        def ids(table, term, key="id"):
            return [row[key] for row in site.json(f"/{DB}/{table}.json", _search=term, _shape="objects")["rows"]]

        for word in ("深圳", "深圳市", "生产总值"):
            assert ids("facts", word) == ["shenzhen-gdp-2023-actual"], word  # by its quote
            assert ids("citations", word, "fact_id") == ["shenzhen-gdp-2023-actual"], word
        assert ids("facts", "高新技术企业") == ["shenzhen-gdp_growth-2023-actual"]  # by its note
        assert ids("source_lines", "深圳", "line") == [1, 2]
        assert ids("source_lines", "增长", "line") == [1]
        assert ids("facts", "3.46") == ["shenzhen-gdp-2023-actual"]
        assert ids("facts", "trillion") == ["shenzhen-gdp-2023-actual", "shenzhen-trade-2023-actual"]
        assert ids("citations", "exceeded", "fact_id") == ["shenzhen-trade-2023-actual"]
        assert ids("facts", "广州") == []


def gdfacts(db, *args):
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result


@pytest.mark.parametrize("term, expected", [
    ("深圳", ["shenzhen-gdp-2023-actual"]),
    ("深圳市生产总值", ["shenzhen-gdp-2023-actual"]),
    ("高新技术企业", ["shenzhen-gdp_growth-2023-actual"]),
    (NOTE[1:11], ["shenzhen-gdp_growth-2023-actual"]),  # ten characters: longer than MAX_GRAM
    ("3.46 trillion", ["shenzhen-gdp-2023-actual"]),
    ('"3.46 trillion"', ["shenzhen-gdp-2023-actual"]),
    ("trillion", ["shenzhen-gdp-2023-actual", "shenzhen-trade-2023-actual"]),
    ("gdp AND", []),
    ('"unclosed', []),
    ("NEAR(gdp", []),
    ("quote:gdp", []),
    ("*", []),
])
def test_gdfacts_search_finds_chinese_and_never_fails_on_syntax(chinese_mini, term, expected):
    result = gdfacts(chinese_mini.db, "facts", "--search", term, "--json")

    assert result.exit_code == 0, result.output
    assert sorted(row["id"] for row in json.loads(result.output)) == expected
