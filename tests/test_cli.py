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
from gdfacts.cli import cli


@pytest.fixture
def db_path(real_db):
    return real_db


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


# --- what a new user types -----------------------------------------------------------


@pytest.mark.parametrize("text", ["3.46 trillion", "gdp AND", '"unclosed', "NEAR(", "col:umn", "*", "深圳 OR"])
def test_search_takes_any_text_as_words(db_path, text):
    result = run(db_path, "facts", "--search", text, "--json")

    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.output), list)


def test_search_finds_a_number_as_written(db_path):
    found = json.loads(run(db_path, "facts", "--search", "3.46 trillion", "--json").output)

    assert "shenzhen-gdp-2023-actual" in [r["id"] for r in found]


def facts_of(db_path, *args):
    result = run(db_path, "facts", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("name", ["Shenzhen", "SHENZHEN", "深圳市", "深圳", " shenzhen "])
def test_a_region_is_found_by_its_name_in_any_case_or_in_chinese(db_path, name):
    assert facts_of(db_path, "--region", name) == facts_of(db_path, "--region", "shenzhen") != []


@pytest.mark.parametrize("name", ["GDP", "gross domestic product", "Gross Domestic Product"])
def test_an_indicator_is_found_by_its_id_or_name_in_any_case(db_path, name):
    assert facts_of(db_path, "--indicator", name) == facts_of(db_path, "--indicator", "gdp") != []


def test_an_indicator_is_found_by_its_chinese_name(db_path):
    import sqlite3

    named = sqlite3.connect(db_path).execute("select id, name_zh from indicators where name_zh is not null").fetchall()
    assert named
    for indicator, name_zh in named:
        assert facts_of(db_path, "--indicator", name_zh) == facts_of(db_path, "--indicator", indicator)


@pytest.mark.parametrize("option, typed, suggested", [
    ("--indicator", "GDPP", "gdp"), ("--indicator", "exports growht", "Export growth"),
    ("--region", "Shenzen", "shenzhen"), ("--region", "深圳县", "深圳市"), ("--region", "广栋省", "广东省")])
def test_an_unknown_name_gets_the_nearest_suggestion(db_path, option, typed, suggested):
    result = run(db_path, "facts", option, typed)

    assert result.exit_code == 1
    what = option.lstrip("-")
    assert result.output.startswith(f"gdfacts: no {what} '{typed}'; did you mean '{suggested}'")


def test_a_name_two_regions_share_asks_for_the_id(db_path, tmp_path):
    from test_cli_opening import writable_copy

    twins = writable_copy(db_path, tmp_path / "twins.db",
                          "insert into regions values ('twin_a', 'Twin', '双城', 'city', 'guangdong', null)",
                          "insert into regions values ('twin_b', 'Twin', '双城', 'city', 'guangdong', null)")

    result = run(twins, "facts", "--region", "twin")

    assert result.exit_code == 1
    assert result.output == "gdfacts: 'twin' names 2 regions: twin_a, twin_b; give its id\n"


def test_a_reversed_period_range_is_refused(db_path):
    result = run(db_path, "facts", "--period", "2023-2022")

    assert result.exit_code == 1
    assert result.output == "gdfacts: the period range '2023-2022' ends before it starts; did you mean 2022-2023?\n"


def test_full_width_digits_in_a_period_are_read_as_digits(db_path):
    assert facts_of(db_path, "--period", "２０２３") == facts_of(db_path, "--period", "2023") != []


@pytest.mark.parametrize("text", ["20234", "2023-13", "2023-02-30", "yesterday", "2023-Q5", "2023..", "2022-2023-2024"])
def test_a_period_that_is_not_one_is_refused_with_the_forms_it_can_take(db_path, text):
    result = run(db_path, "facts", "--period", text)

    assert result.exit_code == 1
    assert result.output.startswith(f"gdfacts: period '{text}' ")
    assert "'2024-Q1'" in result.output and "2022..2024" in result.output


# Records moved into parts of 2024, and the query periods that must find each.
PARTS = ["2024-01", "2024-03", "2024-03-05", "2024-Q1", "2024-H1", "2024-01/2024-09", "2024-Q3", "2024-Q4"]
WITHIN = {
    "2024-Q1": {"2024-01", "2024-03", "2024-03-05", "2024-Q1"},
    "2024-03": {"2024-03", "2024-03-05"},
    "2024-03-05": {"2024-03-05"},
    "2024-H1": {"2024-01", "2024-03", "2024-03-05", "2024-Q1", "2024-H1"},
    "2024-01/2024-09": {"2024-01", "2024-03", "2024-03-05", "2024-Q1", "2024-H1", "2024-01/2024-09", "2024-Q3"},
    "2024-Q2..2024-Q3": {"2024-Q3"},
    "2024-Q3/2024-Q4": {"2024-Q3", "2024-Q4"},
    "2024": set(PARTS) | {"2024"},
    "2023..2024-Q1": {"2023", "2024-01", "2024-03", "2024-03-05", "2024-Q1"},
}


@pytest.fixture(scope="module")
def parts_db(real_db, tmp_path_factory):
    from test_cli_opening import writable_copy

    moves = [f"update facts set period = '{p}' where rowid = (select rowid from facts where period = '2024' "
             f"order by rowid limit 1)" for p in PARTS]
    return writable_copy(real_db, tmp_path_factory.mktemp("parts") / "parts.db", *moves)


@pytest.mark.parametrize("period", WITHIN)
def test_every_period_form_selects_the_records_within_it(parts_db, period):
    found = {r["period"] for r in facts_of(parts_db, "--period", period)}

    assert found == WITHIN[period]


def targets_of(db_path, *args):
    result = run(db_path, "targets", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_targets_filter_by_indicator_status_period_and_kind(db_path):
    every = targets_of(db_path)
    statuses = {r["status"] for r in every}
    assert every and statuses

    assert targets_of(db_path, "--indicator", "GDP growth") == [r for r in every if r["indicator"] == "gdp_growth"] != []
    for status in statuses:
        assert targets_of(db_path, "--status", status) == [r for r in every if r["status"] == status]
    assert targets_of(db_path, "--period", "2024") == [r for r in every if r["period"].startswith("2024")] != []
    assert targets_of(db_path, "--kind", "plan") == [r for r in every if r["kind"] == "plan"]
    assert targets_of(db_path, "--region", "深圳市", "--period", "2025", "--status", "ended_without_outcome") == [
        r for r in every if (r["region"], r["period"], r["status"]) == ("shenzhen", "2025", "ended_without_outcome")]


def test_an_unknown_status_is_refused_with_the_statuses(db_path):
    result = run(db_path, "targets", "--status", "failed")

    assert result.exit_code == 2
    assert "'met', 'missed', 'undetermined', 'not_yet_due', 'ended_without_outcome'" in result.output


def test_the_target_statuses_are_the_schemas():
    import re

    from gdfacts.cli import TARGET_STATUSES

    schema = (REPO / "schema.sql").read_text(encoding="utf-8")
    decisions = re.search(r"decision +TEXT CHECK \((.*)\)\n", schema).group(1)  # decision = 'met' OR ...
    view = schema[schema.index("CREATE VIEW target_outcomes"):]
    by_day = re.search(r"CASE WHEN .*? THEN '(\w+)' ELSE '(\w+)' END", view).groups()

    assert set(TARGET_STATUSES) == set(re.findall(r"'(\w+)'", decisions)) | set(by_day)


def a_target(db_path, status):
    import sqlite3

    row = sqlite3.connect(db_path).execute(
        "select target_id from target_outcomes where status = ? and kind = 'target' limit 1", (status,)).fetchone()
    if row is None:
        pytest.skip(f"no target is {status} in the data")
    return row[0]


def test_show_a_target_names_its_kind_once_and_its_status(db_path):
    target = a_target(db_path, "missed")

    result = run(db_path, "show", target)

    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first == f"{target}  (target)"
    assert "  status: missed" in result.output


def test_show_json_holds_the_record_its_status_and_every_citation(db_path):
    import sqlite3

    target = a_target(db_path, "missed")
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    evidence = db.execute("select * from evidence where record_id = ? order by citation_id", (target,)).fetchall()

    result = run(db_path, "show", target, "--json")

    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert (shown["id"], shown["record"], shown["kind"], shown["value"]) == (target, "target", "target", evidence[0]["value"])
    assert shown["status"] == "missed"
    assert [(c["source_path"], c["line"], c["quote"], c["as_stated"]) for c in shown["citations"]] == [
        (e["source_path"], e["line"], e["quote"], e["as_stated"]) for e in evidence]
    for c in shown["citations"]:
        assert c["quote"] in c["line_text"]


def test_show_json_of_a_corrected_fact_gives_the_correction(db_path):
    shown = json.loads(run(db_path, "show", "shenzhen-exports-2022-actual", "--json").output)

    assert shown["corrected"] == 1
    (citation,) = shown["citations"]
    assert citation["stated_value"] * citation["correction_scale"] == pytest.approx(shown["value"])
    assert citation["correction_reason"].startswith("As stated, exports")
    assert "status" not in shown


def test_sources_list_their_url(db_path):
    import sqlite3

    urls = dict(sqlite3.connect(db_path).execute("select id, url from sources"))

    rows = json.loads(run(db_path, "sources", "--json").output)

    assert {r["id"]: r["url"] for r in rows} == urls
    assert any(urls.values())


def test_the_top_level_help_gives_each_command_its_whole_first_sentence():
    from gdfacts.cli import cli as group

    result = CliRunner().invoke(group, ["--help"], terminal_width=80)

    commands = " ".join(result.output.split("Commands:", 1)[1].split())
    assert "..." not in commands
    for name, command in group.commands.items():
        first = " ".join(command.help.split("\n\n")[0].split()).split(". ")[0].rstrip(".")
        assert f"{name} {first}" in commands


def test_a_build_on_first_use_that_loses_a_cache_entry_says_so(tmp_path, monkeypatch):
    """The check cache emptied (or an entry found damaged) while the build read it back: a message, not a traceback."""
    from gdfacts import build, cache

    def lost(root, path):
        raise cache.Lost("data/facts/x.yml: its check left the cache (somewhere) during the build")

    monkeypatch.setattr(build, "build", lost)
    result = run(tmp_path / "missing.db", "facts")

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "data/facts/x.yml: its check left the cache (somewhere) during the build; build again" in result.output
    assert not (tmp_path / "missing.db").exists()


def test_a_build_on_first_use_says_what_a_failed_write_left_in_place(tmp_path, monkeypatch):
    from gdfacts import build

    def half_written(root, path):
        raise build.WriteFailed("No space left on device", "the new database is in place, but not its inspect file")

    monkeypatch.setattr(build, "build", half_written)
    result = run(tmp_path / "missing.db", "facts")

    assert result.exit_code == 1
    assert "No space left on device; the new database is in place, but not its inspect file" in result.output
    assert "left as it was" not in result.output
