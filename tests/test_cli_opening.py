"""gdfacts opens the file it is given, exactly, read-only, and bounds every query
in time from the first: odd names, files that are not databases, databases
that are not ours, hostile schemas, and a disk that refuses the inspect file."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, sha256
from gdfacts import cli as cli_module
from gdfacts import publication
from gdfacts.cli import cli

ENDLESS = "with recursive c(x) as (select 1 union all select x + 1 from c) select x from c"


def run(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args])


def run_process(db_path, *args, timeout=60):
    """gdfacts in a process of its own, so that a hang fails the test instead of the suite."""
    code = "from gdfacts.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, "--db", str(db_path), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


def writable_copy(real_db: Path, path: Path, *statements: str) -> Path:
    """A copy of the real database changed by `statements`: a database gdfacts did not build."""
    shutil.copyfile(real_db, path)
    os.chmod(path, 0o644)
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()
    return path


@pytest.mark.parametrize("name", ["g.db#x", "what?.db", "100%25.db", "a b.db", "深圳.db"])
def test_a_path_is_opened_exactly_as_given_and_nothing_is_created(real_db, tmp_path, name):
    path = tmp_path / name
    shutil.copyfile(real_db, path)

    result = run(path, "query", "select count(*) as n from facts", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["n"] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_fifo_is_refused_before_it_is_opened(tmp_path):
    fifo = tmp_path / "g.db"
    os.mkfifo(fifo)

    result = run_process(fifo, "facts", timeout=30)

    assert result.returncode == 1
    assert result.stderr == f"gdfacts: {fifo} is not a regular file, so it is not a guangdong-facts database\n"


def test_a_file_that_is_not_a_database_is_left_alone_and_no_build_is_suggested_over_it(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 100)
    before = sha256(bad)

    result = run(bad, "facts")

    assert result.exit_code == 1
    assert result.output.startswith(f"gdfacts: {bad} is not a guangdong-facts database (file is not a database)")
    assert str(bad) not in result.output.split("(file is not a database)", 1)[1]  # nothing suggests writing there
    assert "--db" in result.output
    assert sha256(bad) == before


def test_a_database_without_our_tables_is_not_ours(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()

    result = run(other, "query", "select 1")

    assert result.exit_code == 1
    assert "is not a guangdong-facts database (it has no table facts" in result.output


def test_an_endless_view_named_facts_does_not_hang_the_opening(tmp_path):
    hostile = tmp_path / "endless.db"
    sqlite3.connect(hostile).execute(f"create view facts as {ENDLESS}").connection.close()

    result = run_process(hostile, "query", "select 1", timeout=30)

    assert result.returncode == 1
    assert "is not a guangdong-facts database" in result.stderr


def test_every_command_is_bounded_by_the_time_limit_from_its_first_query(real_db, tmp_path):
    view = sqlite3.connect(real_db).execute("select sql from sqlite_master where name = 'target_outcomes'").fetchone()[0]
    original = view.split(" AS", 1)[1]
    hostile = writable_copy(real_db, tmp_path / "hostile.db", "drop view target_outcomes",
                            f"create view target_outcomes as select * from ({original}) where (select max(x) from ({ENDLESS})) > 0")

    result = run_process(hostile, "targets", "--json", "--time-limit", "300", timeout=30)

    assert result.returncode == 1
    assert result.stderr == "gdfacts: the query ran past its time limit and was stopped (raise it with --time-limit)\n"


@pytest.mark.parametrize("limit", [str(10**400), "0", "-5", "600001"])
def test_a_time_limit_out_of_range_is_refused_with_its_range(real_db, limit):
    result = run(real_db, "query", "select 1", "--time-limit", limit)

    assert result.exit_code == 2, result.output
    assert "Invalid value for '--time-limit'" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, OverflowError)


@pytest.fixture
def no_exec(monkeypatch):
    """Capture what `gdfacts serve` would exec instead of exec'ing it."""
    calls = []

    def execv(path, argv):
        calls.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr(cli_module.os, "execv", execv)
    return calls


def test_serve_with_an_inspect_file_it_cannot_write_serves_from_a_temporary_one(real_db, tmp_path, no_exec):
    db = tmp_path / "guangdong_facts.db"
    shutil.copyfile(real_db, db)
    publication.inspect_file(db).mkdir()  # stale, and nothing can be written in its place

    result = run(db, "serve", "--port", "8999")

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert f"gdfacts: cannot write {publication.inspect_file(db)}" in result.output
    argv = no_exec[0]
    inspect = Path(argv[argv.index("--inspect-file") + 1])
    assert inspect.parent != db.parent
    assert json.loads(inspect.read_text())[db.stem]["hash"] == sha256(db)
    shutil.rmtree(inspect.parent)


def test_serve_refuses_a_file_that_is_not_a_database(tmp_path, no_exec):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"x" * 4096)

    result = run(bad, "serve")

    assert result.exit_code == 1
    assert "is not a guangdong-facts database" in result.output
    assert no_exec == []


@pytest.mark.parametrize("name", ["g.db#x", "what?.db", "100%25.db"])
def test_serve_refuses_a_name_datasette_would_read_as_another_file(real_db, tmp_path, no_exec, name):
    db = tmp_path / name
    shutil.copyfile(real_db, db)

    result = run(db, "serve")

    assert result.exit_code == 1
    assert f"gdfacts: Datasette would not open {db} as it is named" in result.output
    assert no_exec == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
