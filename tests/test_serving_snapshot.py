"""A served database never changes under its server (gdfacts/publication.py,
snapshot()): `gdfacts serve` serves a hard link to the build it started
with, so a rebuild meanwhile changes neither its pages, nor its download, nor
the download's ETag, on any of its SQL threads; a restart serves the new
build and removes the old snapshot. Before, pages kept the old database while
the download served the new bytes under the old ETag."""

from __future__ import annotations

import concurrent.futures
import hashlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import FACTS_FILE, sha256
from gdfacts import publication

FACT = "shenzhen-gdp_growth-2023-actual"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gdfacts_serve(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).with_name("gdfacts")), "--db", str(db), "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(base + "/-/versions.json", timeout=1)
            return process, base
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gdfacts serve did not start: " + process.stderr.read().decode(errors="replace"))
            time.sleep(0.1)


def served(base: str) -> dict:
    """What a reader gets: the fact's note on its page, and the download's bytes and ETag."""
    download = httpx.get(f"{base}/guangdong_facts.db", timeout=30)
    rows = httpx.get(f"{base}/guangdong_facts/facts.json", params={"id": FACT, "_shape": "array"}, timeout=30).json()
    return {"note": rows[0]["note"], "download": hashlib.sha256(download.content).hexdigest(),
            "etag": download.headers["etag"].strip('"')}


def test_a_rebuild_while_serving_changes_nothing_served(built_mini, capsys):
    db = built_mini.db
    process, base = gdfacts_serve(db)
    try:
        before = served(base)
        assert before == {"note": None, "download": sha256(db), "etag": sha256(db)}

        built_mini.edit(FACTS_FILE, "    value: 6\n", "    value: 6\n    note: rebuilt while served\n")
        code, _, err = built_mini.build(capsys)
        assert code == 0, err
        assert sha256(db) != before["download"]  # the file at the served path is another build now

        with concurrent.futures.ThreadPoolExecutor(8) as pool:  # every SQL thread, the new ones included
            during = list(pool.map(lambda _: served(base), range(24)))
        assert [state for state in during if state != before] == []
    finally:
        process.terminate()
        process.wait(10)

    process, base = gdfacts_serve(db)
    try:
        assert served(base) == {"note": "rebuilt while served", "download": sha256(db), "etag": sha256(db)}
        folders = [p.name for p in publication.snapshot_folder(db).iterdir() if p.is_dir()]
        assert folders == [sha256(db)[:16]]  # the old build's snapshot, held by no server, is gone
    finally:
        process.terminate()
        process.wait(10)


def test_a_snapshot_is_held_while_its_server_runs(built_mini, capsys):
    """Another server started on a newer build does not remove a snapshot in use."""
    db = built_mini.db
    first, first_base = gdfacts_serve(db)
    try:
        old = served(first_base)
        built_mini.edit(FACTS_FILE, "    value: 6\n", "    value: 6\n    note: a second build\n")
        assert built_mini.build(capsys)[0] == 0
        second, second_base = gdfacts_serve(db)
        try:
            assert served(second_base)["note"] == "a second build"
            assert served(first_base) == old
            assert {p.name for p in publication.snapshot_folder(db).iterdir() if p.is_dir()} == {
                old["download"][:16], sha256(db)[:16]}
        finally:
            second.terminate()
            second.wait(10)
    finally:
        first.terminate()
        first.wait(10)


def test_a_database_file_of_another_name_is_served_as_the_one_metadata_describes(built_mini, tmp_path):
    """`gdfacts --db elsewhere/other.db serve`: the pages, the metadata's descriptions and queries, and the
    dashboard are those of guangdong_facts, as metadata.yml names it (they were a 404 under /other/)."""
    other = tmp_path / "other.db"
    other.write_bytes(built_mini.db.read_bytes())
    process, base = gdfacts_serve(other)
    try:
        assert served(base)["download"] == sha256(other)
        database = httpx.get(f"{base}/guangdong_facts.json", timeout=30).json()
        assert "targets_vs_outcomes" in {query["name"] for query in database["queries"]}
        assert httpx.get(f"{base}/-/dashboards/growth", timeout=30).status_code == 200
        assert httpx.get(f"{base}/other.json", timeout=30).status_code == 404
    finally:
        process.terminate()
        process.wait(10)
