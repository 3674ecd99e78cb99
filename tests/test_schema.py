"""schema.sql: its CHECK constraints agree with its lookup tables, and the
database refuses what the vocabularies (and data/units.yml) do not hold."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import REPO
from gdfacts.lexicon import default


@pytest.fixture
def db():
    db = sqlite3.connect(":memory:")
    db.executescript((REPO / "schema.sql").read_text())
    db.executemany("insert into units (id, name, name_zh, description, stated_by) values (?,?,?,?,?)",
                   [(u.id, u.name, u.name_zh, u.description, u.stated_by) for u in default().units.values()])
    db.execute("insert into regions values ('shenzhen', 'Shenzhen', '深圳市', 'city', null, '440300')")
    db.execute("insert into indicators (id, name, description, unit, category, better) values ('gdp', 'GDP', 'd', 'CNY', 'output', 'higher')")
    return db


def _insert_fact(db, table="facts", kind="actual", unit="CNY", qualifier="exact", period="2023"):
    db.execute(
        f"insert into {table} (id, region_id, indicator_id, period, kind, value, unit, qualifier, corrected, data_file, data_line)"
        " values ('x', 'shenzhen', 'gdp', ?, ?, 1.0, ?, ?, 0, 'f.yml', 1)",
        (period, kind, unit, qualifier),
    )


def _ids(db, table, where=""):
    return [row[0] for row in db.execute(f"select id from {table} {where}")]


def test_every_unit_and_qualifier_in_the_lookup_tables_passes_the_checks(db):
    for unit in _ids(db, "units"):
        for qualifier in _ids(db, "qualifiers"):
            _insert_fact(db, unit=unit, qualifier=qualifier)
            db.execute("delete from facts")


def test_every_kind_passes_the_check_of_its_own_table_only(db):
    for kind, record in db.execute("select id, record from kinds").fetchall():
        own, other = ("facts", "targets") if record == "fact" else ("targets", "facts")
        _insert_fact(db, table=own, kind=kind)
        with pytest.raises(sqlite3.IntegrityError):
            _insert_fact(db, table=other, kind=kind)
        db.execute(f"delete from {own}")


@pytest.mark.parametrize("column, value", [("unit", "EUR"), ("qualifier", "roughly"), ("kind", "forecast"), ("period", "last year"),
                                           ("period", "2024 Q1")])
def test_the_database_refuses_values_outside_the_vocabularies(db, column, value):
    with pytest.raises(sqlite3.IntegrityError):
        _insert_fact(db, **{column: value})


def test_every_table_is_strict(db):
    tables = db.execute("select name, sql from sqlite_master where type = 'table' and sql not like 'CREATE VIRTUAL%' and name not like '%_fts%'").fetchall()

    assert tables
    assert [name for name, sql in tables if not sql.rstrip().endswith("STRICT")] == []


def test_a_citation_belongs_to_exactly_one_fact_or_target(db):
    db.execute("insert into sources (id, title, title_is_editorial, seed_path, sha256, line_count, data_file)"
               " values ('s', 't', 0, 'seeds/a.txt', ?, 1, 'f.yml')", ("0" * 64,))
    db.execute("insert into source_lines values ('s', 1, 'GDP 6 percent')")
    _insert_fact(db)

    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into citations (id, source_id, line, quote, as_stated, stated_value, stated_qualifier, corrected)"
                   " values (1, 's', 1, 'q', '6 percent', 6, 'exact', 0)")
