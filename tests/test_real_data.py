"""The build on the real data: every article, every number, every citation."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from conftest import REPO
from gdfacts import coverage
from gdfacts.lexicon import default
from gdfacts.build import build
from gdfacts.quantities import read_stated

EVIDENCE_COLUMNS = [
    "record", "record_id", "region_id", "region", "indicator_id", "indicator", "period", "kind", "value", "value_high",
    "unit", "qualifier", "as_stated", "stated_value", "corrected", "note", "source_id", "source_path",
    "line", "quote",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("real") / "guangdong_facts.db"
    build(REPO, path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    yield db
    db.close()


def _one(db, sql, *params):
    rows = db.execute(sql, params).fetchall()
    assert len(rows) == 1, f"{len(rows)} rows for {sql} {params}"
    return rows[0]


def test_seeds_are_byte_identical_to_their_recorded_checksums():
    sums = dict(
        reversed(line.split("  ", 1)) for line in (REPO / "seeds/SHA256SUMS").read_text().splitlines() if line
    )
    files = sorted(p.name for p in (REPO / "seeds").glob("*.txt"))

    assert sorted(sums) == files
    for name in files:
        assert hashlib.sha256((REPO / "seeds" / name).read_bytes()).hexdigest() == sums[name]


def test_every_article_is_a_source_with_its_lines(db):
    sources = db.execute("select id, seed_path, line_count, sha256 from sources order by seed_path").fetchall()

    assert [s["seed_path"] for s in sources] == [f"seeds/{p.name}" for p in sorted((REPO / "seeds").glob("*.txt"))]
    for s in sources:
        assert db.execute("select count(*) from source_lines where source_id = ?", (s["id"],)).fetchone()[0] == s["line_count"]
        assert hashlib.sha256((REPO / s["seed_path"]).read_bytes()).hexdigest() == s["sha256"]


def test_counts(db):
    facts = db.execute("select count(*) from facts").fetchone()[0]
    targets = db.execute("select count(*) from targets").fetchone()[0]
    citations = db.execute("select count(*) from citations").fetchone()[0]
    evidence = db.execute("select count(*) from evidence").fetchone()[0]

    assert facts > 70 and targets > 10
    assert evidence == citations > facts + targets
    assert db.execute("select count(*) from facts where id not in (select fact_id from citations where fact_id is not null)").fetchone()[0] == 0
    assert db.execute("select count(*) from targets where id not in (select target_id from citations where target_id is not null)").fetchone()[0] == 0


def test_every_citation_quotes_its_line_and_its_words_give_the_stated_value(db):
    rows = db.execute(
        "select e.*, l.text from evidence e join source_lines l on l.source_id = e.source_id and l.line = e.line"
    ).fetchall()

    assert rows
    for row in rows:
        assert row["quote"] in row["text"], row["record_id"]
        assert row["as_stated"] in row["quote"], row["record_id"]
        assert float(read_stated(row["as_stated"]).value) == pytest.approx(row["stated_value"], rel=1e-12)
        if not row["corrected"] and row["qualifier"] == "exact" and row["stated_qualifier"] == "exact":
            assert row["value"] == pytest.approx(row["stated_value"], rel=1e-12), row["record_id"]


def test_no_number_in_any_article_is_left_unaccounted_for(db):
    # The build refuses an article with an unlisted numeral; check its result from the outside too.
    cited = {}
    for row in db.execute("select source_id, line, quote, as_stated from citations"):
        text = db.execute("select text from source_lines where source_id = ? and line = ?", (row[0], row[1])).fetchone()[0]
        cited.setdefault((row[0], row[1]), []).extend(coverage.stated_spans(row[2], row[3], text))
    uncited = [
        (source_id, line, n)
        for source_id, line, text in db.execute("select source_id, line, text from source_lines")
        for n in coverage.uncovered(text, cited.get((source_id, line), []), default())
    ]
    # What remains is exactly what the fact files list as unrecorded, with reasons.
    assert uncited, "expected some numbers (dates of sessions, licence numbers) to be listed as unrecorded"
    assert all(n not in ("3.46", "36737.52", "1,332,402") for _, _, n in uncited)


def test_evidence_has_the_public_columns(db):
    columns = [row[1] for row in db.execute("pragma table_info(evidence)")]

    assert columns[: len(EVIDENCE_COLUMNS)] == EVIDENCE_COLUMNS


def test_shenzhen_gdp_2023(db):
    row = _one(db, "select * from evidence where region_id = 'shenzhen' and indicator_id = 'gdp' and period = '2023' and unit = 'CNY'")

    assert row["record"] == "fact"
    assert row["kind"] == "actual"
    assert row["value"] == 3.46e12
    assert row["as_stated"] == "3.46 trillion yuan"
    assert row["source_path"] == "seeds/000_6d130562a54d3b3f.txt"
    assert row["line"] == 1
    assert row["corrected"] == 0


def test_shenzhen_gdp_2023_in_dollars_is_its_own_record(db):
    row = _one(db, "select * from evidence where region_id = 'shenzhen' and indicator_id = 'gdp' and period = '2023' and unit = 'USD'")

    assert row["value"] == 4.82e11
    assert row["as_stated"] == "$482 billion"


def test_a_fall_is_negative(db):
    row = _one(db, "select * from evidence where region_id = 'shenzhen' and indicator_id = 'imports_growth' and period = '2022'")

    assert row["value"] == -8.5
    assert row["as_stated"] == "down 8.5%"


@pytest.mark.parametrize(
    "indicator, as_stated, stated_value, value",
    [
        ("strategic_emerging_industries_value_added", "1,332,402 billion yuan", 1.332402e15, 1.332402e12),
        ("trade", "36737.52 billion yuan", 3.673752e13, 3.673752e12),
        ("exports", "219.480 billion yuan", 2.1948e11, 2.1948e12),
        ("imports", "147.972 billion yuan", 1.47972e11, 1.47972e12),
    ],
)
def test_source_errors_are_kept_as_stated_and_corrected_with_a_reason(db, indicator, as_stated, stated_value, value):
    row = _one(db, "select * from evidence where region_id = 'shenzhen' and indicator_id = ? and period = '2022' and corrected = 1", indicator)

    assert row["as_stated"] == as_stated
    assert row["stated_value"] == pytest.approx(stated_value)
    assert row["value"] == pytest.approx(value)
    assert row["note"].startswith("Correction: ")
    assert _one(db, "select corrected from facts where id = ?", row["record_id"])["corrected"] == 1


def test_a_fact_stated_twice_is_one_record_with_several_citations(db):
    rows = db.execute(
        "select * from evidence where indicator_id = 'strategic_emerging_industries_value_added' order by line"
    ).fetchall()

    assert len({r["record_id"] for r in rows}) == 1
    assert [r["line"] for r in rows] == [9, 16, 16]
    assert sorted(r["as_stated"] for r in rows) == ["1,332,402 billion yuan", "1.3 trillion yuan", "1.3 trillion yuan"]


def test_guangdong_missed_its_2024_growth_target(db):
    row = _one(db, "select * from target_outcomes where region_id = 'guangdong' and indicator_id = 'gdp_growth' and period = '2024'")

    assert row["target_value"] == 5
    assert row["outcome_value"] == 3.5
    assert row["status"] == "missed"


def test_targets_without_an_outcome_are_due_or_ended_by_the_day(db):
    row = _one(db, "select * from target_outcomes where region_id = 'shenzhen' and indicator_id = 'gdp_growth' and period = '2025'")

    assert row["target_value"] == 5.5
    assert row["outcome_id"] is None
    today = _one(db, "select date('now') as today")["today"]
    assert row["status"] == ("ended_without_outcome" if row["period_end"] < today else "not_yet_due")


def test_hedged_statements_keep_their_qualifier(db):
    trade = _one(db, "select * from evidence where region_id = 'guangdong' and indicator_id = 'trade' and period = '2024'")
    target = _one(db, "select * from evidence where region_id = 'guangdong' and indicator_id = 'gdp_growth' and period = '2022'")

    assert (trade["value"], trade["qualifier"]) == (9e12, "more_than")
    assert (target["value"], target["qualifier"], target["kind"]) == (5.5, "approximately", "target")


def test_full_text_search_covers_quotes_notes_and_source_lines(db):
    assert db.execute("select count(*) from citations_fts where citations_fts match 'trillion'").fetchone()[0] > 5
    assert db.execute("select count(*) from citations_fts where citations_fts match 'correction_reason:mistranslated OR correction_reason:scale OR correction_reason:tenth'").fetchone()[0] >= 1
    assert db.execute("select count(*) from source_lines_fts where source_lines_fts match 'seabird'").fetchone()[0] == 2
    assert db.execute("select count(*) from facts_fts where facts_fts match 'period_basis:\"last year\"'").fetchone()[0] > 3
