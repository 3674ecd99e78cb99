"""The benchmark's synthetic corpus is valid input: the build accepts it whole,
with every kind of record it is meant to exercise, and the floor reads it too."""

from __future__ import annotations

import importlib.util
import sqlite3

from conftest import REPO
from gdfacts.build import build


def bench_module(name):
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_corpus_builds_and_exercises_every_check(tmp_path):
    bench_module("synth").generate(1200, tmp_path / "corpus")

    counts = build(tmp_path / "corpus", tmp_path / "corpus" / "guangdong_facts.db")

    # one record in 10 a target; one in 20 cited twice
    assert counts == {"facts": 1080, "targets": 120, "citations": 1260, "sources": 3, "written": "whole", "changed": []}
    db = sqlite3.connect(tmp_path / "corpus" / "guangdong_facts.db")
    assert db.execute("select count(*) from citations where corrected = 1").fetchone()[0] > 0
    assert db.execute("select count(*) from facts where value < 0").fetchone()[0] > 0
    assert db.execute("select count(*) from facts where unit = 'count'").fetchone()[0] > 0
    assert bench_module("floor").floor(tmp_path / "corpus", tmp_path / "floor.db") == 1200


def test_no_two_synthetic_records_share_a_key_up_to_two_million():
    synth = bench_module("synth")
    n = 2_000_000
    periods = {period: k for k, period in enumerate([*map(str, synth.YEARS), synth.TARGET_YEAR])}
    seen = bytearray(synth.regions_for(n) * synth.INDICATORS * len(periods) * 2)  # one slot per possible key
    repeats = []
    for i in range(n):
        region, indicator, period, kind = synth.record_key(i)
        assert 0 <= indicator < synth.INDICATORS and (kind == "target") == (period == synth.TARGET_YEAR)
        slot = ((region * synth.INDICATORS + indicator) * len(periods) + periods[period]) * 2 + (kind == "target")
        if seen[slot]:
            repeats.append(i)
        seen[slot] = 1
    assert repeats == []


def test_a_synthetic_corpus_of_several_blocks_builds(tmp_path, monkeypatch):
    """Past each block of records the generator adds regions; shrunk to two
    regions a block, the same code shows that a corpus of three blocks builds."""
    synth = bench_module("synth")
    monkeypatch.setattr(synth, "REGIONS", 2)
    monkeypatch.setattr(synth, "BLOCK", 2 * synth.INDICATORS * len(synth.YEARS))
    synth.generate(2 * synth.BLOCK + 500, tmp_path / "corpus")

    counts = build(tmp_path / "corpus", tmp_path / "corpus" / "guangdong_facts.db")

    assert counts["facts"] + counts["targets"] == 2 * synth.BLOCK + 500
    db = sqlite3.connect(tmp_path / "corpus" / "guangdong_facts.db")
    assert db.execute("select count(distinct region_id) from facts").fetchone()[0] == 6


def test_every_reader_the_yaml_benchmark_compares_reads_the_synthetic_corpus(tmp_path):
    bench_module("synth").generate(600, tmp_path)
    readers = bench_module("yaml_readers").READERS
    files = sorted(tmp_path.glob("data/**/*.yml"))
    for name, (reader, module, _) in readers.items():
        if importlib.util.find_spec(module) is None:
            continue  # measured where installed
        for path in files:
            reader(path.read_bytes())
    now = readers["strict_yaml now: line reader, libyaml where it gives up"][0]
    before = readers["strict_yaml before: libyaml events assembled in Python"][0]
    assert all(now(path.read_bytes()) == before(path.read_bytes()) for path in files)


def test_the_page_benchmark_asks_for_every_kind_of_page_and_each_answers(real_db):
    pages = bench_module("pages")
    kinds = pages.pages(real_db)
    for must in ("home", "database", "table evidence", "table facts", "card facts", "card targets", "search citations",
                 "canned targets_vs_outcomes", "canned evidence_in_context", "dashboard growth", "record redirect",
                 "view target_outcomes", "table evidence, its second page", "table facts, a facet value chosen"):
        assert must in kinds, must
    results = pages.measure(real_db, runs=1, only="canned")
    assert {r["page"] for r in results} == {k for k in kinds if "canned" in k}
    assert all(r["status"] == 200 and r["median_ms"] > 0 for r in results), results
    report = pages.report(results)
    assert all(f"| {r['page']} | {r['median_ms']:.0f} |" in report for r in results)


def test_sqlite_utils_inserts_the_rows_the_build_writes(real_db, tmp_path):
    insert = bench_module("sqlite_utils_insert")
    files = insert.write_ndjson(real_db, tmp_path / "ndjson")
    wall, cpu, peak = insert.insert(files, tmp_path / "inserted.db")
    assert insert.rows_in(tmp_path / "inserted.db") == insert.rows_in(real_db)
    assert wall > 0 and cpu > 0 and peak > 0
