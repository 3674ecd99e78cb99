"""A build on a full disk says truthfully what happened, without a traceback,
and never leaves an inspect file describing another database than the one
beside it while it reports success or "left as it was"."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile

import pytest

import gdfacts.build
from conftest import FACTS_FILE, REPO, sha256
from gdfacts import publication

# An edit of the fact file no other test makes, so that its check is not already in the session's cache.
EDIT = ("  - region: shenzhen\n    indicator: gdp\n", "  - region: shenzhen\n    indicator: gdp\n    note: built on a full disk\n")


def state(mini) -> tuple:
    """The database and its inspect file, byte for byte, and any temporary file left beside them."""
    inspect = publication.inspect_file(mini.db)
    return (sha256(mini.db), inspect.read_bytes() if inspect.exists() else None,
            sorted(p.name for p in mini.root.iterdir() if p.name.endswith(".tmp")))


@pytest.mark.parametrize("how, reason", [("whole", "SQLite: disk I/O error"), ("patched", "File too large")])
def test_a_file_size_limit_while_writing_the_database_is_reported_and_changes_nothing(how, reason, built_mini):
    """The real build in its own process, with every file it writes limited to
    64 KiB (the database is several times that): the write fails, with
    SIGXFSZ ignored as a shell's `ulimit -f` leaves it, so write() returns EFBIG;
    SQLite's write when the database is written whole (no record of the previous
    build: the cache is off), the copy of the previous database when it is patched."""
    built_mini.edit(FACTS_FILE, *EDIT)
    before = state(built_mini)

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    env = {**os.environ, **({"GDFACTS_CACHE": "off"} if how == "whole" else {})}
    result = subprocess.run([sys.executable, str(REPO / "build_db.py"), "--root", "."], cwd=built_mini.root,
                            capture_output=True, text=True, timeout=120, preexec_fn=limited, env=env)

    assert result.returncode == 1
    assert result.stderr == f"Build failed: cannot write guangdong_facts.db: {reason}; it was left as it was.\n"
    assert state(built_mini) == before


def test_no_space_for_the_inspect_file_leaves_database_and_inspect_file_as_they_were(built_mini, capsys, monkeypatch):
    """The inspect file's temporary file is written to /dev/full, which answers
    every write with ENOSPC, as a disk that filled up after the database."""
    built_mini.edit(FACTS_FILE, *EDIT)
    before = state(built_mini)
    real_mkstemp = tempfile.mkstemp

    def full_for_the_inspect_file(*args, **kwargs):
        fd, name = real_mkstemp(*args, **kwargs)
        if os.path.basename(name).startswith(".guangdong_facts-inspect.json."):
            os.close(fd)
            fd = os.open("/dev/full", os.O_WRONLY)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", full_for_the_inspect_file)
    code, out, err = built_mini.build(capsys)

    assert code == 1 and out == ""
    assert err == f"Build failed: cannot write {built_mini.db}: No space left on device; it was left as it was.\n"
    assert state(built_mini) == before


def test_when_only_the_inspect_file_cannot_be_moved_into_place_the_message_says_so(built_mini, capsys, monkeypatch):
    built_mini.edit(FACTS_FILE, *EDIT)
    before = state(built_mini)
    inspect = publication.inspect_file(built_mini.db)
    real_replace = os.replace

    def failing_for_the_inspect_file(src, dst):
        if os.fspath(dst) == os.fspath(inspect):
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(gdfacts.build.os, "replace", failing_for_the_inspect_file)
    code, _, err = built_mini.build(capsys)

    assert code == 1
    assert err == (f"Build failed: cannot write {built_mini.db}: Input/output error; the new database is in place, "
                   "but not its inspect file: the previous one was removed, and gdfacts serve writes a new one.\n")
    db, inspect_bytes, temporaries = state(built_mini)
    assert db != before[0] and inspect_bytes is None and temporaries == []
    monkeypatch.undo()
    publication.ensure_inspect(built_mini.db)  # as gdfacts serve does
    assert publication.inspect_file(built_mini.db).read_text() == publication.inspect_text(built_mini.db)


def test_a_check_cache_that_cannot_grow_only_makes_the_check_slower(mini, tmp_path):
    """The check cache on a full disk (here every file the build writes is limited to 32 KiB: the cache's
    entries fit, the keys database kept beside them does not): the check finds what it finds with the cache
    off, and says so without a traceback; the next check, with room, keeps its keys."""
    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (32 * 1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    def check(env, preexec_fn=None):
        return subprocess.run([sys.executable, str(REPO / "build_db.py"), "--root", ".", "--check"], cwd=mini.root,
                              capture_output=True, text=True, timeout=120, preexec_fn=preexec_fn, env={**os.environ, **env})

    cached = {"GDFACTS_CACHE": str(tmp_path / "cache")}
    off = check({"GDFACTS_CACHE": "off"})
    assert off.returncode == 0 and off.stdout.startswith("Checked: "), off.stderr

    full = check(cached, limited)

    assert (full.returncode, full.stdout, full.stderr) == (0, off.stdout, "")
    assert check(cached).stdout == off.stdout
    [kept] = (tmp_path / "cache" / "corpus").glob("*.sqlite")
    db = sqlite3.connect(kept)
    try:
        assert db.execute("SELECT file FROM fact_files").fetchall() == [(FACTS_FILE,)]
    finally:
        db.close()
