"""A cache of fact-file checks, keyed by content, so that a rebuild checks
again only what changed.

A key is the SHA-256 of the builder's own code, every input other than the
fact files (schema, reference lists, seeds), and the fact file's path and
bytes: a change to any of them is a different key, so a stale entry can never
be served. Entries live outside the repository (`~/.cache/gdfacts`, or
`$GDFACTS_CACHE`; `GDFACTS_CACHE=off` disables it), because they are pickles:
nothing a contribution can add to the repository is ever unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def directory() -> Path | None:
    setting = os.environ.get("GDFACTS_CACHE")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gdfacts"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The builder's own code: a new version of any module is a new cache."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def context_digest(inputs: dict[str, str]) -> str:
    """The code and every input a fact file's check depends on besides itself."""
    h = hashlib.sha256(code_digest().encode())
    for rel, digest in sorted(inputs.items()):
        h.update(f"{digest}  {rel}\n".encode())
    return h.hexdigest()


def key(context: str, rel: str, data: bytes) -> str:
    return hashlib.sha256(f"{context}\n{rel}\n".encode() + data).hexdigest()


def get(key: str, parts: int = 1):
    """The first object stored under `key` (the first `parts` of them, as a
    tuple, when parts > 1); None when there is no such entry."""
    where = directory()
    if where is None:
        return None
    try:
        with open(where / key[:2] / key, "rb") as f:
            read = tuple(pickle.load(f) for _ in range(parts))  # each pickle read only as far as it goes
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
        return None  # missing, or written by another version: check again
    return read[0] if parts == 1 else read


class Lost(Exception):
    """An entry the build had written or read was gone (or could no longer be
    read) when it read it again."""


def forget(key: str) -> None:
    """Remove the entry under `key`, if there is one: one that cannot be read
    whole is checked again by the next build, rather than its summary
    trusted and its records found unreadable once more."""
    where = directory()
    if where is not None:
        try:
            (where / key[:2] / key).unlink(missing_ok=True)
        except OSError:
            pass


def put(key: str, *values) -> bool:
    """Store `values` under `key`, one pickle after the other, so that the
    first can be read without the others; False if the cache is off or
    cannot be written."""
    where = directory()
    if where is None:
        return False
    folder = where / key[:2]
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            for value in values:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / key)
    except OSError:  # a cache that cannot be written only makes the next build slower
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # a file cut short by a full disk, say: nobody else would remove it
        return False
    return True
