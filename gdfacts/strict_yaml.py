"""A YAML reader that only ever yields text, lists and mappings, with lines.

Curated files are read as a tree of plain nodes, never constructed into
Python objects, so no tag can run code. Anything that makes a YAML file mean
different things to different readers is refused with its line: anchors and
aliases (which also rules out exponential "billion laughs" documents), explicit
tags, keys given twice, non-text keys, several documents in one file, a
byte-order mark, bytes that are not UTF-8. Values stay text; `gdfacts.spec`
turns them into the types each field expects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
import yaml.resolver

from .problems import Message, Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()

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
        tag = _resolver.resolve(yaml.ScalarNode, self.value, (True, False))
        return tag.rsplit(":", 1)[-1]


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
