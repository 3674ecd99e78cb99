"""How the build reports problems (each kind of bad input is in tests/bad_inputs,
run by test_bad_inputs.py): all at once, without a traceback, writing nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from conftest import FACTS_FILE, REPO, sha256

F = FACTS_FILE


def test_build_reports_every_problem_at_once(built_mini, capsys):
    built_mini.edit(F, "region: shenzhen", "region: nowhere")
    built_mini.edit(F, "value: 3.46e12", "value: 3.5e12")
    built_mini.edit("data/regions.yml", "level: city", "level: town")

    code, _, err = built_mini.build(capsys)

    assert code == 1
    assert f"{F}:3: no region 'nowhere'" in err
    assert f"{F}:20: the words \"3.46 trillion yuan\" give 3460000000000 CNY" in err
    assert "data/regions.yml:10: level 'town' is not one of" in err
    assert "Build failed: 3 problem(s)" in err


def test_check_writes_nothing(mini, capsys):
    code, out, _ = mini.build(capsys, "--check")

    assert code == 0
    assert "Nothing was written" in out
    assert not mini.db.exists()


def test_failed_first_build_creates_no_database(mini, capsys):
    mini.edit(F, "value: 6\n", "value: 7\n")

    code, _, _ = mini.build(capsys)

    assert code == 1
    assert not mini.db.exists()
    assert list(mini.root.glob(".guangdong_facts.db.*")) == []


def test_an_acknowledged_conflict_is_built_with_both_values(mini, capsys):
    second = (
        "  - id: shenzhen-gdp_growth-2023-other-reading\n"
        "    conflicts_with: shenzhen-gdp_growth-2023-actual\n"
        "    note: test fixture, a second reading of the same line\n"
        "    region: shenzhen\n    indicator: gdp_growth\n    period: '2023'\n    kind: actual\n    value: 6.1\n"
        "    citations:\n      - line: 2\n        quote: GDP grew 6 percent in 2023\n        stated: 6 percent\n"
        "        correction:\n          reason: test fixture\n"
    )
    mini.write(F, mini.read(F) + second)

    code, _, err = mini.build(capsys)

    assert code == 0, err
    values = sqlite3.connect(mini.db).execute("select value from facts where indicator_id = 'gdp_growth' order by value").fetchall()
    assert values == [(6.0,), (6.1,)]


def test_build_db_py_reports_problems_without_a_traceback(built_mini):
    built_mini.edit(F, "region: shenzhen", "region: shenzen")
    before = sha256(built_mini.db)

    result = subprocess.run(
        [sys.executable, str(REPO / "build_db.py"), "--root", str(built_mini.root)],
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == f"{F}:3: no region 'shenzen' in data/regions.yml; did you mean 'shenzhen'?"
    assert "Traceback" not in result.stderr
    assert sha256(built_mini.db) == before
