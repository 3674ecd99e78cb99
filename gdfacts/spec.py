"""The keys of every data/ file, their types, and the reading of YAML into them.

This module is the one place that says which keys a curated file may hold.
Values arrive as text from `strict_yaml`; each field's kind says how to read
it, and anything that does not fit becomes a Problem naming file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from . import periods
from .problems import Message, Problem
from .strict_yaml import Mapping, Node, Scalar, Sequence

# Every pattern must match the whole value (re.fullmatch): "2023\n" is not a year.
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
DIVISION_CODE_PATTERN = re.compile(r"[0-9]{6}")
PERIOD_PATTERN = periods.PATTERN
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
LARGEST_NUMBER = Decimal("1e30")
# Characters no text field may hold, however written (a YAML escape such as
# "\e" or "\0" included): control characters other than tab and line feed,
# the line and paragraph separators, and the bidirectional overrides that
# make a terminal or a page show text other than what is stored.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# Every message below starts with what is read ("record 'value': ", "fact file: ").
MESSAGES = (
    Message("`has an unknown key 'x'; known keys: ...`", "a typo, or a key in the wrong place", r": has an unknown key '"),
    Message("`is missing the key 'x'`", "add it", r": is missing the key '"),
    Message("`is empty; it is required` / `is empty` / `is an empty list`", "give it a value, or remove an optional key",
            r": is (empty|an empty list)"),
    Message("`must be a mapping of keys to values` / `must be a list` / `must be a single value, not a list`",
            "the YAML has another shape than the key takes: compare with an entry that builds (look for a stray `-` or a missing indent)",
            r": must be (a mapping|a list|a single value)"),
    Message("`'2023' is read as a number by YAML; put it in quotes`",
            "write `'2023'`: other YAML readers would not read it as text", r"' is read as [\w ]+ by YAML; put it in quotes"),
    Message("`'6' is in quotes, so it is text`", "write numbers without quotes", r"' is in quotes, so it is text"),
    Message("`'x' is not of the form expected: ...`", "write it in the form the message gives (ids are lower-case, periods ISO 8601)",
            r"' is not of the form expected: "),
    Message("`'six' is not a number` / `is not a whole number` / `is not a boolean` / `is too large to be a value here`",
            "write digits (6, 5.5, 3.46e12), a whole number for a line, true or false for a boolean",
            r"' is not a (number|whole number|boolean)|' is too large to be a value here"),
    Message("`holds the control character U+XXXX`", "remove it (often an escape such as `\\e` or `\\0` in double quotes)",
            r"' holds the control character U\+"),
)


def forbidden_character(text: str) -> str | None:
    """The first character of `text` that no text field may hold, as U+XXXX."""
    m = _FORBIDDEN.search(text)
    return f"U+{ord(m.group(0)):04X}" if m else None


def visible(text: str) -> str:
    """Text for a message: control characters shown as escapes, never sent raw."""
    return _FORBIDDEN.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text).replace("\n", "\\n").replace("\t", "\\t")


@dataclass(frozen=True)
class Field:
    kind: str  # text | texts (a list of text) | integer | number | boolean | list | map
    required: bool = True
    pattern: re.Pattern | None = None
    pattern_help: str = ""
    item: dict | None = None  # the spec of a list's mappings, or of a map


@dataclass
class Entry:
    """A mapping read against its spec: values by key, and the line of each key."""

    values: dict
    line: int
    lines: dict

    def __getitem__(self, key):
        return self.values[key]

    def get(self, key, default=None):
        value = self.values.get(key)
        return default if value is None else value

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


def _id(required=True):
    return Field("text", required, ID_PATTERN, "lower-case letters, digits and _ , starting with a letter")


CORRECTION = {
    "reason": Field("text"),
    "scale": Field("number", required=False),
}

CITATION = {
    "source": _id(required=False),
    "line": Field("integer"),
    "quote": Field("text"),
    "stated": Field("text"),
    "qualifier": Field("text", required=False),
    "correction": Field("map", required=False, item=CORRECTION),
}

RECORD = {
    "id": Field("text", False, re.compile(r"[a-z0-9][a-z0-9_-]*"), "lower-case letters, digits, _ and -"),
    "region": _id(),
    "indicator": _id(),
    "period": Field("text", True, PERIOD_PATTERN, periods.HELP),
    "period_basis": Field("text", required=False),
    "kind": Field("text"),
    "unit": Field("text", required=False),
    "value": Field("number"),
    "value_high": Field("number", required=False),
    "qualifier": Field("text", required=False),
    "note": Field("text", required=False),
    "conflicts_with": Field("text", required=False),
    "citations": Field("list", item=CITATION),
}

UNRECORDED = {
    "source": _id(required=False),
    "line": Field("integer"),
    "text": Field("text"),
    "reason": Field("text"),
}

OUTCOME_CITATION = {
    "source": _id(required=False),
    "line": Field("integer"),
    "quote": Field("text"),
    "stated": Field("text"),
}

OUTCOME = {
    "region": _id(),
    "indicator": _id(),
    "periods": Field("texts"),
    "period_basis": Field("text"),
    "outcome": Field("text", True, re.compile(r"met|missed"), "met or missed"),
    "citation": Field("map", item=OUTCOME_CITATION),
}

FACT_FILE = {
    "source": _id(),
    "records": Field("list", item=RECORD),
    "outcomes": Field("list", required=False, item=OUTCOME),
    "unrecorded": Field("list", required=False, item=UNRECORDED),
}

SOURCE = {
    "id": _id(),
    "seed": Field("text"),
    "sha256": Field("text", True, SHA256_PATTERN, "64 lower-case hexadecimal digits"),
    "title": Field("text"),
    "title_is_editorial": Field("boolean"),
    "title_zh": Field("text", required=False),
    "publisher": Field("text", required=False),
    "author": Field("text", required=False),
    "published": Field("text", False, re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"),
                       "ISO 8601 text: '2024', '2024-01' or '2024-01-23'"),
    "published_basis": Field("text", required=False),
    "url": Field("text", required=False),
}

REGION = {
    "id": _id(),
    "name": Field("text"),
    "name_zh": Field("text"),
    "level": Field("text"),
    "parent": _id(required=False),
    "division_code": Field("text", False, DIVISION_CODE_PATTERN, "six digits, in quotes"),
}

UNIT = {
    "id": Field("text", True, re.compile(r"[A-Za-z][A-Za-z0-9_]*"), "letters, digits and _ , starting with a letter"),
    "name": Field("text"),
    "name_zh": Field("text"),
    "description": Field("text"),
    "stated_by": Field("text"),
    "before": Field("texts", required=False),
    "after": Field("texts", required=False),
    "accepts": Field("texts", required=False),
    "min": Field("number"),
    "max": Field("number"),
    "whole": Field("boolean"),
}

INDICATOR = {
    "id": _id(),
    "name": Field("text"),
    "name_zh": Field("text", required=False),
    "description": Field("text"),
    "unit": Field("text"),
    "category": Field("text"),
    "better": Field("text", required=False),
}


RELATION = {
    "id": _id(),
    "kind": Field("text"),
    "why": Field("text"),
    # the members, by kind (relations/declared.py says which each kind needs)
    "total": _id(required=False),
    "parts": Field("texts", required=False),
    "part": _id(required=False),
    "whole": _id(required=False),
    "share": _id(required=False),
    "level": _id(required=False),
    "growth": _id(required=False),
    "difference": _id(required=False),
    "minuend": _id(required=False),
    "subtrahend": _id(required=False),
    "subtrahend_period": Field("text", False, re.compile(r"same|previous_year"), "same or previous_year"),
    "currency": Field("text", required=False),
    "equivalent": Field("text", required=False),
    "rate": _id(required=False),
    "band": Field("number", required=False),
    "revision": Field("number", required=False),
}

ACKNOWLEDGED = {
    "relation": _id(),
    "region": _id(),
    "period": Field("text", True, PERIOD_PATTERN, periods.HELP),
    "indicator": _id(required=False),
    "deviation": Field("number"),
    "reason": Field("text"),
}

RELATIONS_FILE = {
    "relations": Field("list", item=RELATION),
    "acknowledged": Field("list", required=False, item=ACKNOWLEDGED),
}

# The keys of CITATION.cff the build reads: the dataset's version, its release
# date and its licence (an SPDX identifier). The Citation File Format defines
# the file's other keys, and tests/test_release.py checks it against that format.
RELEASE = {
    "version": Field("text"),
    "date-released": Field("text", True, re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"),
                           "an ISO 8601 date in quotes, such as '2026-11-24'"),
    "license": Field("text", True, re.compile(r"[A-Za-z0-9.+-]+"), "one SPDX licence identifier, such as CC-BY-4.0"),
}


def read_list(node: Node | None, item: dict, path: str, what: str) -> tuple[list[Entry], list[Problem]]:
    """A document that is a list of mappings (sources.yml, regions.yml, ...)."""
    problems: list[Problem] = []
    value = _read(node, Field("list", item=item), path, what, problems, line=1)
    return (value or []), problems


def read_map(node: Node | None, item: dict, path: str, what: str) -> tuple[Entry | None, list[Problem]]:
    """A document that is one mapping (a fact file)."""
    problems: list[Problem] = []
    value = _read(node, Field("map", item=item), path, what, problems, line=1)
    return value, problems


def _read(node, spec: Field, path, what, problems, line):
    def problem(at, message):
        problems.append(Problem(path, at, f"{what}: {message}"))

    if node is None or (isinstance(node, Scalar) and node.plain and node.implicit_type() == "null"):
        if spec.required:
            problem(getattr(node, "line", line), "is empty; it is required")
        return None

    if spec.kind == "map":
        if not isinstance(node, Mapping):
            problem(node.line, "must be a mapping of keys to values")
            return None
        values, lines = {}, {}
        for key, child in node.items.items():
            key_line = node.key_lines[key]
            if key not in spec.item:
                known = ", ".join(spec.item)
                problem(key_line, f"has an unknown key '{key}'; known keys: {known}")
                continue
            lines[key] = key_line
            field = spec.item[key]
            name = key if field.kind in ("list", "map") else f"{what} '{key}'"
            values[key] = _read(child, field, path, name, problems, key_line)
        for key, field in spec.item.items():
            if field.required and key not in node.items:
                problem(node.line, f"is missing the key '{key}'")
        return Entry(values, node.line, lines)

    if spec.kind == "list":
        if not isinstance(node, Sequence):
            problem(node.line, "must be a list")
            return None
        if spec.required and not node.items:
            problem(node.line, "is an empty list")
        singular = what[:-1] if what.endswith("s") else f"{what} entry"
        return [
            value
            for child in node.items
            if (value := _read(child, Field("map", item=spec.item), path, singular, problems, child.line)) is not None
        ]

    if spec.kind == "texts":
        if not isinstance(node, Sequence):
            problem(node.line, "must be a list of text")
            return None
        texts = [_read(child, Field("text"), path, what, problems, child.line) for child in node.items]
        return [t for t in texts if t is not None]

    if not isinstance(node, Scalar):
        problem(node.line, f"must be a single value, not a {'list' if isinstance(node, Sequence) else 'mapping'}")
        return None
    text = node.value

    if spec.kind == "text":
        implicit = node.implicit_type()
        if implicit != "str":
            problem(node.line, f"'{visible(text)}' is read as {_TYPE_NAMES.get(implicit, implicit)} by YAML; put it in quotes")
            return None
        if (bad := forbidden_character(text)) is not None:
            problem(node.line, f"'{visible(text)}' holds the control character {bad}; remove it")
            return None
        if text.strip() == "":
            problem(node.line, "is empty")
            return None
        if spec.pattern and not spec.pattern.fullmatch(text):
            problem(node.line, f"'{visible(text)}' is not of the form expected: {spec.pattern_help}")
            return None
        return text

    if not node.plain:
        problem(node.line, f"'{visible(text)}' is in quotes, so it is text; write the {spec.kind} without quotes")
        return None

    if spec.kind == "boolean":
        if text not in ("true", "false"):
            problem(node.line, f"'{visible(text)}' is not a boolean; write true or false")
            return None
        return text == "true"

    if spec.kind == "integer":
        if not _INTEGER.fullmatch(text):
            problem(node.line, f"'{visible(text)}' is not a whole number")
            return None
        return int(text)

    if spec.kind == "number":
        if not _NUMBER.fullmatch(text):
            problem(node.line, f"'{visible(text)}' is not a number; write digits, such as 6, 5.5 or 3.46e12")
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            problem(node.line, f"'{text}' is not a number")
            return None
        if abs(number) >= LARGEST_NUMBER:
            problem(node.line, f"'{text}' is too large to be a value here")
            return None
        return number

    raise AssertionError(f"unknown field kind {spec.kind}")  # pragma: no cover


_TYPE_NAMES = {
    "bool": "a boolean",
    "int": "a number",
    "float": "a number",
    "timestamp": "a date",
    "null": "empty",
    "merge": "a merge key",
    "value": "a value key",
}
