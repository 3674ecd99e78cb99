"""A small run of bench/load.py: concurrent clients over every kind of page,
a fixed count of requests, no errors, and server memory that does not climb.
(Throughput and latency are measured by the benchmark, not asserted here.)"""

from __future__ import annotations

import importlib.util

from conftest import REPO

spec = importlib.util.spec_from_file_location("load", REPO / "bench" / "load.py")
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)


def test_concurrent_clients_get_every_page_without_an_error(real_db):
    result = load.run(real_db, requests=240, concurrency=8, warmup=40)

    assert result["errors"] == []
    assert all(len(times) == 240 // len(load.PAGES) for times in result["latencies"].values())
    first, last = result["memory"][0][1], result["memory"][-1][1]
    assert last - first < 32 * 2**20, f"server memory grew from {first} to {last} bytes"
    assert "0 errors" in load.report(result)


def test_the_pages_answer_without_an_error_while_the_attacks_of_issue_12_run(real_db):
    result = load.run(real_db, requests=120, concurrency=4, warmup=8, attackers=2)

    assert result["errors"] == []
    answers = {status for replies in result["attacks"].values() for status, _ in replies}
    assert answers and answers <= {400, 503}  # refused, or told to wait their turn
    assert result["peak"] < 256 * 2**20
    assert "while 2 more clients attacked" in load.report(result)
