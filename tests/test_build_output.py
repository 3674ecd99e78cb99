"""What a successful build writes: atomically, read-only, reproducibly."""

from __future__ import annotations

import sqlite3
import stat

import pytest

import gdfacts.build
import gdfacts.rows
from conftest import FACTS_FILE, sha256


def test_building_twice_gives_byte_identical_files(mini, capsys, tmp_path):
    first, second = tmp_path / "first.db", tmp_path / "second.db"

    assert mini.build(capsys, "-o", str(first))[0] == 0
    assert mini.build(capsys, "-o", str(second))[0] == 0

    assert first.read_bytes() == second.read_bytes()


def test_the_database_records_a_hash_of_its_inputs(built_mini, capsys):
    def inputs_hash():
        db = sqlite3.connect(built_mini.db)
        return db.execute("select value from build_info where key = 'inputs_sha256'").fetchone()[0]

    before = inputs_hash()
    built_mini.edit(FACTS_FILE, "quote: to 3.46 trillion yuan", "quote: 3.46 trillion yuan")
    assert built_mini.build(capsys)[0] == 0

    assert len(before) == 64
    assert inputs_hash() != before
    db = sqlite3.connect(built_mini.db)
    assert db.execute("select sha256 from build_inputs where path = ?", (FACTS_FILE,)).fetchone()[0] == sha256(built_mini.root / FACTS_FILE)


@pytest.mark.parametrize("writer", ["write_whole", "patch"])
def test_a_build_that_fails_while_writing_leaves_the_previous_database(writer, built_mini, capsys, monkeypatch):
    """Written whole (no record of the previous build: the cache is off) or patched (a fact file edited)."""
    built_mini.edit(FACTS_FILE, "quote: to 3.46 trillion yuan", "quote: 3.46 trillion yuan")
    before = sha256(built_mini.db)
    called = []

    def fail_half_way(db, *args):
        called.append(writer)
        db.execute("insert into regions values ('x', 'X', 'X', 'city', null, null)")
        raise OSError("disk full")

    monkeypatch.setattr(gdfacts.rows, writer, fail_half_way)
    if writer == "write_whole":
        monkeypatch.setenv("GDFACTS_CACHE", "off")
    code, _, err = built_mini.build(capsys)

    assert called == [writer]
    assert code == 1
    assert err.splitlines() == [f"Build failed: cannot write {built_mini.db}: disk full; it was left as it was."]
    assert sha256(built_mini.db) == before
    assert list(built_mini.root.glob(".guangdong_facts*.tmp*")) == []


def test_the_published_database_is_read_only(built_mini):
    mode = built_mini.db.stat().st_mode

    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    db = sqlite3.connect(f"file:{built_mini.db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError):
        db.execute("delete from facts")


def test_the_database_passes_sqlites_own_checks(built_mini):
    db = sqlite3.connect(built_mini.db)

    assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert db.execute("pragma foreign_key_check").fetchall() == []


def test_full_text_search_finds_quotes_and_source_lines(built_mini):
    db = sqlite3.connect(built_mini.db)

    quotes = db.execute("select quote from citations_fts where citations_fts match 'exceeded'").fetchall()
    lines = db.execute("select text from source_lines_fts where source_lines_fts match 'exports'").fetchall()

    assert quotes == [("trade exceeded 3.87 trillion yuan",)]
    assert lines == [("Exports of the city fell last year, down 8.5%, and trade exceeded 3.87 trillion yuan.",)]
