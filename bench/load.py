"""A bounded load test of the served database, on loopback.

    .venv/bin/python bench/load.py [--requests N] [--concurrency C] [--attackers A] [--db PATH]

Starts `datasette serve` exactly as `gdfacts serve` does (immutable, inspect
file, settings) on a free 127.0.0.1 port, then sends a fixed count of requests
from C concurrent clients, round-robin over the pages people use: the home
page, table pages with facets, full-text search, canned queries and the .db
download. With --attackers, A more clients meanwhile send the attacks of
issue 12 (ATTACKS), one after another, for as long as the pages are being
asked for. Reports throughput, latency percentiles per page (and per attack,
with the statuses they got), errors, and the server's resident memory as the
run goes on and at its peak. Client and server share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from gdfacts import publication  # noqa: E402

PAGES = {
    "home": "/",
    "table with facets": "/guangdong_facts/evidence?_facet=region&_facet=indicator&_facet=period&_facet=kind",
    "filtered table": "/guangdong_facts/facts?region_id=shenzhen&_sort=period",
    "full-text search": "/guangdong_facts/citations?_search=trillion",
    "canned: targets vs outcomes": "/guangdong_facts/targets_vs_outcomes",
    "canned: evidence in context": "/guangdong_facts/evidence_in_context?record_id=shenzhen-gdp-2023-actual",
    "canned: latest values (JSON)": "/guangdong_facts/latest_values.json?region=guangdong",
    ".db download": "/guangdong_facts.db",
}

# The attacks of issue 12, as SQL typed into ?sql=: each once took seconds to
# minutes and gigabytes, or answered hundreds of megabytes.
DOUBLING = ("with recursive c(x,s) as (select 1,'a' union all select x+1,s||s from c where x<40) "
            "select length(s) from c order by x desc limit 1")
RANDOMBLOB = "select randomblob(300000000)"
ENDLESS = "with recursive c(x) as (select 1 union all select x+1 from c) select count(*) from c"
ATTACKS = {
    "a string doubled to a gigabyte": "/guangdong_facts.json?sql=" + quote(DOUBLING),
    "randomblob(300000000)": "/guangdong_facts.json?sql=" + quote(RANDOMBLOB),
    "an endless recursion": "/guangdong_facts.json?sql=" + quote(ENDLESS),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_bytes(pid: int, field: str = "VmRSS") -> int:
    """The process's resident memory now, or at its peak (field="VmHWM")."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    publication.ensure_inspect(db)
    port = free_port()
    # Its log goes to a file: a pipe nobody reads fills up, and Datasette logs every failed query's SQL.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(publication.serve_argv(db, "127.0.0.1", port), stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1).close()
            return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                raise RuntimeError("datasette did not start: " + log.read().decode(errors="replace"))
            time.sleep(0.1)


async def load(base: str, pid: int, requests: int, concurrency: int, db_sha256: str, pages: dict,
               attackers: int = 0) -> dict:
    plan = [list(pages)[i % len(pages)] for i in range(requests)]
    latencies: dict[str, list[float]] = {name: [] for name in pages}
    attacks: dict[str, list[tuple[int, float]]] = {name: [] for name in ATTACKS}
    errors: list[str] = []
    memory: list[tuple[int, int]] = [(0, rss_bytes(pid))]
    done = 0
    queue: asyncio.Queue = asyncio.Queue()
    for name in plan:
        queue.put_nowait(name)

    async def client(http: httpx.AsyncClient):
        nonlocal done
        while not queue.empty():
            name = queue.get_nowait()
            start = time.perf_counter()
            try:
                response = await http.get(base + pages[name])
                body = response.content
                if response.status_code != 200:
                    errors.append(f"{name}: HTTP {response.status_code}")
                elif name == ".db download" and hashlib.sha256(body).hexdigest() != db_sha256:
                    errors.append(f"{name}: the bytes differ from the file")
            except httpx.HTTPError as e:
                errors.append(f"{name}: {type(e).__name__}: {e}")
            latencies[name].append(time.perf_counter() - start)
            done += 1
            if done % max(1, requests // 10) == 0:
                memory.append((done, rss_bytes(pid)))

    async def attacker(http: httpx.AsyncClient, first: int):
        names = list(ATTACKS)
        i = first
        while not queue.empty():
            name = names[i % len(names)]
            i += 1
            start = time.perf_counter()
            try:
                status = (await http.get(base + ATTACKS[name])).status_code
            except httpx.HTTPError:
                status = 0  # no answer within the client's timeout
            attacks[name].append((status, time.perf_counter() - start))

    limits = httpx.Limits(max_connections=concurrency + attackers, max_keepalive_connections=concurrency + attackers)
    async with httpx.AsyncClient(limits=limits, timeout=120) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)),
                             *(attacker(http, i) for i in range(attackers)))
        elapsed = time.perf_counter() - started
    return {"requests": requests, "concurrency": concurrency, "attackers": attackers, "seconds": elapsed,
            "errors": errors, "latencies": latencies, "attacks": {k: v for k, v in attacks.items() if v},
            "memory": memory, "peak": rss_bytes(pid, "VmHWM")}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run(db: Path, requests: int, concurrency: int, warmup: int = 50, pages: dict = PAGES, attackers: int = 0) -> dict:
    process, base = start_server(db)
    try:
        db_sha256 = hashlib.sha256(db.read_bytes()).hexdigest()
        asyncio.run(load(base, process.pid, warmup, concurrency, db_sha256, pages))  # first requests fill caches
        return asyncio.run(load(base, process.pid, requests, concurrency, db_sha256, pages, attackers))
    finally:
        process.terminate()
        process.wait(10)


def report(result: dict) -> str:
    everything = [t for ts in result["latencies"].values() for t in ts]
    rows = [f"{result['requests']} requests from {result['concurrency']} concurrent clients in "
            f"{result['seconds']:.1f} s: {result['requests'] / result['seconds']:.0f} requests/s, "
            f"{len(result['errors'])} errors"
            + (f", while {result['attackers']} more clients attacked" if result["attackers"] else ""),
            "", "| page | requests | p50 ms | p90 ms | p99 ms | max ms |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, times in [*result["latencies"].items(), ("all", everything)]:
        ms = [t * 1000 for t in times]
        rows.append(f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {percentile(ms, 90):.1f} | "
                    f"{percentile(ms, 99):.1f} | {max(ms):.1f} |")
    if result["attacks"]:
        rows += ["", "| attack | sent | answers | p50 ms | max ms |", "| --- | ---: | --- | ---: | ---: |"]
        for name, answers in result["attacks"].items():
            ms = [t * 1000 for _, t in answers]
            statuses = ", ".join(f"{n}× {status or 'none'}" for status, n in sorted(Counter(s for s, _ in answers).items()))
            rows.append(f"| {name} | {len(answers)} | {statuses} | {statistics.median(ms):.0f} | {max(ms):.0f} |")
    rows += ["", "server memory (RSS) as the run went on: "
             + ", ".join(f"{rss / 2**20:.1f} MiB after {n}" for n, rss in result["memory"])
             + f"; peak {result['peak'] / 2**20:.1f} MiB"]
    rows += [f"error: {e}" for e in result["errors"][:20]]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--attackers", type=int, default=0, help="clients sending the attacks of issue 12 meanwhile")
    parser.add_argument("--db", type=Path, help="a built database (default: build the real data into a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from gdfacts.build import build
            db = Path(tmp) / "guangdong_facts.db"
            build(ROOT, db)
        result = run(db, args.requests, args.concurrency, attackers=args.attackers)
    print(report(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
