"""The release files: the database as an analyst with pandas, R or a
spreadsheet takes it, written by `gdfacts export DIR` (and `make release`).

    DIR/guangdong_facts.db        the database, byte for byte
    DIR/datapackage.json          a Frictionless Data Package: each table's file, fields,
                                  types, keys, descriptions, SHA-256 and size
    DIR/csv/<table>.csv           every table and view as CSV
    DIR/parquet/<table>.parquet   the same as Parquet, the descriptions in its schema

Everything is read from the database: the descriptions from its
data_dictionary (written from metadata.yml), the version, release date and
licence from its build_info (from CITATION.cff). The full-text indexes
(*_fts) are left out: they are search structures built from the other tables.

CSV: UTF-8, a header row, an empty field for NULL. Only a table whose every
column is required (source_lines) holds empty text, and there an empty field
is empty text: its schema in datapackage.json says so (missingValues: []).
Anywhere else an empty text could not be told from NULL, so the export
refuses it. Numbers are written as Python writes floats, the shortest text
that reads back as the same double.

The files are written into a temporary folder beside DIR, which becomes DIR
only when everything is written: a failed export leaves nothing behind.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import dictionary, publication

# SQLite's storage class -> (Table Schema type, Arrow type name)
TYPES = {"integer": ("integer", "int64"), "real": ("number", "float64"), "text": ("string", "string")}
_DECLARED = {"INTEGER": "integer", "REAL": "real", "TEXT": "text"}
PACKAGE_NAME = "guangdong-facts"


class ExportFailed(Exception):
    """The release files could not be written; the message says why, and nothing was left behind."""


@dataclass
class Column:
    name: str
    storage: str  # integer, real or text
    required: bool
    description: str


@dataclass
class Table:
    name: str
    kind: str  # table or view
    description: str
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: list[dict]

    @property
    def empty_means_null(self) -> bool:
        """Whether an empty CSV field is NULL here: anywhere a column may be NULL."""
        return not all(column.required for column in self.columns)


def export(db: Path, directory: Path, replace: bool = False) -> list[Table]:
    """Write the release files of `db` into `directory`, which must not exist or
    be empty; or, with `replace`, may hold a previous export, which is replaced."""
    db, directory = Path(db), Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        if not is_export(directory):
            raise ExportFailed(f"{directory} exists and is neither empty nor a previous export; "
                               "remove it or choose another folder")
        if not replace:
            raise ExportFailed(f"{directory} holds a previous export; give --replace to replace it")
    try:
        import pyarrow  # noqa: F401 - checked before anything is written
    except ImportError:
        raise ExportFailed("writing Parquet needs pyarrow: pip install -e '.[release]' (make release installs it)")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        info = _build_info(conn, db)
        tables = read_tables(conn)
        directory.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.", suffix=".tmp"))
        try:
            os.chmod(work, 0o777 & ~_umask())  # a folder as mkdir makes it, not mkdtemp's private one
            _write_all(conn, db, tables, info, work)
            _move_into_place(work, directory)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    except OSError as e:
        raise ExportFailed(f"cannot write {directory}: {e.strerror or e}; nothing was written")
    except sqlite3.Error as e:
        raise ExportFailed(f"cannot read {db}: {e}; rebuild it with: python build_db.py -o {db}")
    finally:
        conn.close()
    return tables


def is_export(directory: Path) -> bool:
    """Whether `directory` holds what export writes, and nothing else."""
    try:
        package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
        names = {entry.name for entry in directory.iterdir()}
    except (OSError, ValueError):
        return False
    if not isinstance(package, dict) or package.get("name") != PACKAGE_NAME:
        return False
    written = {"datapackage.json", "csv", "parquet"} | {r.get("path") for r in package.get("resources", [])
                                                          if isinstance(r, dict) and r.get("name") == "database"}
    return names <= written


def _move_into_place(work: Path, directory: Path) -> None:
    """Make `work` the folder `directory`; an empty one or a previous export there is replaced."""
    if not directory.exists():
        os.rename(work, directory)
    elif not any(directory.iterdir()):
        directory.rmdir()
        os.rename(work, directory)
    else:
        old = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.", suffix=".old"))
        os.rename(directory, old / directory.name)
        try:
            os.rename(work, directory)
        except OSError:
            os.rename(old / directory.name, directory)  # the previous export back in its place
            old.rmdir()
            raise
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _build_info(conn: sqlite3.Connection, db: Path) -> dict[str, str]:
    info = dict(conn.execute("SELECT key, value FROM build_info"))
    missing = [key for key in ("version", "released", "license") if key not in info]
    if missing:
        raise ExportFailed(f"{db} records no {', '.join(missing)} in build_info: it was built before releases "
                           f"were versioned; rebuild it with: python build_db.py -o {db}")
    return info


def read_tables(conn: sqlite3.Connection) -> list[Table]:
    """Every table and view the release holds, with its columns' types, keys and descriptions."""
    described: dict[tuple[str, str | None], str] = {
        (table, column): text for table, column, text in
        conn.execute("SELECT table_name, column_name, description FROM data_dictionary")}
    tables = []
    for name, kind in dictionary.published(conn):
        if kind not in ("table", "view"):
            continue  # a full-text index
        info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()  # cid, name, type, notnull, default, pk
        columns = [Column(c[1], _storage(conn, name, c[1], c[2]), bool(c[3] or c[5]), described[(name, c[1])])
                   for c in info]
        primary_key = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]]
        tables.append(Table(name, kind, described[(name, None)], columns, primary_key, _foreign_keys(conn, name)))
    return tables


def _storage(conn: sqlite3.Connection, table: str, column: str, declared: str) -> str:
    """The one storage class of a column's values: its declared type's (every
    table is STRICT), or for a column a view computes, what its values hold."""
    held = {row[0] for row in conn.execute(f'SELECT DISTINCT typeof("{column}") FROM "{table}"')} - {"null"}
    expected = _DECLARED.get(declared.upper())
    if expected is None:
        if len(held) > 1:
            raise ExportFailed(f"{table}.{column} holds values of several types ({', '.join(sorted(held))}), "
                               "so it cannot be one typed column")
        expected = held.pop() if held else "text"
    if held - {expected}:
        raise ExportFailed(f"{table}.{column} is declared {declared} but holds {', '.join(sorted(held - {expected}))} values")
    if expected not in TYPES:
        raise ExportFailed(f"{table}.{column} holds {expected} values, which the release files cannot carry")
    return expected


def _foreign_keys(conn: sqlite3.Connection, table: str) -> list[dict]:
    """The table's foreign keys as Table Schema writes them."""
    keys: dict[int, dict] = {}
    for ident, _, other, here, there, *_ in conn.execute(f'PRAGMA foreign_key_list("{table}")'):
        if there is None:  # REFERENCES other: its primary key
            there = next(c[1] for c in conn.execute(f'PRAGMA table_info("{other}")') if c[5])
        key = keys.setdefault(ident, {"fields": [], "reference": {"resource": "" if other == table else other, "fields": []}})
        key["fields"].append(here)
        key["reference"]["fields"].append(there)
    return [keys[ident] for ident in sorted(keys, reverse=True)]  # in the order the schema declares them


def _write_all(conn: sqlite3.Connection, db: Path, tables: list[Table], info: dict, work: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (work / "csv").mkdir()
    (work / "parquet").mkdir()
    shutil.copyfile(db, work / db.name)
    resources = []
    for table in tables:
        rows = conn.execute(f'SELECT * FROM "{table.name}"').fetchall()
        csv_path = work / "csv" / f"{table.name}.csv"
        _write_csv(table, rows, csv_path)
        arrow_schema = pa.schema(
            [pa.field(c.name, getattr(pa, TYPES[c.storage][1])(), nullable=not c.required,
                      metadata={"description": c.description}) for c in table.columns],
            metadata={"description": table.description, "version": info["version"], "released": info["released"],
                      "license": info["license"]})
        pq.write_table(pa.Table.from_pylist([dict(zip(arrow_schema.names, row)) for row in rows], schema=arrow_schema),
                       work / "parquet" / f"{table.name}.parquet")
        resources.append(_csv_resource(table, csv_path, work))
    for path in [work / db.name, *sorted((work / "parquet").iterdir())]:
        resources.append(_file_resource(path, work))
    package = _package(info, resources)
    (work / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_csv(table: Table, rows: list[tuple], path: Path) -> None:
    nullable_text = table.empty_means_null
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow([c.name for c in table.columns])
        for row in rows:
            if nullable_text and "" in row:
                column = table.columns[row.index("")].name
                raise ExportFailed(f"{table.name}.{column} holds an empty text, which CSV cannot tell from NULL "
                                   "in a table with columns that may be NULL")
            writer.writerow(row)


def _csv_resource(table: Table, path: Path, work: Path) -> dict:
    schema = {"fields": [{"name": c.name, "type": TYPES[c.storage][0], "description": c.description,
                          **({"constraints": {"required": True}} if c.required else {})} for c in table.columns],
              "missingValues": [""] if table.empty_means_null else []}
    if table.primary_key:
        schema["primaryKey"] = table.primary_key
    if table.foreign_keys:
        schema["foreignKeys"] = table.foreign_keys
    return {"name": table.name, "type": "table", "path": path.relative_to(work).as_posix(), "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": table.description,
            **_integrity(path), "schema": schema}


def _file_resource(path: Path, work: Path) -> dict:
    if path.suffix == ".parquet":
        name = path.stem
        description = f"The table {name} as Parquet: the same rows, types and descriptions as csv/{name}.csv."
        return {"name": f"{name}-parquet", "type": "file", "path": path.relative_to(work).as_posix(),
                "format": "parquet", "mediatype": "application/vnd.apache.parquet", "description": description,
                **_integrity(path)}
    return {"name": "database", "type": "file", "path": path.relative_to(work).as_posix(), "format": "sqlite",
            "mediatype": "application/vnd.sqlite3",
            "description": "The SQLite database every other file is exported from, with its full-text indexes.",
            **_integrity(path)}


def _integrity(path: Path) -> dict:
    return {"hash": "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest(), "bytes": path.stat().st_size}


def _package(info: dict, resources: list[dict]) -> dict:
    """The package's own description: title, licence and source as metadata.yml gives them for the site."""
    site = yaml.safe_load(publication.METADATA.read_text(encoding="utf-8"))
    return {
        "name": PACKAGE_NAME,
        "title": site["title"],
        "description": site["databases"][dictionary.DATABASE]["description"],
        "version": info["version"],
        "released": info["released"],
        "licenses": [{"name": info["license"], "path": site["license_url"], "title": site["license"]}],
        "sources": [{"title": site["source"]}],
        "resources": resources,
    }
