"""The scale benchmark: the project's build beside the floor, at several sizes.

    .venv/bin/python bench/scale.py [N ...]        (make bench: 1000 10000 100000)

For each N: a synthetic corpus (bench/synth.py), then in the same run the
floor (bench/floor.py: libyaml parse, quotes on their lines, inserts, full-text
index) and the full validated build with an empty cache, each in its own
process: wall time, peak memory (RSS, the build's worker processes included),
database size per record, and build/floor. At the largest N also, each
`python build_db.py` timed end to end: rebuilds with nothing changed (the
first hashes the database the build wrote, the next trust its status), a
rebuild after editing one article file, with the build's own timings of each
step (`--timings`) and whether the result is byte-identical to the database
written whole (`--whole`);
the CLI's start-up against `python -c "import click, sqlite3"`, and Datasette's
median latency on the pages that grow with the data.
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
import load  # noqa: E402
import synth  # noqa: E402

PYTHON = sys.executable
GDFACTS = str(Path(sys.executable).parent / "gdfacts")


def measure(argv: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes (largest of the process and its children) and stderr of one run."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{stderr}")
    return seconds, usage.ru_maxrss * 1024, stderr


def median_ms(argv: list[str], runs: int = 11) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build(root: Path, output: Path, cache: Path | str) -> tuple[float, int, str]:
    """`python build_db.py --timings`, timed end to end: seconds, peak RSS, and the build's timings of its steps."""
    return measure([PYTHON, str(ROOT / "build_db.py"), "--root", str(root), "-o", str(output), "--timings"],
                   env={"GDFACTS_CACHE": str(cache)})


def rebuild(label: str, root: Path, db: Path, cache: Path) -> None:
    seconds, rss, steps = build(root, db, cache)
    print(f"- {label}: {seconds:.2f} s, peak {rss / 2**20:.0f} MiB", flush=True)
    print("".join(f"      {line}\n" for line in steps.splitlines()), end="")


def main(sizes: list[int]) -> None:
    work = Path(tempfile.mkdtemp(prefix="gdfacts-bench-"))
    try:
        print("| records | floor s | build s | build / floor | floor peak MiB | build peak MiB | bytes per record |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for n in sizes:
            root = work / str(n)
            synth.generate(n, root)
            floor_s, floor_rss, _ = measure([PYTHON, str(HERE / "floor.py"), str(root), str(work / f"floor-{n}.db")])
            db = root / "guangdong_facts.db"
            build_s, build_rss, _ = build(root, db, work / f"cache-{n}")
            print(f"| {n:,} | {floor_s:.1f} | {build_s:.1f} | {build_s / floor_s:.2f} | {floor_rss / 2**20:.0f} | "
                  f"{build_rss / 2**20:.0f} | {db.stat().st_size / n:,.0f} |", flush=True)
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
        measure([PYTHON, str(ROOT / "build_db.py"), "--root", str(root), "-o", str(clean), "--whole"],
                env={"GDFACTS_CACHE": str(cache)})  # written whole from the same checks
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

        pages = {
            "facts with facets": "/guangdong_facts/facts?_facet=region_id&_facet=indicator_id&_facet=period&_facet=kind",
            "filtered facts": "/guangdong_facts/facts?region_id=r001&indicator_id=i002",
            "full-text search": "/guangdong_facts/citations?_search=down",
        }
        result = load.run(db, requests=60, concurrency=1, warmup=6, pages=pages)
        print(f"\nDatasette at {n:,} records, one client, median of 20 requests each:")
        for name, times in result["latencies"].items():
            print(f"- {name}: {statistics.median(times) * 1000:.0f} ms")
        if result["errors"]:
            print("errors:", *result["errors"][:5], sep="\n  ")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
