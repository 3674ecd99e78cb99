"""The YAML reader's two paths give the same answer: the line reader for the
common part of YAML (`strict_yaml._Lines`) either gives up or gives exactly
the tree libyaml's path gives (values, lines, plain flags, key lines), on
every YAML file the repository holds and on generated documents, clean and
broken. A document in the common part is read by the line reader."""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO
from gdfacts import strict_yaml

YAML_FILES = sorted(p for pattern in ("*.yml", "*.yaml") for p in REPO.glob(f"**/{pattern}")
                    if ".venv" not in p.parts and p.is_file() and not p.is_symlink())


def libyaml(text: str):
    return strict_yaml._load_with_libyaml(text, "f.yml")


def same_or_outside(text: str) -> bool:
    """The line reader's answer, if it gives one, is libyaml's; True if it gave one."""
    node = strict_yaml._Lines.read(text)
    if node is None:
        return False
    assert (node, []) == libyaml(text)
    return True


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_file_in_the_repository_reads_the_same_either_way(path):
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # refused before either reader sees it
    same_or_outside(text)
    if not data.startswith(b"\xef\xbb\xbf"):
        assert strict_yaml.load(data, "f.yml") == libyaml(text)


def test_the_files_the_tests_build_from_are_read_line_by_line():
    for path in sorted((REPO / "tests" / "mini").rglob("*.yml")):
        assert same_or_outside(path.read_text(encoding="utf-8")), path


def test_the_benchmark_corpus_is_read_line_by_line(tmp_path):
    spec = importlib.util.spec_from_file_location("synth", REPO / "bench" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    synth.generate(600, tmp_path)
    for path in sorted((tmp_path / "data").rglob("*.yml")):
        assert same_or_outside(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("text", [
    "a: 1\nb:\n  - x\n  - 'y'\n",
    "- id: x\n  name: \"a \\\"b\\\" \\\\ c\"\n  parent:\n- id: y\n",
    "records:\n- a: 1\n  b: [x, 'y z', \"w\"]\nsource: s # comment\n",
    "note: >-\n  one\n  two\n\n  three\nnext: |\n  kept\n    indented\n\n",
    "key: it's 3:4 #5 a-b\n# comment\n\n   \nother: -3.5\n",
    "k:\n  - - x\n",
    "- a\n-\n-\n  - b\n  -\n    c: d\n",
    "note: >\n  one\n   more indented\n  two\n", "note: |-\n  one\n   more indented\n\n  two\n\n\nnext: x\n",
])
def test_the_line_reader_takes_the_common_forms_or_gives_them_to_libyaml(text):
    same_or_outside(text)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: 1\na: 2\n", "<<: {a: 1}\n", "--- a\n--- b\n", "a: 1\n\tb: 2\n",
    "a: 1\r\nb: 2\r\n", "a:\n  b: 1\n c: 2\n", "a: b: c\n", "a: 'x\n  y'\n", "a: x\n  y\n", "[a, b]\n",
    "a: \"\\t\"\n", "a: {b: 1}\n", "a: >+\n  x\n", "a: >\n   x\n  y\n", "a:\n  - x\n  b: 1\n", "a: [x, y,]\n",
    "? a\n: b\n", "- - x\n", "a: 1\n- b\n", "a:\u00a0b\n", "a: \ufeffb\n", "%YAML 1.1\n---\na: 1\n",
    "".join(f"{' ' * n}k:\n" for n in range(40)),
])
def test_the_line_reader_leaves_whatever_it_need_not_understand_to_libyaml(text):
    assert strict_yaml._Lines.read(text) is None


# --- generated documents ---------------------------------------------------------------

CLEAN_KEY = st.from_regex(r"[a-z\u5e02][a-z_ 0-9]{0,5}[a-z0-9]|[a-z]", fullmatch=True)
CLEAN_PLAIN = st.from_regex(r"[a-zA-Z0-9\u00e9\u5e02.~(][a-zA-Z0-9 .,'\"()%\u00e9\u5e02:#/-]{0,12}",
                            fullmatch=True).filter(lambda s: ": " not in s and " #" not in s and s.rstrip(" ")[-1] != ":")
ANY_TEXT = st.text(st.sampled_from(list("ab 1:#'\"-\\[]{},&*!|>?%@`~.\u00e9\u5e02")), max_size=10)
SINGLE = ANY_TEXT.map(lambda s: "'" + s.replace("'", "''") + "'")
DOUBLE = ANY_TEXT.filter(lambda s: "\\" not in s).map(lambda s: '"' + s.replace('"', '\\"') + '"')
FLOW_PLAIN = st.from_regex(r"-?[a-z0-9\u5e02][a-z0-9 .\u5e02]{0,5}[a-z0-9]|[a-z]", fullmatch=True)
CLEAN_FLOW = st.lists(st.one_of(FLOW_PLAIN, SINGLE, DOUBLE.filter(lambda s: "\\" not in s)), max_size=3).map(
    lambda items: "[" + ", ".join(items) + "]")
CLEAN_INLINE = st.one_of(st.just(""), CLEAN_PLAIN, SINGLE, DOUBLE, CLEAN_FLOW,
                         CLEAN_PLAIN.map(lambda s: s + "  # note"))
BLOCK_LINES = st.lists(st.one_of(st.just(""), CLEAN_PLAIN), min_size=1, max_size=5).filter(lambda ls: any(ls))
CLEAN_BLOCK = st.tuples(st.sampled_from([">-", ">", "|", "|-"]), BLOCK_LINES)


def block(children):
    return st.one_of(
        st.tuples(st.just("seq"), st.lists(children, min_size=1, max_size=3)),
        st.tuples(st.just("map"), st.lists(st.tuples(CLEAN_KEY, children), min_size=1, max_size=3,
                                           unique_by=lambda kv: kv[0])),
    )


def tree(inline, blocks):
    return st.recursive(st.one_of(inline, blocks), block, max_leaves=8)


def render(node, indent: int, step: int, indentless: bool) -> list[str]:
    """The lines of a node that starts on a line of its own at column indent."""
    pad = " " * indent
    kind = node[0] if isinstance(node, tuple) and node[0] in ("seq", "map") else None
    if kind == "seq":
        lines = []
        for item in node[1]:
            lines += entry(pad + "-", item, indent, step, indentless, mapping_item=True)
        return lines
    if kind == "map":
        lines = []
        for key, value in node[1]:
            lines += entry(pad + key + ":", value, indent, step, indentless, mapping_item=False)
        return lines
    return scalar_lines(pad, node, indent, step)


def scalar_lines(prefix: str, node, indent: int, step: int) -> list[str]:
    if isinstance(node, tuple):  # a block scalar
        header, lines = node
        return [prefix + header] + [(" " * (indent + step) + line) if line else "" for line in lines]
    return [prefix + node]


def entry(head: str, value, indent: int, step: int, indentless: bool, mapping_item: bool) -> list[str]:
    kind = value[0] if isinstance(value, tuple) and value[0] in ("seq", "map") else None
    if kind is None:
        return scalar_lines(head + " ", value, indent, step)
    if mapping_item and kind == "map":  # `- key: value`, the rest of the mapping under the key
        inner = render(value, indent + 2, step, indentless)
        return [head + " " + inner[0][indent + 2:]] + inner[1:]
    if not mapping_item and kind == "seq" and indentless:
        return [head] + render(value, indent, step, indentless)
    return [head] + render(value, indent + step, step, indentless)


DOCUMENT = st.tuples(block(tree(CLEAN_INLINE, CLEAN_BLOCK)), st.integers(1, 3), st.booleans())


@given(DOCUMENT)
def test_a_document_in_the_common_part_of_yaml_is_read_line_by_line_as_libyaml_reads_it(document):
    node, step, indentless = document
    text = "\n".join(render(node, 0, step, indentless)) + "\n"
    assert same_or_outside(text), text


EDITS = st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["line", "start", "inside", "end"]), st.sampled_from(
    ["", " ", "   ", "# c", "  # c", "\t", "-", "- ", ":", ": ", " #", "'", '"', "\\", "\\t", "''", "[", "]", ",", "{",
     "&a", "*a", "!t", "? ", ">-", "|", "---", "...", "%", "\u00a0", "\r", "<<: x", "k: v", "  k: v", "k:", "- x",
     "  - x"])), max_size=4)


@given(DOCUMENT, EDITS)
def test_a_broken_or_unusual_document_is_read_as_libyaml_reads_it_or_left_to_libyaml(document, edits):
    node, step, indentless = document
    lines = render(node, 0, step, indentless)
    for at, where, piece in edits:  # a line of its own, or the piece put into a line
        at %= len(lines)
        line = lines[at]
        column = {"line": None, "start": 0, "inside": len(line) // 2, "end": len(line)}[where]
        if column is None:
            lines.insert(at, piece)
        else:
            lines[at] = line[:column] + piece + line[column:]
    same_or_outside("\n".join(lines) + "\n")
