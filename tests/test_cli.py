"""gdfacts, the query CLI, on the real database."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, sha256
from gdfacts.build import build
from gdfacts.cli import cli


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "guangdong_facts.db"
    build(REPO, path)
    return path


def run(db_path, *args):
    result = CliRunner().invoke(cli, ["--db", str(db_path), *args])
    return result


def test_facts_for_a_region_as_json(db_path):
    result = run(db_path, "facts", "--region", "shenzhen", "--json")

    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {r["region"] for r in rows} == {"shenzhen"}
    gdp = [r for r in rows if r["indicator"] == "gdp" and r["period"] == "2023" and r["unit"] == "CNY"]
    assert gdp == [dict(gdp[0], value=3.46e12, as_stated="3.46 trillion yuan", source="seeds/000_6d130562a54d3b3f.txt", line=1)]


@pytest.mark.parametrize("fmt", ["--csv", "--tsv", "--nl"])
def test_machine_formats_round_trip_to_the_same_values_as_json(db_path, fmt):
    as_json = json.loads(run(db_path, "facts", "--period", "2022", "--json").output)
    text = run(db_path, "facts", "--period", "2022", fmt).output

    if fmt == "--nl":
        parsed = [json.loads(line) for line in text.splitlines()]
    else:
        parsed = list(csv.DictReader(io.StringIO(text), delimiter="," if fmt == "--csv" else "\t"))

    assert len(parsed) == len(as_json) > 20
    for a, b in zip(as_json, parsed):
        assert str(b["id"]) == a["id"]
        assert float(b["value"]) == a["value"]


def test_the_table_shows_values_in_human_form(db_path):
    result = run(db_path, "facts", "--region", "shenzhen", "--indicator", "gdp", "--period", "2023", "--table")

    assert "3.46 trillion CNY" in result.output
    assert "482 billion USD" in result.output
    assert "000:1" in result.output


def test_markdown_is_a_table(db_path):
    lines = run(db_path, "regions", "--markdown").output.splitlines()

    assert lines[0].startswith("| id | name |")
    assert any(line.startswith("| shenzhen | Shenzhen | 深圳市 | city | guangdong | 440300 |") for line in lines)


def test_period_ranges_and_search(db_path):
    years = {r["period"] for r in json.loads(run(db_path, "facts", "--period", "2021-2022", "--json").output)}
    found = json.loads(run(db_path, "facts", "--search", "quadrillion", "--json").output)

    assert years == {"2021", "2022"}
    assert [r["indicator"] for r in found] == ["strategic_emerging_industries_value_added"]


def test_unknown_region_suggests_the_nearest(db_path):
    result = run(db_path, "facts", "--region", "shenzen")

    assert result.exit_code == 1
    assert "gdfacts: no region 'shenzen'; did you mean 'shenzhen'?" in result.output
    assert "Traceback" not in result.output


def test_show_prints_the_correction_and_the_marked_line(db_path):
    result = run(db_path, "show", "shenzhen-exports-2022-actual")

    assert result.exit_code == 0, result.output
    assert 'stated: "219.480 billion yuan" = 219.48 billion CNY' in result.output
    assert "corrected to 2.1948 trillion CNY: As stated, exports" in result.output
    assert "[[exports of **219.480 billion yuan**]]" in result.output
    assert "Why Shenzhen can leap to the first industrial city?" in result.output


def test_targets_beside_outcomes(db_path):
    rows = json.loads(run(db_path, "targets", "--region", "guangdong", "--json").output)

    missed = [r for r in rows if r["status"] == "missed"]
    assert [(r["indicator"], r["period"], r["target_value"], r["outcome_value"], r["outcome_stated"]) for r in missed] == [
        ("gdp_growth", "2022", 5.5, None, "missed"), ("gdp_growth", "2024", 5.0, 3.5, "missed")]


def test_query_with_named_parameters(db_path):
    result = run(db_path, "query", "select value from facts where id = :id", "-p", "id", "shenzhen-gdp-2023-actual", "--json")

    assert json.loads(result.output) == [{"value": 3.46e12}]


@pytest.mark.parametrize(
    "sql",
    ["insert into regions values ('x','X','X','city',null,null)", "update facts set value = 0", "delete from facts",
     "attach database ':memory:' as other", "pragma writable_schema = 1", "with t as (select 1) delete from facts",
     "drop table facts", "vacuum"],
)
def test_writes_are_refused_and_the_file_is_unchanged(db_path, sql):
    before = sha256(db_path)

    result = run(db_path, "query", sql)

    assert result.exit_code == 1
    assert result.output.startswith("gdfacts: refused: the database is read-only")
    assert sha256(db_path) == before


def test_a_runaway_query_is_stopped_by_the_time_limit(db_path):
    sql = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"

    result = run(db_path, "query", sql, "--time-limit", "200")

    assert result.exit_code == 1
    assert "ran past its time limit" in result.output


def test_sql_errors_show_sqlites_message(db_path):
    result = run(db_path, "query", "selec 1")

    assert result.exit_code == 1
    assert 'gdfacts: SQL error: near "selec": syntax error' in result.output


def test_a_corrupt_database_says_what_to_run(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 100)

    result = run(bad, "facts")

    assert result.exit_code == 1
    assert "is not a guangdong-facts database" in result.output
    assert "python build_db.py -o" in result.output


def test_a_missing_database_is_built_on_first_use(tmp_path):
    path = tmp_path / "new.db"

    result = run(path, "query", "select count(*) as n from facts", "--json")

    assert result.exit_code == 0, result.output
    assert "does not exist; building it" in result.output
    assert path.exists()


def test_the_console_script_pipes_csv(db_path):
    script = Path(sys.executable).parent / "gdfacts"
    if not script.exists():
        pytest.skip("gdfacts is not installed in this environment")

    result = subprocess.run([str(script), "--db", str(db_path), "sources", "--csv"], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["seed"] for r in rows] == [f"seeds/{p.name}" for p in sorted((REPO / "seeds").glob("*.txt"))]
    assert all(int(r["citations"]) > 0 for r in rows)


def test_query_commands_do_not_import_datasette_or_the_build():
    code = "import sys; from gdfacts import cli; print(sorted(m for m in sys.modules if m.startswith(('datasette', 'gdfacts.build', 'gdfacts.dataset', 'yaml'))))"

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO).stdout

    assert out.strip() == "[]"
