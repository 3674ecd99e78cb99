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
    assert counts == {"facts": 1080, "targets": 120, "citations": 1260, "sources": 3}
    db = sqlite3.connect(tmp_path / "corpus" / "guangdong_facts.db")
    assert db.execute("select count(*) from citations where corrected = 1").fetchone()[0] > 0
    assert db.execute("select count(*) from facts where value < 0").fetchone()[0] > 0
    assert db.execute("select count(*) from facts where unit = 'count'").fetchone()[0] > 0
    assert bench_module("floor").floor(tmp_path / "corpus", tmp_path / "floor.db") == 1200
