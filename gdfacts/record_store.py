"""The checked records of the fact files that the check cache does not hold
(the cache is off, or cannot be written), kept out of memory between
checking and writing.

A fact file's records are handed over once (`add`); they are pickled into an
anonymous temporary file (removed when the store is closed or the process
exits), and read back, one file's at a time, whenever they are needed
(`of_file`). Memory holds only where each file's records are.
"""

from __future__ import annotations

import os
import pickle
import tempfile


class RecordStore:
    """Records as model.Record.stored() gives them: (table, row, citation rows)."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(prefix="gdfacts-records-")
        self._end = 0
        self._where: dict[str, tuple[int, int]] = {}  # fact file -> (offset, length) of its pickled records

    def add(self, rel: str, records: list[tuple]) -> None:
        """A fact file's records, in file order, once."""
        if rel in self._where:
            raise ValueError(f"{rel} is in the store already")
        data = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
        written = 0
        while written < len(data):  # at its own offsets: no file position is shared
            written += os.pwrite(self._file.fileno(), data[written:], self._end + written)
        self._where[rel] = (self._end, len(data))
        self._end += len(data)

    def of_file(self, rel: str) -> list[tuple]:
        """One fact file's records, in file order."""
        offset, length = self._where[rel]
        data = os.pread(self._file.fileno(), length, offset)
        if len(data) != length:
            raise OSError(f"the records of {rel} could not be read back from the temporary file")
        return pickle.loads(data)

    def close(self) -> None:
        self._file.close()
