"""A copy of the real dataset in which every free-text field a contributor
writes carries markup meant to run in a reader's browser (PAYLOAD): names,
descriptions, titles, publishers, authors, notes, period bases, reasons, the
relations' explanations, every line of every article (so every quote's
context and the articles themselves), and a javascript: address for each
source. It builds like any contribution: the build checks the data, not its
markup. What the server and the pages do with it is for the tests to see.

The payload breaks out of text, of double- and single-quoted attributes and
of a script, and if it ever runs it sets the page's title to MARKER."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml

from conftest import copy_real_data

MARKER = "XSS"
RUN = f"document.title='{MARKER}'"
PAYLOAD = (f'<img src=x onerror="{RUN}">"\'><svg onload="{RUN}"></script><script>{RUN}</script>')
JAVASCRIPT_URL = f"javascript:{RUN}"

# The free-text keys of data/ files (gdfacts/spec.py): a contributor writes them as they like.
FREE_TEXT = {"name", "name_zh", "description", "title", "title_zh", "publisher", "author", "published_basis",
             "period_basis", "note", "reason", "why"}
_KEY = re.compile(r"^(?P<prefix>\s*(?:- )?)(?P<key>[a-z_]+):(?P<rest>.*)$")
_BLOCK = {">", ">-", ">+", "|", "|-", "|+"}


def build_hostile(root: Path) -> None:
    """The real dataset, copied into root, with PAYLOAD in every free-text field and article line."""
    copy_real_data(root)
    for path in [*root.glob("data/*.yml"), *root.glob("data/facts/*.yml")]:
        if path.name != "lexicon.yml":  # the words the reader knows, not text for readers
            path.write_text(_hostile_yaml(path.read_text(encoding="utf-8")), encoding="utf-8")
    digests = {}
    for seed in sorted(root.glob("seeds/*.txt")):
        lines = seed.read_text(encoding="utf-8").split("\n")
        seed.write_text("\n".join(f"{line} {PAYLOAD}" if line.strip() else line for line in lines), encoding="utf-8")
        digests[seed.name] = hashlib.sha256(seed.read_bytes()).hexdigest()
    (root / "seeds" / "SHA256SUMS").write_text("".join(f"{d}  {name}\n" for name, d in digests.items()))
    sources = root / "data" / "sources.yml"
    text = sources.read_text(encoding="utf-8")
    for name, digest in digests.items():
        text = re.sub(rf"(seed: seeds/{re.escape(name)}\n(\s*)sha256: )[0-9a-f]{{64}}", rf"\g<1>{digest}", text)
    sources.write_text(text, encoding="utf-8")


def _hostile_yaml(text: str) -> str:
    """Each free-text value with PAYLOAD appended (an empty one becomes PAYLOAD), each url javascript:."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        line = lines[i]
        m = _KEY.match(line)
        i += 1
        if not m or m.group("key") not in FREE_TEXT | {"url"}:
            out.append(line)
            continue
        prefix, key, rest = m.group("prefix"), m.group("key"), m.group("rest").strip()
        if rest in _BLOCK:  # a block scalar: its lines are indented deeper than the key
            block = []
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > len(prefix)):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                i -= 1
                block.pop()
            indent = re.match(r"\s*", block[0]).group(0) if block else " " * (len(prefix) + 2)
            out += [line, *block, indent + (JAVASCRIPT_URL if key == "url" else PAYLOAD)]
            continue
        value = yaml.safe_load(rest) if rest else None
        if key == "url":
            value = JAVASCRIPT_URL
        elif value is None:
            value = PAYLOAD
        elif isinstance(value, str):
            value = f"{value} {PAYLOAD}"
        else:
            out.append(line)
            continue
        out.append(f"{prefix}{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(out)
