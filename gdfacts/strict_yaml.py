"""A YAML reader that only ever yields text, lists and mappings, with lines.

Curated files are read as a tree of plain nodes, never constructed into
Python objects, so no tag can run code. Anything that makes a YAML file mean
different things to different readers is refused with its line: anchors and
aliases (which also rules out exponential "billion laughs" documents), explicit
tags, keys given twice, non-text keys, several documents in one file, a
byte-order mark, bytes that are not UTF-8. Values stay text; `gdfacts.spec`
turns them into the types each field expects.

Two readers give the same trees. Most curated files use a small part of YAML
(block mappings and lists, one-line plain and quoted scalars, folded `>-`
notes, one-line lists such as `['2022', '2023']`); `_Lines` reads that part
line by line, about twice as fast as assembling libyaml's events in Python.
The moment a file steps outside it (or holds anything it would refuse, or
anything libyaml would reject) `_Lines` gives up and libyaml (PyYAML's C
parser, through its events) reads the whole file, and gives every problem.
`tests/test_yaml_readers.py` holds the two readers to the same tree, lines
and plain flags included, on every file the tests know and on generated ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import yaml
import yaml.resolver

from .problems import Message, Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()


@lru_cache(maxsize=2**14)
def _implicit_type(value: str) -> str:
    """The type PyYAML's resolver gives a plain value: which depends on the
    value alone, so each value of a corpus (kind, region, period ...) is
    resolved once."""
    return _resolver.resolve(yaml.ScalarNode, value, (True, False)).rsplit(":", 1)[-1]


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
MAX_DEPTH = 32  # curated files nest five levels; anything far deeper is not a data file

NOT_UTF8 = Message("`starts with a byte-order mark` / `is not UTF-8`", "save the file as UTF-8 without BOM",
                   r"starts with a byte-order mark|is not UTF-8 \(")
MESSAGES = (
    Message("`is not well-formed YAML: ...`", "fix the syntax at that line (indentation, an unclosed bracket or quote)",
            r"^is not well-formed YAML: "),
    Message("`gives the key 'x' twice`", "keep one", r"^gives the key '[^']*' twice"),
    Message("`uses the tag ...` / `defines the anchor ...` / `uses the alias ...` / `uses the merge key <<`",
            "write values out plainly; tags, anchors, aliases and merge keys are refused",
            r"^(uses the tag|defines the anchor|uses the alias|uses the merge key)"),
    NOT_UTF8,
    Message("`holds the character U+0000, which YAML does not allow`", "remove the control character (often pasted from a PDF)",
            r"^holds the character U\+[0-9A-F]+, which YAML does not allow"),
    Message(f"`nests more than {MAX_DEPTH} levels deep`", "a data file nests five levels; look for unbalanced brackets",
            r"^nests more than \d+ levels deep"),
    Message("`holds more than one YAML document`", "keep one document per file: remove the `---` and what follows, or merge it",
            r"^holds more than one YAML document"),
    Message("`has a key that is not plain text`", "keys are plain words, such as `value:`", r"^has a key that is not plain text"),
)


@dataclass
class Scalar:
    value: str
    line: int
    plain: bool  # unquoted: a YAML 1.1 reader may take it for a number, bool, date or null

    def implicit_type(self) -> str:
        """What a YAML 1.1 reader (PyYAML's safe_load) would make of this value."""
        if not self.plain:
            return "str"
        return _implicit_type(self.value)


@dataclass
class Sequence:
    items: list
    line: int


@dataclass
class Mapping:
    items: dict  # key text -> node
    line: int
    key_lines: dict = field(default_factory=dict)


Node = Scalar | Sequence | Mapping


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message


def load(data: bytes, path: str) -> tuple[Node | None, list[Problem]]:
    """Read one YAML document from bytes: its tree, or the problems that stop it."""
    if data.startswith(_BOMS):
        return None, [Problem(path, 1, "starts with a byte-order mark; save the file as UTF-8 without BOM")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, [Problem(path, line, f"is not UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8")]
    node = _Lines.read(text)
    if node is not None:
        return node, []
    return _load_with_libyaml(text, path)


def _load_with_libyaml(text: str, path: str) -> tuple[Node | None, list[Problem]]:
    try:
        return _compose(text), []
    except _Refused as e:
        return None, [Problem(path, e.line, e.message)]
    except yaml.reader.ReaderError as e:  # a character YAML does not allow, such as NUL
        line = text[: e.position].count("\n") + 1
        code = ord(e.character) if isinstance(e.character, str) else e.character
        return None, [Problem(path, line, f"holds the character U+{code:04X}, which YAML does not allow; remove it")]
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(x for x in (e.context, e.problem) if x)
        return None, [Problem(path, line, f"is not well-formed YAML: {what}")]
    except yaml.YAMLError as e:  # pragma: no cover - PyYAML marks its errors
        return None, [Problem(path, 1, f"is not well-formed YAML: {e}")]


def _compose(text: str) -> Node | None:
    events = yaml.parse(text, Loader=_Loader)
    root = None
    documents = 0
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(event.start_mark.line + 1, "holds more than one YAML document; keep one per file")
            root = _node(events, next(events), 1)
    return root


def _node(events, event, depth: int) -> Node:
    line = event.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise _Refused(line, f"nests more than {MAX_DEPTH} levels deep; a data file needs five")
    if isinstance(event, yaml.AliasEvent):
        raise _Refused(line, f"uses the alias *{event.anchor}; aliases are not allowed, write the value out")
    if getattr(event, "anchor", None):
        raise _Refused(line, f"defines the anchor &{event.anchor}; anchors are not allowed, write values out")
    tag = getattr(event, "tag", None)
    if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
        raise _Refused(line, f"uses the tag {tag}; tags are not allowed")
    if isinstance(event, yaml.ScalarEvent):
        return Scalar(event.value, line, plain=not event.style and tag is None)
    if isinstance(event, yaml.SequenceStartEvent):
        items = []
        for child in events:
            if isinstance(child, yaml.SequenceEndEvent):
                return Sequence(items, line)
            items.append(_node(events, child, depth + 1))
    if isinstance(event, yaml.MappingStartEvent):
        mapping = Mapping({}, line)
        for key_event in events:
            if isinstance(key_event, yaml.MappingEndEvent):
                return mapping
            key = _node(events, key_event, depth + 1)
            if not isinstance(key, Scalar):
                raise _Refused(key.line, "has a key that is not plain text")
            if key.value == "<<":
                raise _Refused(key.line, "uses the merge key <<; write the values out")
            if key.value in mapping.items:
                raise _Refused(
                    key.line,
                    f"gives the key '{key.value}' twice (first on line {mapping.key_lines[key.value]})",
                )
            mapping.items[key.value] = _node(events, next(events), depth + 1)
            mapping.key_lines[key.value] = key.line
    raise _Refused(line, f"has unexpected YAML content ({type(event).__name__})")  # pragma: no cover


# The part of YAML that `_Lines` reads. A file is outside it if it holds any
# character that is not printable (tabs, carriage returns, other line breaks,
# a byte-order mark, control characters: also non-breaking spaces). A document
# marker (`---`, `...`) or directive (`%`) is neither a key nor an entry, so the
# reader gives up at it.
_NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")  # indicators: a plain scalar starts with none of them
_FIRST = r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]"
_PLAIN_KEY = rf"{_FIRST}(?:[^:#,\[\]{{}}\n]*[^\s:#,\[\]{{}}])?"  # no `:` or `#` inside, ends in a non-space
# Every line: its indent, a `- ` entry, a `key:` and the rest (a value, a comment or nothing).
_LINE = re.compile(rf"^( *)(-(?: +|$))?(?:({_PLAIN_KEY}):(?: +|$))?(.*)$", re.M)
_COMMENT = r"(?: +#.*)? *$"
_SINGLE_QUOTED = re.compile(rf"'((?:[^']|'')*)'{_COMMENT}")
_DOUBLE_QUOTED = re.compile(rf'"((?:[^"\\]|\\["\\])*)"{_COMMENT}')  # escapes: only \" and \\
_ESCAPE = re.compile(r"\\(.)")
_FLOW_ITEM = (rf"(?:(?:{_FIRST}|-(?=[^\s:#,\[\]{{}}]))(?:[^:#,\[\]{{}}]*[^\s:#,\[\]{{}}])?"
              rf"|'(?:[^']|'')*'|\"[^\"\\]*\")")
_FLOW_SEQUENCE = re.compile(rf"\[ *((?:{_FLOW_ITEM} *, *)*{_FLOW_ITEM})? *\]{_COMMENT}")
_FLOW_ITEMS = re.compile(rf"({_FLOW_ITEM}) *(?:,|$)")
_BLOCK_SCALAR = re.compile(rf"([>|])(-?){_COMMENT}")  # folded or literal, stripped or clipped


class _Outside(Exception):
    """The file steps outside the part of YAML that `_Lines` reads."""


class _Lines:
    """Reads a file in the common part of YAML, or gives up (None) for libyaml.

    Each method reads one node from a line index and returns it with the
    index of the line after it. A line is taken only in a form whose meaning
    to libyaml is certain; anything else raises `_Outside`.
    """

    @classmethod
    def read(cls, text: str) -> Node | None:
        if not text.replace("\n", "").isprintable():
            return None
        try:
            return cls(text).document()
        except _Outside:
            return None

    def __init__(self, text: str):
        self.text = text
        self.rows = _LINE.findall(text)  # per line: indent, `- `, key, rest
        self.end = len(self.rows)
        self.lines = text.split("\n")  # as they are, for block scalars
        if self.end != len(self.lines):  # pragma: no cover - one row a line, by the pattern
            raise _Outside

    def content(self, i: int) -> int:
        """The first line from i that is not blank or a comment."""
        rows, end = self.rows, self.end
        while i < end:
            _, dash, key, rest = rows[i]
            if dash or key or (rest and rest[0] != "#"):
                return i
            i += 1
        return i

    def document(self) -> Node:
        i = self.content(0)
        if i == self.end or self.rows[i][0]:
            raise _Outside  # empty, or the first line indented
        node, i = self.sequence(i, 0, 1) if self.rows[i][1] else self.mapping(i, 0, 1)
        if i < self.end:
            raise _Outside  # a line that no collection took
        return node

    def mapping(self, i: int, col: int, depth: int) -> tuple[Mapping, int]:
        """The block mapping whose first key is at column col of line i."""
        if depth >= MAX_DEPTH:
            raise _Outside
        rows, end = self.rows, self.end
        node = Mapping({}, i + 1)
        items, key_lines = node.items, node.key_lines
        key, rest = rows[i][2], rows[i][3]
        while True:
            if not key or key in items or key == "<<" or len(key) > 1000:  # libyaml allows keys of 1024
                raise _Outside
            key_lines[key] = line = i + 1
            if (rest and rest[0] not in _NOT_PLAIN_START and rest[-1] not in " :"
                    and " #" not in rest and ": " not in rest):  # most values: plain, as `value` reads them
                items[key], i = Scalar(rest, line, True), line
            elif rest and rest[0] != "#":
                items[key], i = self.value(i, col, rest, depth + 1)
            else:
                items[key], i = self.below(i, col, depth + 1, True)
            while i < end:
                indent, dash, key, rest = rows[i]
                if dash or key or (rest and rest[0] != "#"):
                    break
                i += 1
            else:
                return node, i
            if len(indent) != col or dash:
                return node, i  # to the collection it belongs to, if any

    def below(self, i: int, col: int, depth: int, of_key: bool) -> tuple[Node, int]:
        """The value of a `key:` (of_key) or `-` with nothing after it on line i, in a collection
        at column col: the lines more indented below it, or a key's indentless sequence, or empty."""
        j = self.content(i + 1)
        if j < self.end:
            indent, dash, _, _ = self.rows[j]
            if len(indent) > col:
                return self.sequence(j, len(indent), depth) if dash else self.mapping(j, len(indent), depth)
            if of_key and len(indent) == col and dash:  # a key's sequence may sit at the key's own column
                return self.sequence(j, col, depth)
        return Scalar("", i + 1, True), j

    def sequence(self, i: int, col: int, depth: int) -> tuple[Sequence, int]:
        """The block sequence whose first `-` is at column col of line i."""
        if depth >= MAX_DEPTH:
            raise _Outside
        rows = self.rows
        node = Sequence([], i + 1)
        while True:
            indent, dash, key, rest = rows[i]
            if key:
                item, i = self.mapping(i, col + len(dash), depth + 1)
            elif rest and rest[0] != "#":
                item, i = self.value(i, col, rest, depth + 1)
                i = self.content(i)
            else:
                item, i = self.below(i, col, depth + 1, False)
            node.items.append(item)
            if i == self.end:
                return node, i
            indent, dash, key, rest = rows[i]
            if len(indent) != col or not dash:
                return node, i

    def value(self, i: int, col: int, rest: str, depth: int) -> tuple[Node, int]:
        """The value that starts on line i (rest: from its first character), in a collection at column col."""
        first = rest[0]
        if first == "'":
            match = _SINGLE_QUOTED.match(rest) or _outside()
            return Scalar(match[1].replace("''", "'"), i + 1, False), i + 1
        if first == '"':
            match = _DOUBLE_QUOTED.match(rest) or _outside()
            return Scalar(_ESCAPE.sub(r"\1", match[1]), i + 1, False), i + 1
        if first == "[":
            match = _FLOW_SEQUENCE.match(rest) or _outside()
            if depth >= MAX_DEPTH:
                raise _Outside
            items = [] if match[1] is None else [_flow_item(item, i + 1) for item in _FLOW_ITEMS.findall(match[1])]
            return Sequence(items, i + 1), i + 1
        if first in ">|":
            return self.block_scalar(i, col, rest)
        if first in _NOT_PLAIN_START and not (first == "-" and rest[1:2] not in ("", " ")):
            raise _Outside  # an anchor, alias, tag, flow mapping, `? ` key or `- ` entry
        value = rest[: rest.index(" #")] if " #" in rest else rest
        value = value.rstrip(" ")
        if ": " in value or value[-1] == ":":
            raise _Outside
        return Scalar(value, i + 1, True), i + 1

    def block_scalar(self, i: int, col: int, rest: str) -> tuple[Scalar, int]:
        """A `>` or `|` scalar, stripped (`-`) or clipped, whose lines are all indented alike."""
        folded, strip = (_BLOCK_SCALAR.match(rest) or _outside()).groups()
        lines = self.lines
        j = i + 1
        while j < len(lines) and lines[j] == "":
            j += 1
        leading = j - i - 1
        first = lines[j].lstrip(" ") if j < len(lines) else ""
        indent = len(lines[j]) - len(first) if first else 0
        if indent <= col:
            raise _Outside  # empty, or only lines of spaces
        content = []
        while j < len(lines):
            line = lines[j]
            if line:
                text = line.lstrip(" ")
                if not text or (folded == ">" and len(line) - len(text) > indent):
                    raise _Outside  # a line of spaces, or a more-indented line of a folded scalar
                if len(line) - len(text) < indent:
                    break
                line = line[indent:]
            content.append(line)
            j += 1
        while not content[-1]:
            content.pop()
        if folded == "|":
            value = "\n".join(content)
        else:
            value, empty = content[0], 0
            for piece in content[1:]:
                if not piece:
                    empty += 1
                    continue
                value += ("\n" * empty if empty else " ") + piece
                empty = 0
        value = "\n" * leading + value + ("" if strip else "\n")
        return Scalar(value, i + 1, False), j


def _outside():
    raise _Outside


def _flow_item(item: str, line: int) -> Scalar:
    if item[0] == "'":
        return Scalar(item[1:-1].replace("''", "'"), line, False)
    if item[0] == '"':
        return Scalar(item[1:-1], line, False)
    return Scalar(item, line, True)
