"""`sqlite-utils insert` of the rows a build writes: the well-known way to load
JSON into SQLite, for comparison (no checks, no full-text index).

    .venv/bin/python bench/sqlite_utils_insert.py BUILT.db WORK_FOLDER

Writes the rows of the tables a build fills from its inputs (units, sources,
source_lines, regions, indicators, facts, targets, citations) from BUILT.db as
newline-delimited JSON, one file a table (not timed), then times `sqlite-utils
insert --nl` of each file, in that order, into a new database made with the
same schema.sql: the wall and CPU time of all the inserts together, and the
peak memory of the largest.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = ["units", "sources", "source_lines", "regions", "indicators", "facts", "targets", "citations"]
SQLITE_UTILS = str(Path(sys.executable).parent / "sqlite-utils")


def write_ndjson(built: Path, folder: Path) -> dict[str, Path]:
    """Each table's rows as one JSON object a line, in rowid order."""
    folder.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(f"file:{built}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    files = {}
    try:
        for table in TABLES:
            files[table] = folder / f"{table}.ndjson"
            with open(files[table], "w", encoding="utf-8") as out:
                for row in conn.execute(f'select * from "{table}" order by rowid'):
                    out.write(json.dumps(dict(row), ensure_ascii=False) + "\n")
    finally:
        conn.close()
    return files


def insert(files: dict[str, Path], output: Path, schema: Path = ROOT / "schema.sql") -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (bytes, the largest insert's) of
    `sqlite-utils insert` of every file into a new database with `schema`."""
    output.unlink(missing_ok=True)
    conn = sqlite3.connect(output)
    conn.executescript(schema.read_text(encoding="utf-8"))
    conn.close()
    wall = cpu = peak = 0
    for table in TABLES:
        start = time.perf_counter()
        process = subprocess.Popen([SQLITE_UTILS, "insert", str(output), table, str(files[table]), "--nl"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall += time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"sqlite-utils insert {table} failed:\n{process.stderr.read().decode()}")
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss * 1024)
    return wall, cpu, peak


def rows_in(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {table: conn.execute(f'select count(*) from "{table}"').fetchone()[0] for table in TABLES}
    finally:
        conn.close()


def main() -> None:
    built, work = Path(sys.argv[1]), Path(sys.argv[2])
    files = write_ndjson(built, work / "ndjson")
    wall, cpu, peak = insert(files, work / "sqlite-utils.db")
    assert rows_in(work / "sqlite-utils.db") == rows_in(built)
    print(f"sqlite-utils insert: {wall:.1f} s, CPU {cpu:.1f} s, peak {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
