"""What gdfacts writes: tables aligned for the eye whatever the script, every
column named, no control character from the data reaching a terminal, and
JSON that is JSON whatever SQLite returns (BLOBs, infinities)."""

from __future__ import annotations

import base64
import json
import sqlite3
import unicodedata

import pytest
from click.testing import CliRunner

from gdfacts import cli as cli_module
from gdfacts.cli import cli
from test_cli_opening import writable_copy

# What must never reach a terminal raw: ESC (the start of every terminal
# escape), BEL, backspace, carriage return, C1's CSI and OSC, DEL, and the
# bidi overrides and isolates that reorder what is shown.
HOSTILE = "\x1b]0;owned\x07\x08\r\x9b31m\x9d\x7f\u202e\u2066\u2069"
CONTROLS = {c for c in HOSTILE if not c.isprintable()}
HOSTILE_SQL = "char(27, 93, 48, 59, 111, 119, 110, 101, 100, 7, 8, 13, 155, 51, 49, 109, 157, 127, 8238, 8294, 8297)"


def run(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args])


def width(text: str) -> int:
    """Columns a terminal gives `text`: two for wide and full-width characters."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_every_column_of_the_facts_table_is_named(real_db):
    lines = run(real_db, "facts", "--region", "shenzhen", "--table").output.splitlines()

    header, rule = lines[0], lines[1]
    assert len(header.split()) == len(rule.split())
    assert "corrected" in header.split()


def test_table_columns_line_up_with_chinese_text(real_db):
    lines = run(real_db, "regions", "--table").output.splitlines()

    header = lines[0]
    level_at = header.index("level")
    rows = [line for line in lines[2:] if any(unicodedata.east_asian_width(c) == "W" for c in line)]
    assert rows
    for line in rows:
        level = next(w for w in ("country", "province", "city", "zone") if f"  {w} " in line)
        assert width(line[:line.index(f"  {level} ") + 2]) == level_at, line


@pytest.mark.parametrize("fmt", ["--table", "--markdown"])
def test_control_characters_from_the_data_are_escaped_in_tables(real_db, fmt):
    result = run(real_db, "query", f"select 'a' || {HOSTILE_SQL} || char(10) || 'b' as x", fmt)

    assert result.exit_code == 0, result.output
    assert not set(result.output) & CONTROLS
    assert r"a\x1b]0;owned\x07\x08\r\x9b31m\x9d\x7f\u202e\u2066\u2069\nb" in result.output


@pytest.mark.parametrize("fmt", ["--csv", "--tsv"])
def test_csv_keeps_the_data_as_it_is_when_piped_and_escapes_it_on_a_terminal(real_db, fmt, monkeypatch):
    sql = f"select 'a' || {HOSTILE_SQL} as x"
    piped = run(real_db, "query", sql, fmt).output
    monkeypatch.setattr(cli_module, "_to_terminal", lambda: True)
    shown = run(real_db, "query", sql, fmt).output

    assert HOSTILE in piped
    assert not set(shown) & CONTROLS
    assert r"a\x1b]0;owned" in shown


@pytest.mark.parametrize("fmt", ["--json", "--nl"])
def test_json_escapes_every_control_and_bidi_character_and_reads_back_the_same(real_db, fmt):
    result = run(real_db, "query", f"select {HOSTILE_SQL} as x", fmt)

    assert not set(result.output) & CONTROLS
    assert json.loads(result.output.splitlines()[0] if fmt == "--nl" else result.output) in ([{"x": HOSTILE}], {"x": HOSTILE})


def test_show_escapes_control_characters_in_the_data(real_db, tmp_path):
    record = sqlite3.connect(real_db).execute("select id from facts where note is null limit 1").fetchone()[0]
    hostile = writable_copy(real_db, tmp_path / "hostile.db", f"update facts set note = 'n' || {HOSTILE_SQL} where id = '{record}'",
                            f"update source_lines set text = text || {HOSTILE_SQL} where (source_id, line) in "
                            f"(select source_id, line from citations where fact_id = '{record}')")

    result = run(hostile, "show", record)

    assert result.exit_code == 0, result.output
    assert not set(result.output) & CONTROLS
    assert r"note: n\x1b]0;owned\x07" in result.output


def test_an_error_message_escapes_what_it_quotes(real_db):
    result = run(real_db, "facts", "--region", "x\x1b[2J")

    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert r"no region 'x\x1b[2J'" in result.output


def test_a_blob_is_base64_in_json_and_its_size_in_a_table(real_db):
    sql = "select block from citations_fts_data where length(block) > 0 limit 1"
    blob = sqlite3.connect(real_db).execute(sql).fetchone()[0]

    as_json = run(real_db, "query", sql, "--json")
    as_table = run(real_db, "query", sql, "--table")

    assert as_json.exit_code == 0, as_json.output
    cell = json.loads(as_json.output)[0]["block"]
    assert cell["$base64"] is True and base64.b64decode(cell["encoded"]) == blob
    assert f"<binary: {len(blob)} bytes>" in as_table.output


@pytest.mark.parametrize("fmt", ["--json", "--nl"])
def test_json_never_holds_infinity_or_nan(real_db, fmt):
    result = run(real_db, "query", "select 1e999 as up, -1e999 as down, 2.5 as finite", fmt)

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    text = result.output.splitlines()[0] if fmt == "--nl" else result.output
    rows = json.loads(text, parse_constant=refuse)
    assert (rows if fmt == "--nl" else rows[0]) == {"up": None, "down": None, "finite": 2.5}
