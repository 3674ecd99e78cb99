"""The numbers of records and citations in the database, from their content alone.

A fact's or target's rowid, and the id of each of its citations, follow from
the record's id: its number is the first 55 bits of the SHA-256 of the id, the
record's rowid is that number times 256, and its n-th citation (in the order
the fact file lists them) has the id rowid + n. So a record keeps its numbers
however other files change, a record's citations sort in their written order,
and a database patched for the fact files that changed numbers every row as a
database written whole does (gdfacts/rows.py).

Two ids whose numbers are the same cannot both be stored: the build refuses
them (`collision`), naming both, and one of them must be given another id.
Among a million records that happens about once in 70,000 datasets.
"""

from __future__ import annotations

import hashlib

BITS = 55  # 55 bits and a byte for the citation: every id fits SQLite's 63-bit integers
MAX_CITATIONS = 255  # n runs from 1 to 255


def record_rowid(ident: str) -> int:
    """The rowid of the record with id `ident` (in facts or targets)."""
    return (int.from_bytes(hashlib.sha256(ident.encode()).digest()[:7], "big") >> (56 - BITS)) << 8


def citation_id(record_rowid_: int, n: int) -> int:
    """The id of a record's n-th citation (n from 1)."""
    if not 1 <= n <= MAX_CITATIONS:
        raise ValueError(f"a record has at most {MAX_CITATIONS} citations")
    return record_rowid_ + n


def collision(ident: str, other: str, other_where: tuple[str, int]) -> str:
    """Why the record `ident` cannot be stored beside `other` (at `other_where`, file and line)."""
    return (f"record '{ident}' has the same number in the database as record '{other}' "
            f"({other_where[0]}:{other_where[1]}), which is rare; give one of them another id")
