"""How the database is published with Datasette: one place for the settings,
used by `gdfacts serve`, `make serve`, the build and the tests.

Nothing here imports Datasette, so the build and the CLI stay quick."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
DATABASE = "guangdong_facts"  # the database's name in metadata.yml and in Datasette's URLs, whatever its file is called
PLUGINS_DIR = ROOT / "plugins"
TEMPLATE_DIR = ROOT / "templates"
SETTINGS = {
    "sql_time_limit_ms": 1000,  # a runaway query is stopped after a second
    "allow_download": True,  # the .db file downloads (immutable databases only)
    "max_returned_rows": 1000,
    "default_page_size": 50,  # rows a table page shows: writing a row costs the same at any size of database
    "suggest_facets": False,  # metadata.yml names the facets; suggesting others scans every column of big tables
}


def inspect_file(db: Path) -> Path:
    """Where the inspect file of `db` lives: beside it, `<stem>-inspect.json`."""
    db = Path(db)
    return db.with_name(db.stem + "-inspect.json")


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def inspect_data(db: Path, published_as: Path | None = None) -> dict:
    """What `datasette inspect` records for an immutable database: its hash,
    size and the row count of every table (tests compare the two). The build
    inspects its temporary file, `published_as` the path it is moved to."""
    db = Path(db)
    published_as = Path(published_as) if published_as is not None else db
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {}
        for name in names:
            try:
                counts[name] = {"count": conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]}
            except sqlite3.OperationalError:  # as Datasette does for tables it cannot count
                counts[name] = {"count": None}
    finally:
        conn.close()
    return {published_as.stem: {"hash": sha256_of(db), "size": db.stat().st_size, "file": str(published_as), "tables": counts}}


def inspect_text(db: Path, published_as: Path | None = None) -> str:
    """The inspect file's text (see inspect_data)."""
    return json.dumps(inspect_data(db, published_as), indent=2)


def write_inspect(db: Path) -> Path:
    """Write the inspect file of `db` atomically (`gdfacts serve` does when it is missing or stale;
    the build writes it with the database, see build.write)."""
    target = inspect_file(db)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(inspect_text(db))
        os.chmod(tmp, 0o444)  # readable by whoever serves it, like the database
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def ensure_inspect(db: Path) -> Path:
    """The inspect file of `db`, regenerated unless it describes exactly this file."""
    target = inspect_file(db)
    try:
        recorded = json.loads(target.read_text())[Path(db).stem]["hash"]
    except (OSError, ValueError, KeyError, TypeError):
        recorded = None
    if recorded != sha256_of(Path(db)):
        write_inspect(db)
    return target


def serve_argv(db: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The `datasette serve` command line for `db`: a snapshot of it (see
    snapshot()), immutable, with its inspect file, metadata, plugins,
    templates and SETTINGS."""
    served = snapshot(db)
    return [sys.executable, "-m", "datasette", "serve", "-i", str(served), "--inspect-file", str(inspect_file(served)),
            "--metadata", str(METADATA), "--plugins-dir", str(PLUGINS_DIR), "--template-dir", str(TEMPLATE_DIR),
            "-h", host, "-p", str(port), *setting_args()]


def snapshot_folder(db: Path) -> Path:
    """Where the snapshots of `db` are kept: `.<name>.served/` beside it."""
    return db.parent / f".{db.name}.served"


def snapshot(db: Path) -> Path:
    """The file a server of `db` serves: `.<name>.served/<hash>/guangdong_facts.db`
    (named as metadata.yml names the database, so that its descriptions,
    queries and dashboards apply whatever the file is called): a hard link
    to the database as it is now (a copy where the file system has no
    links), in a folder named by the first 16 hex digits of its SHA-256,
    with its inspect file beside it.

    A build never writes a database in place: it renames a new file over it.
    The link keeps the old file, so a server started on a snapshot serves the
    same build in its pages, its download and the download's ETag, whatever
    is built meanwhile, until it is restarted. The snapshot is held by a shared
    lock that this process, and the server it execs, keeps while it runs; each
    call removes the snapshots nobody holds."""
    db = Path(db)
    folder = snapshot_folder(db)
    folder.mkdir(exist_ok=True)
    taken = folder / f".{uuid.uuid4().hex}.tmp"
    try:
        os.link(db, taken)
    except OSError:
        shutil.copyfile(db, taken)
        os.chmod(taken, 0o444)
    try:
        held = folder / sha256_of(taken)[:16]
        while True:  # until the folder locked is the one on disk (a cleanup may remove it meanwhile)
            held.mkdir(exist_ok=True)
            lock = os.open(held / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(lock, fcntl.LOCK_SH)
            try:
                if os.stat(held / ".lock").st_ino == os.fstat(lock).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(lock)
        os.set_inheritable(lock, True)  # kept by the server `gdfacts serve` execs
        served = held / f"{DATABASE}.db"  # the name metadata.yml describes, whatever the file is called
        if not served.exists():
            os.replace(taken, served)
    finally:
        taken.unlink(missing_ok=True)
    ensure_inspect(served)
    _remove_unheld(folder, keep=held)
    return served


def _remove_unheld(folder: Path, keep: Path) -> None:
    """Remove each snapshot in `folder` but `keep` that no process holds."""
    for other in folder.iterdir():
        if other == keep or not other.is_dir():
            continue
        try:
            lock = os.open(other / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(other, ignore_errors=True)  # under the lock: a taker that opened it retries
        except BlockingIOError:
            pass  # a server holds it
        finally:
            os.close(lock)


def setting_args() -> list[str]:
    """SETTINGS as `datasette serve` options (also given to `datasette package`/`publish`)."""
    args = []
    for name, value in SETTINGS.items():
        args += ["--setting", name, ("on" if value else "off") if isinstance(value, bool) else str(value)]
    return args
