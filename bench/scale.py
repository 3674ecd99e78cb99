"""The scale benchmark: the project's build beside the floor and beside
`sqlite-utils insert`, at several sizes.

    .venv/bin/python bench/scale.py [N ...]        (make bench: 1000 10000 100000; make bench-1m adds 1000000)

For each N: a synthetic corpus (bench/synth.py), then in the same run the
floor (bench/floor.py: the YAML read, quotes on their lines, inserts,
full-text index), `sqlite-utils insert` of the rows the build writes
(bench/sqlite_utils_insert.py: no checks, no full-text index) and the full
validated build with an empty cache, each in its own process: wall and CPU
time, peak memory (RSS, worker processes included), database size per
record, and build / floor. At the largest N also, each `python build_db.py`
timed end to end: rebuilds with nothing changed (the first hashes the
database the build wrote, the next trust its status) and after editing one
article file, with the build's own timings of each step (`--timings`) and
whether the result is byte-identical to the database written whole
(`--whole`); the CLI's start-up against `python -c "import click, sqlite3"`;
and Datasette's median and p95 on every kind of page (bench/pages.py).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
import pages  # noqa: E402
import sqlite_utils_insert  # noqa: E402
import synth  # noqa: E402

PYTHON = sys.executable
GDFACTS = str(Path(sys.executable).parent / "gdfacts")


def run(argv: list[str], env: dict | None = None) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, peak RSS in bytes (largest of the process and its children) and stderr of one run."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{stderr}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, stderr


def measure(argv: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS in bytes of one run."""
    seconds, _, peak, _ = run(argv, env)
    return seconds, peak


def median_ms(argv: list[str], runs: int = 11) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build_argv(root: Path, output: Path, *flags: str) -> list[str]:
    return [PYTHON, str(ROOT / "build_db.py"), "--root", str(root), "-o", str(output), *flags]


def rebuild(label: str, root: Path, db: Path, cache: Path) -> None:
    """`python build_db.py --timings`, timed end to end, with the build's own timings of its steps."""
    seconds, _, peak, steps = run(build_argv(root, db, "--timings"), env={"GDFACTS_CACHE": str(cache)})
    print(f"- {label}: {seconds:.2f} s, peak {peak / 2**20:.0f} MiB", flush=True)
    print("".join(f"      {line}\n" for line in steps.splitlines()), end="")


def side_by_side(n: int, root: Path, work: Path) -> str:
    """One row of the table: the floor, `sqlite-utils insert` of the rows the
    build writes, and the build with an empty cache, each in its own process."""
    floor = run([PYTHON, str(HERE / "floor.py"), str(root), str(work / f"floor-{n}.db")])
    db = root / "guangdong_facts.db"
    built = run(build_argv(root, db), env={"GDFACTS_CACHE": str(work / f"cache-{n}")})
    inserted = sqlite_utils_insert.insert(sqlite_utils_insert.write_ndjson(db, work / f"ndjson-{n}"),
                                          work / f"sqlite-utils-{n}.db")
    return (f"| {n:,} | {floor[0]:.1f} | {inserted[0]:.1f} | {built[0]:.1f} | {built[0] / floor[0]:.2f} | "
            f"{built[0] / inserted[0]:.2f} | {floor[1]:.1f} / {inserted[1]:.1f} / {built[1]:.1f} | "
            f"{floor[2] / 2**20:.0f} / {inserted[2] / 2**20:.0f} / {built[2] / 2**20:.0f} | "
            f"{db.stat().st_size / n:,.0f} |")


SIDE_BY_SIDE = ("| records | floor s | sqlite-utils insert s | build s | build / floor | build / sqlite-utils | "
                "CPU s: floor / sqlite-utils / build | peak MiB: floor / sqlite-utils / build | bytes per record |\n"
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")


def datasette_pages(db: Path, n: int, runs: int = 5) -> str:
    """Datasette's median and p95 on every kind of page (bench/pages.py)."""
    return f"Datasette at {n:,} records, one client, {runs} requests a page:\n\n" + pages.report(pages.measure(db, runs))


def main(sizes: list[int]) -> None:
    work = Path(tempfile.mkdtemp(prefix="gdfacts-bench-"))
    try:
        print(SIDE_BY_SIDE)
        for n in sizes:
            root = work / str(n)
            synth.generate(n, root)
            print(side_by_side(n, root, work), flush=True)
        n = sizes[-1]
        root, db = work / str(n), work / str(n) / "guangdong_facts.db"
        cache = work / f"cache-{n}"
        print(f"\nRebuilds at {n:,} records, `python build_db.py` end to end, with the build's own timings:")
        time.sleep(2.5)  # as between two builds by hand: a file's status is trusted once 2 s old (build_state.MARGIN_NS)
        before = db.stat()
        rebuild("nothing changed, first time (hashes the database the build wrote)", root, db, cache)
        rebuild("nothing changed", root, db, cache)
        untouched = (db.stat().st_ino, db.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
        print(f"  the database untouched: {'yes' if untouched else 'NO'}")
        articles = sorted((root / "data/facts").glob("*.yml"))
        article = articles[len(articles) // 2]
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("    kind: ", "    note: edited\n    kind: ", 1), encoding="utf-8")
        time.sleep(2.5)
        rebuild(f"one article file edited ({article.name})", root, db, cache)
        clean = work / "clean" / "guangdong_facts.db"
        measure(build_argv(root, clean, "--whole"), env={"GDFACTS_CACHE": str(cache)})  # written whole, same checks
        same = filecmp.cmp(db, clean, shallow=False)  # in blocks: a child's peak memory counts its parent's at the fork
        print(f"  byte-identical to the database written whole: {'yes' if same else 'NO'}")
        time.sleep(2.5)
        rebuild("nothing changed after the edit (hashes the database the edit wrote)", root, db, cache)
        rebuild("nothing changed after the edit", root, db, cache)

        base = median_ms([PYTHON, "-c", "import click, sqlite3"])
        facts = median_ms([GDFACTS, "--db", str(db), "facts", "--region", "r001", "--json"])
        query = median_ms([GDFACTS, "--db", str(db), "query", "select 1", "--json"])
        print(f"\nCLI, median of 11 runs: python -c \"import click, sqlite3\" {base:.0f} ms; "
              f"gdfacts facts --region r001 {facts:.0f} ms ({facts / base:.2f}x); "
              f"gdfacts query 'select 1' {query:.0f} ms ({query / base:.2f}x)")

        print("\n" + datasette_pages(db, n), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
