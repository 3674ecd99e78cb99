"""What a published database was built from, so that the next build knows
whether anything changed, and whether only fact files did.

For each database it writes, the build keeps a record (JSON, in the check
cache's folder under `builds/`, named for the database's absolute path; none
when the cache is off): the SHA-256 of every input file it read, the names in
data/ and seeds/, the builder (its code, Python, SQLite), and the SHA-256 of
the database and inspect file it wrote. The next build compares. Nothing
changed, and the database and its inspect file are the ones written: there is
nothing to do (`Previous.unchanged`), and nothing is imported beyond this
module, gdfacts.cache and gdfacts.publication (which import only the standard
library). Only fact files changed, and the database is the one written: it is the
base the new one is patched from (`Previous.plan`).

Hashing every file again would take long at scale, so each file's hash is
kept with its status (device, inode, mode, size, mtime and ctime to the
nanosecond) and trusted again while the status is the same, if the status was
taken when the file could not have changed unseen. A change to a file's content
sets its ctime to the kernel's clock whatever becomes of its mtime (an editor
or `touch -r` can put the mtime back; no system call sets the ctime), so a
status is trusted only when its ctime and mtime are older by MARGIN_NS than the
moment the file was read to be hashed: a file changed while, or just before, it
was read is hashed again the next time. This relies on the file system taking
its times from a clock that does not go back and does not lag the build's by
more than MARGIN_NS: true of local file systems.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import cache, publication
from .publication import sha256_of

FORMAT = 1
MARGIN_NS = 2 * 10**9
FACTS_PREFIX = "data/facts/"  # the inputs a patch may differ in (inputs.FACTS_DIR, not imported: this module stays light)
LISTED = ("data", "seeds")  # the folders whose names are compared: data/ at any depth (dot files aside), seeds/ (all)


def _status(path: Path) -> list[int] | None:
    try:
        s = os.lstat(path)
    except OSError:
        return None
    return [s.st_dev, s.st_ino, s.st_mode, s.st_size, s.st_mtime_ns, s.st_ctime_ns]


def _trusted(status: list[int] | None, read_at_ns: int) -> bool:
    return status is not None and max(status[4], status[5]) < read_at_ns - MARGIN_NS


def _entry(path: Path, digest: str, read_at_ns: int) -> dict:
    """A file's hash with its status now, trusted if it could not have changed since it was read."""
    status = _status(path)
    return {"sha256": digest, "status": status, "trusted": _trusted(status, read_at_ns)}


def _untrusted(path: Path, digest: str) -> dict:
    """A file just written (hashed before its status was taken): hashed again the next time."""
    return {"sha256": digest, "status": _status(path), "trusted": False}


def _same(path: Path, entry: dict) -> tuple[bool, dict]:
    """Whether the file still has the hash in `entry`: from its status when
    trusted, else by reading it; and the entry to keep."""
    status = _status(path)
    if status is None or not stat.S_ISREG(status[2]):
        return False, entry
    if entry["trusted"] and status == entry["status"]:
        return True, entry
    read_at = time.time_ns()
    try:
        digest = sha256_of(path)
    except OSError:
        return False, entry
    fresh = _entry(path, digest, read_at)
    if fresh["status"] != status:  # changed while read: its hash is not known
        return False, entry
    return digest == entry["sha256"], fresh


def listing(root: Path) -> dict[str, list[str]]:
    """The names in data/ (at any depth, dot files aside: the build reads none) and in seeds/ (every one).

    A folder in data/ that is a link to another (data/facts, say) is listed
    through it, as the build reads through it, each folder once however the
    links loop."""
    names: dict[str, list[str]] = {}
    for folder in LISTED:
        found = []
        seen = {_folder_id(root / folder)}
        for dirpath, dirnames, filenames in os.walk(root / folder, followlinks=folder == "data"):
            rel = Path(dirpath).relative_to(root).as_posix()
            if folder == "data":
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                filenames = [f for f in filenames if not f.startswith(".")]
            found += [f"{rel}/{name}" for name in (*dirnames, *filenames)]
            if folder == "seeds":
                dirnames.clear()
            else:
                kept = []
                for name in dirnames:
                    ident = _folder_id(Path(dirpath) / name)
                    if ident is not None and ident not in seen:
                        seen.add(ident)
                        kept.append(name)
                dirnames[:] = kept
        names[folder] = sorted(found)
    return names


def _folder_id(path: Path) -> tuple[int, int] | None:
    try:
        s = os.stat(path)
    except OSError:
        return None
    return s.st_dev, s.st_ino


def builder() -> dict[str, str]:
    """What wrote the database besides its inputs: the code, Python and SQLite."""
    return {"code": cache.code_digest(), "python": sys.version, "sqlite": sqlite3.sqlite_version}


def _record_path(output: Path) -> Path | None:
    folder = cache.directory()
    if folder is None:
        return None
    return folder / "builds" / (hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:32] + ".json")


def _store(output: Path, record: dict) -> None:
    path = _record_path(output)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(record, f)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # without a record the next build checks and writes everything: slower, never wrong


def save(root: Path, output: Path, listed: dict, inputs: list[tuple[str, str]], read_at_ns: int, database: str,
         inspect: str, counts: dict) -> None:
    """Record what the database at `output` (SHA-256 `database`, its inspect
    file's `inspect`) was built from: the folders as `listed` before the build
    read anything, at `read_at_ns` (time.time_ns()), and `inputs` as (path,
    SHA-256) read since."""
    output = Path(output)
    _store(output, {
        "format": FORMAT, "database": str(output.resolve()), "root": str(Path(root).resolve()), "builder": builder(),
        "listing": listed,
        "inputs": {rel: _entry(Path(root) / rel, digest, read_at_ns) for rel, digest in inputs},
        "outputs": {"database": _untrusted(output, database), "inspect": _untrusted(publication.inspect_file(output), inspect)},
        "counts": counts,
    })


def _well_formed(record) -> bool:
    """A record this version wrote (any other is not used)."""
    def entry(e) -> bool:
        return (isinstance(e, dict) and isinstance(e.get("sha256"), str) and isinstance(e.get("trusted"), bool)
                and (e.get("status") is None or isinstance(e.get("status"), list)))

    return (isinstance(record, dict) and record.get("format") == FORMAT
            and all(isinstance(record.get(k), str) for k in ("database", "root"))
            and all(isinstance(record.get(k), dict) for k in ("builder", "listing", "inputs", "outputs", "counts"))
            and all(map(entry, record["inputs"].values()))
            and all(entry(record["outputs"].get(k)) for k in ("database", "inspect")))


@dataclass
class Plan:
    """How to patch the previous database: copy `base`, check the copy is the
    database recorded, delete the rows of `changed` and `removed` fact files,
    write those of `changed` again."""

    base: Path
    sha256: str
    status: list[int] | None  # the base's status, when its hash is trusted from it
    changed: list[str]
    removed: list[str]

    def is_base(self, copy: Path) -> bool:
        """Whether `copy`, just copied from the base, is the database recorded."""
        if self.status is not None and _status(self.base) == self.status:
            return True
        return sha256_of(copy) == self.sha256


class Previous:
    """The record of the database at `output`, as the build that wrote it left it."""

    def __init__(self, root: Path, output: Path, record: dict):
        self.root, self.output, self.record = root, output, record

    @classmethod
    def read(cls, root: Path | str, output: Path | str) -> Previous | None:
        root, output = Path(root), Path(output)
        path = _record_path(output)
        if path is None:
            return None
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (not _well_formed(record) or record["database"] != str(output.resolve())
                or record["root"] != str(root.resolve())):
            return None
        return cls(root, output, record)

    @property
    def counts(self) -> dict:
        return dict(self.record["counts"])

    def unchanged(self) -> bool:
        """Nothing the database is built from has changed, and the database and
        its inspect file are those written. Hashes taken again are kept."""
        r = self.record
        if r["builder"] != builder() or r["listing"] != listing(self.root):
            return False
        before = json.dumps(r)
        for rel, entry in r["inputs"].items():
            same, fresh = _same(self.root / rel, entry)
            if not same:
                return False
            r["inputs"][rel] = fresh
        if not self.written():
            return False
        if json.dumps(r) != before:
            _store(self.output, r)
        return True

    def plan(self, inputs: list[tuple[str, str]]) -> Plan | None:
        """How to patch the previous database to the one `inputs` (path,
        SHA-256, every file the build read) give, or None when more than fact
        files changed, or the builder did."""
        r = self.record
        if r["builder"] != builder():
            return None
        old = {rel: entry["sha256"] for rel, entry in r["inputs"].items()}
        new = dict(inputs)
        differ = {rel for rel in old.keys() | new.keys() if old.get(rel) != new.get(rel)}
        if any(not (rel.startswith(FACTS_PREFIX) and rel.endswith(".yml")) for rel in differ):
            return None
        db = r["outputs"]["database"]
        return Plan(self.output, db["sha256"], db["status"] if db["trusted"] else None,
                    sorted(rel for rel in differ if rel in new), sorted(rel for rel in differ if rel not in new))

    def written(self) -> bool:
        """Whether the database and its inspect file are those written (hashes taken again are kept, see keep)."""
        r = self.record["outputs"]
        for path, name in ((self.output, "database"), (publication.inspect_file(self.output), "inspect")):
            same, fresh = _same(path, r[name])
            if not same:
                return False
            r[name] = fresh
        return True

    def keep(self, listed: dict, inputs: list[tuple[str, str]], read_at_ns: int) -> None:
        """After a build whose inputs give the database in place (see written):
        record the folders and inputs as that build read them (see save)."""
        r = self.record
        r["listing"] = listed
        r["inputs"] = {rel: _entry(self.root / rel, digest, read_at_ns) for rel, digest in inputs}
        _store(self.output, r)
