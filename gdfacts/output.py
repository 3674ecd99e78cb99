"""Rows out: an aligned table for people, CSV, TSV, JSON, NL-JSON, Markdown.

Machine formats carry raw base-unit values; only the table is for reading.
The flags are sqlite-utils'.
"""

from __future__ import annotations

import csv
import io
import json

FLAGS = [
    ("--table", "table", "an aligned table (the default on a terminal)"),
    ("--csv", "csv", "comma-separated values with a header"),
    ("--tsv", "tsv", "tab-separated values with a header"),
    ("--json", "json", "a JSON array of objects (the default when piped)"),
    ("--nl", "nl", "newline-delimited JSON, one object per line"),
    ("--markdown", "markdown", "a Markdown table"),
]


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, indent=2) + "\n"
    if fmt == "nl":
        return "".join(json.dumps(dict(zip(columns, row)), ensure_ascii=False) + "\n" for row in rows)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return buffer.getvalue()
    cells = [[_cell(v) for v in row] for row in rows]
    if fmt == "markdown":
        lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt}")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def mark(line: str, quote: str, stated: str) -> str:
    """The cited line with the quote in [[ ]] and the stated words in ** **."""
    start = line.find(quote)
    if start < 0:
        return line
    inner = quote.replace(stated, f"**{stated}**", 1)
    return f"{line[:start]}[[{inner}]]{line[start + len(quote):]}"
