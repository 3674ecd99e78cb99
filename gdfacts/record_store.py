"""The checked records of every source's own fact file, kept out of memory
between checking and writing.

Checking hands over each fact file's records once (`add`, in path order);
they are pickled, one fact file at a time, into an anonymous temporary file
(removed when the store is closed or the process exits), and read back
whenever they are needed: all of them in order (iterating the store), or one
file's (`of_file`). Memory holds only where each file's records are, and how
many there are of each kind.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from typing import Iterator


class RecordStore:
    """Records as model.Record.stored() gives them: (table, row, citation rows)."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(prefix="gdfacts-records-")
        self._end = 0
        self._where: dict[str, tuple[int, int]] = {}  # fact file -> (offset, length) of its pickled records
        self.counts = {"facts": 0, "targets": 0, "citations": 0}

    def add(self, rel: str, records: list[tuple]) -> None:
        """A fact file's records, in file order; files are added in path order, each once."""
        if rel in self._where:
            raise ValueError(f"{rel} is in the store already")
        data = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
        written = 0
        while written < len(data):  # at its own offsets, whatever another reader of the file does with its position
            written += os.pwrite(self._file.fileno(), data[written:], self._end + written)
        self._where[rel] = (self._end, len(data))
        self._end += len(data)
        for table, _, citations in records:
            self.counts[table] += 1
            self.counts["citations"] += len(citations)

    def files(self) -> list[str]:
        """The fact files whose records are here, in path order."""
        return list(self._where)

    def of_file(self, rel: str) -> list[tuple]:
        """One fact file's records, in file order."""
        offset, length = self._where[rel]
        data = os.pread(self._file.fileno(), length, offset)
        if len(data) != length:
            raise OSError(f"the records of {rel} could not be read back from the temporary file")
        return pickle.loads(data)

    def __iter__(self) -> Iterator[tuple]:
        for rel in list(self._where):
            yield from self.of_file(rel)

    def __len__(self) -> int:
        return self.counts["facts"] + self.counts["targets"]

    def close(self) -> None:
        self._file.close()
