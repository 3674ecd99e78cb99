"""Rows out: an aligned table for people, CSV, TSV, JSON, NL-JSON, Markdown.

Machine formats carry raw base-unit values; only the table is for reading.
The flags are sqlite-utils'. What reaches a terminal is printable: the
characters that steer a terminal or reorder text (C0 and C1 controls, DEL,
bidi overrides and isolates) are shown as escapes, never sent. JSON is
always JSON: a BLOB is {"$base64": true, "encoded": ...} (as sqlite-utils
writes it), an infinity or NaN is null (as JSON.stringify writes it).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata

FLAGS = [
    ("--table", "table", "an aligned table (the default on a terminal)"),
    ("--csv", "csv", "comma-separated values with a header"),
    ("--tsv", "tsv", "tab-separated values with a header"),
    ("--json", "json", "a JSON array of objects (the default when piped)"),
    ("--nl", "nl", "newline-delimited JSON, one object per line"),
    ("--markdown", "markdown", "a Markdown table"),
]

# Characters that must not reach a terminal as they are: C0 controls, DEL, C1
# controls, the line and paragraph separators, and the bidi marks, embeddings,
# overrides and isolates (Unicode's Bidi_Control, with LRM and RLM). JSON
# escapes C0 itself and leaves the others raw.
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
UNPRINTABLE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
_RAW_IN_JSON = re.compile(f"[{_BEYOND_C0}]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with every unprintable character as an escape: \\n, \\x1b, \\u202e."""
    return UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def width(text: str) -> int:
    """The columns a terminal gives `text`: two for wide and full-width
    characters (Chinese), none for combining marks and format characters."""
    if text.isascii():
        return len(text)  # printable already: its controls are escapes
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def render(columns: list[str], rows: list[tuple], fmt: str, escape: bool = False) -> str:
    """The rows in `fmt`; `escape` makes CSV and TSV printable too (for a
    terminal). The table and Markdown are always printable, JSON by its escapes."""
    if fmt == "json":
        return json_text([dict(zip(columns, row)) for row in rows]) + "\n"
    if fmt == "nl":
        return "".join(json_text(dict(zip(columns, row)), indent=None) + "\n" for row in rows)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        clean = printable if escape else str
        writer.writerow([clean(c) for c in columns])
        writer.writerows([clean(_text(v)) for v in row] for row in rows)
        return buffer.getvalue()
    columns = [printable(c) for c in columns]
    cells = [[printable(_cell(v)) for v in row] for row in rows]
    if fmt == "markdown":
        lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        widths = [max([width(c)] + [width(row[i]) for row in cells]) for i, c in enumerate(columns)]
        lines = ["  ".join(pad(c, w) for c, w in zip(columns, widths)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt}")


def _cell(value) -> str:
    """A value for people: whole floats without '.0', a BLOB by its size."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, bytes):
        return f"<binary: {len(value)} bytes>"
    return _text(value)


def _text(value) -> str:
    """A value as CSV text: a BLOB in base64."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        import base64  # only for a BLOB

        return base64.b64encode(value).decode("ascii")
    return str(value)


def json_value(value):
    """A value JSON can hold: a BLOB as sqlite-utils encodes it, a float that
    is not finite as null."""
    if isinstance(value, bytes):
        return {"$base64": True, "encoded": _text(value)}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_text(data, indent: int | None = 2) -> str:
    """`data` (dicts and lists of values) as JSON that is printable: the
    characters json leaves raw (C1, bidi) as \\u escapes, which mean the same
    inside a string, the only place they can occur."""
    try:
        text = json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=False, default=_blob)
    except ValueError:  # an infinity or NaN somewhere (rare): walk the data for it
        text = json.dumps(_jsonable(data), ensure_ascii=False, indent=indent, allow_nan=False)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _blob(value):
    if isinstance(value, bytes):
        return json_value(value)
    raise TypeError(f"{type(value).__name__} is not a value of SQLite")


def _jsonable(data):
    if isinstance(data, dict):
        return {key: _jsonable(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_jsonable(value) for value in data]
    return json_value(data)


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
