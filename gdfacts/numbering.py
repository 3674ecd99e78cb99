"""The numbers of records and citations in the database, from their fact file.

Each fact file has a number, the first FILE_BITS bits of the SHA-256 of its
path (data/facts/...), and a span of 2**PLACE_BITS numbers from its number
times 2**PLACE_BITS. Its n-th record (facts and targets counted together, in
the order the file lists them) has the rowid first + n, and its n-th citation
the id first + n. So:

- a record's numbers depend on its own fact file only: a database patched for
  the fact files that changed numbers every row as a database written whole
  does (gdfacts/rows.py), and a changed file's rows are one span to delete;
- a file's records and citations sort in their written order, one after the
  other, which keeps the full-text indexes small (they store each rowid as its
  distance from the one before);
- editing or renaming a fact file renumbers its own records and citations, no
  others.

A span holds 2**PLACE_BITS - 1 records and as many citations: more than a
fact file can hold, as one may be at most 8 MiB (inputs.MAX_INPUT_BYTES) and
a record or a citation takes more than a byte. Two fact files with the same
number cannot both be stored: the build refuses them (`same_number`), and one
of them must be renamed. Among 2,000 fact files (a million records) that
happens about once in 70,000 datasets.
"""

from __future__ import annotations

import hashlib

FILE_BITS = 36
PLACE_BITS = 26  # 36 + 26 bits: every number is a positive 63-bit integer, as SQLite's rowids are


def file_number(rel: str) -> int:
    """The number of the fact file at `rel` (its path, as data_file holds it)."""
    return int.from_bytes(hashlib.sha256(rel.encode()).digest()[:5], "big") >> (40 - FILE_BITS)


def span(rel: str) -> tuple[int, int]:
    """The first and last number of the fact file's span: its records are first + 1, first + 2, ..., and so are
    its citations."""
    first = file_number(rel) << PLACE_BITS
    return first, first + 2**PLACE_BITS - 1


def same_number(rel: str, other: str) -> str:
    """Why the fact file `rel` cannot be stored beside `other`."""
    return (f"has the same number in the database as {other} (the first bits of the SHA-256 of its path), "
            "which is rare; rename one of the two files")
