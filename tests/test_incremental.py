"""Rebuilds check again only what changed (a cache keyed by content), and the
result is byte for byte that of a clean build, whatever kind of input changed."""

from __future__ import annotations

import os

import pytest

from conftest import FACTS_FILE, sha256
from gdfacts import dataset
from gdfacts.build import main


def clean_build(mini, capsys, monkeypatch) -> str:
    """The same inputs built with no cache, into another file: its SHA-256."""
    with monkeypatch.context() as m:
        m.setenv("GDFACTS_CACHE", "off")
        code = main(["--root", str(mini.root), "-o", str(mini.root / "clean" / "guangdong_facts.db")])
    assert code == 0, capsys.readouterr().err
    return sha256(mini.root / "clean" / "guangdong_facts.db")


def counting_checks(monkeypatch) -> list[str]:
    checked: list[str] = []
    real = dataset._check_file

    def counted(job):
        checked.append(job[0])
        return real(job)

    monkeypatch.setattr(dataset, "_check_file", counted)
    return checked


CHANGES = {
    "a fact file": lambda m: m.edit(FACTS_FILE, "  - region: shenzhen\n    indicator: gdp\n",
                                     "  - region: shenzhen\n    indicator: gdp\n    note: an edit\n"),
    "a seed": lambda m: (m.edit("seeds/000_mini.txt", "reports on", "reports briefly on"), m.reseal()),
    "a reference list": lambda m: m.edit("data/regions.yml", "name: Shenzhen", "name: Shenzhen City"),
    "the schema": lambda m: m.write("schema.sql", m.read("schema.sql").replace(
        "PRAGMA foreign_keys = ON;", "PRAGMA foreign_keys = ON;\n-- an edit\n", 1)),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_after_a_change_the_rebuild_equals_a_clean_build(change, built_mini, capsys, monkeypatch):
    before = sha256(built_mini.db)
    CHANGES[change](built_mini)
    checked = counting_checks(monkeypatch)

    code, _, err = built_mini.build(capsys)

    assert code == 0, err
    assert checked == [FACTS_FILE]  # each of these changes is one the fact file's check depends on
    assert sha256(built_mini.db) != before
    assert sha256(built_mini.db) == clean_build(built_mini, capsys, monkeypatch)


def test_an_unchanged_fact_file_is_not_checked_again(built_mini, capsys, monkeypatch):
    (built_mini.root / "data/facts/001_other.yml").write_text("source: nowhere\n", encoding="utf-8")
    checked = counting_checks(monkeypatch)

    code, _, err = built_mini.build(capsys)

    assert code == 1
    assert checked == ["data/facts/001_other.yml"]
    assert "data/facts/001_other.yml:1: no source 'nowhere'" in err


def test_a_damaged_cache_entry_is_checked_again(built_mini, capsys, monkeypatch, check_cache):
    for entry in check_cache.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    checked = counting_checks(monkeypatch)

    code, _, err = built_mini.build(capsys)

    assert code == 0, err
    assert checked == [FACTS_FILE]
    assert sha256(built_mini.db) == clean_build(built_mini, capsys, monkeypatch)


def test_the_cache_can_be_turned_off(built_mini, capsys, monkeypatch):
    monkeypatch.setenv("GDFACTS_CACHE", "off")
    checked = counting_checks(monkeypatch)

    assert built_mini.build(capsys)[0] == 0
    assert built_mini.build(capsys)[0] == 0
    assert checked == [FACTS_FILE, FACTS_FILE]
    assert os.environ["GDFACTS_CACHE"] == "off"
