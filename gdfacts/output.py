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
    parts = marked_parts(line, quote, stated)
    if parts is None:
        return line
    before, quote_before, words, quote_after, after = parts
    inner = f"{quote_before}**{words}**{quote_after}" if words else quote_before + quote_after
    return f"{before}[[{inner}]]{after}"


def marked_parts(line: str, quote: str, stated: str) -> tuple[str, str, str, str, str] | None:
    """The cited line cut around its quote and, within the quote, the stated
    words: (before, quote before the words, the words, quote after, after).
    None when the quote is not on the line. The terminal and the web pages mark
    a citation by this one cut."""
    start = line.find(quote)
    if start < 0:
        return None
    at = quote.find(stated)
    if at < 0:
        at, stated = len(quote), ""
    return (line[:start], quote[:at], stated, quote[at + len(stated):], line[start + len(quote):])
