"""The data dictionary: every table, view and column of the database with its
description, as metadata.yml writes it.

metadata.yml is the one place descriptions are written: Datasette shows them,
the build copies them into the table data_dictionary, and the release files
take them from there. `rows` refuses a table or column of the schema that
metadata.yml leaves undescribed, and a description of one the schema lacks,
each with its line.
"""

from __future__ import annotations

import sqlite3

import yaml

from .problems import Problem
from .publication import DATABASE

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def published(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """The tables and views a reader sees, as (name, kind), in the order the
    schema creates them: kind is table, view or virtual (a full-text index);
    SQLite's own tables and the full-text indexes' shadow tables are left out."""
    kinds = {name: kind for schema, name, kind, *_ in db.execute("PRAGMA table_list") if schema == "main"}
    if not kinds:  # an older SQLite ignores the pragma it does not know
        raise RuntimeError(f"SQLite {sqlite3.sqlite_version} cannot list tables (PRAGMA table_list); 3.37 or later is needed")
    return [(name, kinds[name]) for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY rowid")
            if not name.startswith("sqlite_") and kinds.get(name) in ("table", "view", "virtual")]


def columns(db: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """A table's or view's columns, as (name, declared type), in order."""
    return [(row[1], row[2]) for row in db.execute(f'PRAGMA table_info("{table}")')]


def rows(metadata: bytes, path: str, schema_sql: str) -> tuple[list[tuple], list[Problem]]:
    """The rows of data_dictionary, (table_name, column_name, position, type,
    description), for the schema `schema_sql` as described by `metadata`; or
    the problems that leave a table or column undescribed."""
    problems: list[Problem] = []
    tables, line = _described_tables(metadata, path, problems)
    if tables is None:
        return [], problems
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(schema_sql)
        schema = [(name, kind, columns(db, name)) for name, kind in published(db)]
    finally:
        db.close()
    out = []
    for name, kind, cols in schema:
        if name not in tables:
            problems.append(Problem(path, line, f"describes no table '{name}'; schema.sql defines it, so add it here with its description and its columns'"))
            continue
        node, key_line = tables[name]
        description, column_texts, columns_line = _table_texts(node, key_line, name, path, problems)
        if description is not None:
            out.append((name, None, 0, kind, description))
        for position, (column, declared) in enumerate(cols, 1):
            if column not in column_texts:
                problems.append(Problem(path, columns_line, f"table '{name}' describes no column '{column}'; schema.sql gives it that column"))
            elif column_texts[column][0] is not None:  # else reported at its line
                out.append((name, column, position, declared or None, column_texts[column][0]))
        for column, (_, column_line) in column_texts.items():
            if column not in dict(cols):
                problems.append(Problem(path, column_line, f"table '{name}' has no column '{column}' in schema.sql; remove its description"))
    defined = {name for name, _, _ in schema}
    for name, (_, key_line) in tables.items():
        if name not in defined:
            problems.append(Problem(path, key_line, f"describes the table '{name}', which schema.sql does not define; remove it"))
    return out, problems


def _described_tables(metadata: bytes, path: str, problems) -> tuple[dict | None, int]:
    """{table: (its node, the line of its key)} under databases: guangdong_facts: tables:, and the line of tables:."""
    try:
        root = yaml.compose(metadata.decode("utf-8"), Loader=_Loader)
    except UnicodeDecodeError:
        problems.append(Problem(path, 1, "is not UTF-8; save the file as UTF-8"))
        return None, 1
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        problems.append(Problem(path, mark.line + 1 if mark else 1, f"is not well-formed YAML: {getattr(e, 'problem', None) or e}"))
        return None, 1
    node, line = root, 1
    for key in ("databases", DATABASE, "tables"):
        found = _child(node, key)
        if found is None:
            problems.append(Problem(path, line, f"has no databases: {DATABASE}: tables: (the descriptions of every table, view and column)"))
            return None, line
        node, line = found
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(path, line, "tables: must map each table's name to its description and columns"))
        return None, line
    return {key.value: (value, key.start_mark.line + 1) for key, value in node.value}, line


def _table_texts(node, line: int, name: str, path: str, problems) -> tuple[str | None, dict, int]:
    """A table's description, {column: (description or None, line)} and the line of its columns:."""
    description = _text(_child(node, "description"))
    if description is None:
        problems.append(Problem(path, line, f"table '{name}' has no description; add description: with what a row is"))
    found = _child(node, "columns")
    if found is None or not isinstance(found[0], yaml.MappingNode):
        return description, {}, line
    columns_node, columns_line = found
    texts = {}
    for key, value in columns_node.value:
        text = _text((value, key.start_mark.line + 1))
        if text is None:
            problems.append(Problem(path, key.start_mark.line + 1, f"column '{name}.{key.value}' has no description"))
        texts[key.value] = (text, key.start_mark.line + 1)
    return description, texts, columns_line


def _child(node, key: str):
    """The value under `key` of a mapping node, and the line of the key; None if there is none."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v, k.start_mark.line + 1
    return None


def _text(found) -> str | None:
    """The text of a description, or None if it is missing, empty or not text."""
    if found is None or not isinstance(found[0], yaml.ScalarNode):
        return None
    return found[0].value.strip() or None
