"""The database describes itself: data_dictionary holds every table, view and
column with metadata.yml's description, and build_info the dataset's version,
release date and licence as CITATION.cff states them."""

from __future__ import annotations

import re
import sqlite3

import yaml

from conftest import REPO
from gdfacts import dictionary

METADATA = "metadata.yml"


def described(root) -> dict:
    return yaml.safe_load((root / METADATA).read_text(encoding="utf-8"))["databases"][dictionary.DATABASE]["tables"]


def test_every_table_and_column_of_the_database_has_its_description_in_data_dictionary(real_db):
    db = sqlite3.connect(f"file:{real_db}?mode=ro", uri=True)
    metadata = described(REPO)
    rows = db.execute("SELECT table_name, column_name, position, type, description FROM data_dictionary").fetchall()
    by_key = {(table, column): (position, kind, text) for table, column, position, kind, text in rows}

    published = dictionary.published(db)
    assert published and len(by_key) == len(rows)
    expected_keys = set()
    for table, kind in published:
        expected_keys.add((table, None))
        assert by_key[(table, None)] == (0, kind, metadata[table]["description"])
        for position, (column, declared) in enumerate(dictionary.columns(db, table), 1):
            expected_keys.add((table, column))
            assert by_key[(table, column)] == (position, declared or None, metadata[table]["columns"][column])
    assert set(by_key) == expected_keys  # nothing else: no shadow table of a full-text index
    assert ("data_dictionary", "description") in by_key  # it describes itself too


def test_the_build_refuses_a_table_metadata_yml_does_not_describe(built_mini, capsys):
    built_mini.write("schema.sql", built_mini.read("schema.sql") + "\nCREATE TABLE notes (id TEXT PRIMARY KEY) STRICT;\n")
    tables_line = built_mini.read(METADATA).splitlines().index("    tables:") + 1

    code, _, err = built_mini.build(capsys)

    assert code == 1
    assert err.splitlines() == [
        f"{METADATA}:{tables_line}: describes no table 'notes'; schema.sql defines it, so add it here with its description and its columns'",
        "Build failed: 1 problem(s); " f"{built_mini.db} was left as it was.",
    ]


def test_the_build_refuses_a_column_without_description_and_a_description_of_nothing(built_mini, capsys):
    text = built_mini.read(METADATA)
    built_mini.write(METADATA, text.replace("          record: fact (in facts) or target (in targets).\n",
                                            "          recorded: fact (in facts) or target (in targets).\n", 1))
    lines = built_mini.read(METADATA).splitlines()
    kinds = lines.index("      kinds:")
    columns_line = kinds + lines[kinds:].index("        columns:") + 1
    stale_line = lines.index("          recorded: fact (in facts) or target (in targets).") + 1

    code, _, err = built_mini.build(capsys)

    assert code == 1
    assert f"{METADATA}:{columns_line}: table 'kinds' describes no column 'record'; schema.sql gives it that column" in err
    assert f"{METADATA}:{stale_line}: table 'kinds' has no column 'recorded' in schema.sql; remove its description" in err
    assert err.splitlines()[-1].startswith("Build failed: 2 problem(s)")


def test_the_build_refuses_an_empty_description(built_mini, capsys):
    built_mini.edit(METADATA, "        description: The kinds of record.\n", "        description: ''\n")

    code, _, err = built_mini.build(capsys)

    assert code == 1
    assert re.search(rf"^{METADATA}:\d+: table 'kinds' has no description; add description: with what a row is$", err, re.M), err


def test_build_info_holds_the_version_release_date_and_licence_of_citation_cff(built_mini, capsys):
    def info():
        return dict(sqlite3.connect(f"file:{built_mini.db}?mode=ro", uri=True).execute("SELECT key, value FROM build_info"))

    citation = yaml.safe_load(built_mini.read("CITATION.cff"))
    before = info()
    assert (before["version"], before["released"], before["license"]) == (
        citation["version"], citation["date-released"], citation["license"])

    built_mini.edit("CITATION.cff", f'version: "{citation["version"]}"', 'version: "9.8.7"')
    built_mini.edit("CITATION.cff", f'date-released: "{citation["date-released"]}"', 'date-released: "2031-02-28"')
    assert built_mini.build(capsys)[0] == 0

    after = info()
    assert (after["version"], after["released"]) == ("9.8.7", "2031-02-28")  # from the file, not the clock
    assert after["inputs_sha256"] != before["inputs_sha256"]
