"""A build killed at any point leaves the previous database intact and nothing
a later build trips over; builds run at once all finish, and the result is one
complete database. Real processes, real SIGKILL."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import REPO, copy_real_data, sha256

BUILD = [sys.executable, str(REPO / "build_db.py")]
NOTE_FROM = "      for them.\n"
NOTE_TO = "      for them (an edit, so that the new build differs).\n"


def build(root, check=True):
    return subprocess.run([*BUILD, "--root", str(root)], capture_output=True, text=True, timeout=120, check=check)


def temporaries(root):
    return sorted(p.name for p in root.iterdir() if p.name.endswith((".tmp", "-journal")) or ".tmp" in p.name)


def intact(db) -> bool:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                and conn.execute("PRAGMA foreign_key_check").fetchall() == []
                and conn.execute("SELECT count(*) FROM facts").fetchone()[0] > 0)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """A dataset whose previous database (old) differs from what its inputs now build (new)."""
    root = copy_real_data(tmp_path_factory.mktemp("killed"))
    build(root)
    old = sha256(root / "guangdong_facts.db")
    facts = root / "data/facts/000_shenzhen_report_2024.yml"
    text = facts.read_text(encoding="utf-8")
    assert NOTE_FROM in text
    facts.write_text(text.replace(NOTE_FROM, NOTE_TO, 1), encoding="utf-8")
    clean = copy_real_data(tmp_path_factory.mktemp("clean"))
    shutil.copy(facts, clean / "data/facts" / facts.name)
    build(clean)
    new = sha256(clean / "guangdong_facts.db")
    assert new != old
    return root, old, new


def kill_while_writing(root, delay: float) -> bool:
    """Start a build, wait until its temporary database appears, let it write
    for `delay` seconds, then SIGKILL it. True if it died with the file half written."""
    process = subprocess.Popen([*BUILD, "--root", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(name.startswith(".guangdong_facts.db.") and name.endswith(".tmp") for name in os.listdir(root)):
        if process.poll() is not None or time.monotonic() > deadline:
            return False
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return process.returncode == -signal.SIGKILL and any(name.endswith(".tmp") for name in os.listdir(root))


def test_a_build_killed_while_writing_leaves_the_previous_database(edited):
    root, old, new = edited
    db = root / "guangdong_facts.db"
    saved = root / "previous.db"
    shutil.copy(db, saved)
    rng = random.Random(5)
    hits = 0
    for attempt in range(12):
        hit = kill_while_writing(root, rng.uniform(0, 0.04))
        hits += hit
        assert sha256(db) in (old, new), f"attempt {attempt}: the database is neither the old nor the new one"
        assert intact(db)
        if sha256(db) == new:  # the kill came after the rename: put the old one back
            shutil.copy(saved, root / "restored.tmp-copy")
            os.replace(root / "restored.tmp-copy", db)
    assert hits >= 6, f"only {hits} of 12 kills landed while the database was being written"
    assert sha256(db) == old
    assert temporaries(root)  # the killed builds did leave their files behind ...

    saved.unlink()
    result = build(root)  # ... and the next build removes them and finishes
    assert "Built" in result.stdout
    assert temporaries(root) == []
    assert sha256(db) == new
    assert intact(db)


def test_builds_at_once_all_finish_with_one_complete_database(edited, tmp_path):
    root, _, new = edited
    env = {**os.environ, "GDFACTS_CACHE": str(tmp_path)}  # no record of the database in place: each one checks, the first to lock writes
    processes = [subprocess.Popen([*BUILD, "--root", str(root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=env) for _ in range(4)]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in processes]
    for out, err, code in results:
        assert code == 0, err
        assert out.startswith(("Built ", "Up to date: "))  # a build that waited for another's may find it done
    assert any(out.startswith("Built ") for out, _, _ in results)
    assert sha256(root / "guangdong_facts.db") == new
    assert intact(root / "guangdong_facts.db")
    assert temporaries(root) == []


def test_a_reader_never_sees_a_partial_database(edited):
    """While builds replace the file, every open by a reader finds a complete database."""
    root, old, new = edited
    db = root / "guangdong_facts.db"
    builders = [subprocess.Popen([*BUILD, "--root", str(root)], stdout=subprocess.DEVNULL) for _ in range(3)]
    seen = 0
    facts = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT count(*) FROM facts").fetchone()[0]
    while any(p.poll() is None for p in builders):
        assert sha256(db) in (old, new)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] == facts
        conn.close()
        seen += 1
    assert all(p.returncode == 0 for p in builders)
    assert seen > 0
