"""The readers that issue 14 made faster give the results they gave before.

tests/previous/ holds the previous code, verbatim; `previous.installed()`
puts it back in place, so that each check below is run twice, as it was and
as it is, and the two answers (a value, or the error raised and its message)
must be the same: on every line of every article of the repository (the real
data, tests/articles, tests/mini), on a synthetic corpus
(bench/synth.py) and on generated text made of the lexicon's own words,
numerals, dates and punctuation, at every span where a citation's stated words
stand, at every numeral, and at spans drawn at random.
"""

from __future__ import annotations

import sys
from pathlib import Path

import previous
import pytest
import yaml
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st

from gdfacts import clause, coverage, quantities
from gdfacts.lexicon import default, normal
from gdfacts.rules import corpus as corpus_rules

LEX = default()


def answer(check, *args):
    """What a check gives: its value, or the error it raises with its message."""
    try:
        return "value", repr(check(*args))
    except (ValueError, KeyError, IndexError) as e:
        return type(e).__name__, str(e)


def as_before_and_now(check, *args):
    with previous.installed():
        before = answer(check, *args)
    return before, answer(check, *args)


def same_on_line(line: str, spans=()) -> None:
    """Every reader on one line: its numerals, the periods it names, the
    words of each span read in their clause, and the period that governs it."""
    for check in (coverage.numerals, clause.named_periods):
        before, now = as_before_and_now(check, line, LEX)
        assert now == before, (check.__name__, line)
    before, now = as_before_and_now(lambda text: quantities.tokens(normal(text), LEX), line)
    assert now == before, ("tokens", line)
    found = [(a, b) for a, b, _ in coverage.numerals(line, LEX)]
    for start, end in {*spans, *found}:
        for check in (clause.read, clause.governing_periods):
            before, now = as_before_and_now(check, line, start, end, LEX)
            assert now == before, (check.__name__, line, line[start:end])
    before, now = as_before_and_now(coverage.uncovered, line, found[::2], LEX)
    assert now == before, ("uncovered", line)


def texts(root: Path) -> dict[str, list[str]]:
    """The lines of every article under root (tests/articles keeps its own beside its fact files)."""
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8").split("\n") for p in sorted(root.rglob("*.txt"))
            if p.parent.name in ("seeds", "articles")}


def stated_words(root: Path) -> set[str]:
    """The stated words (and texts left unrecorded) of every fact file under root that YAML can read."""
    words: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("stated", "text") and isinstance(value, str) and value:
                    words.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted(root.rglob("*.yml")):
        try:
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            continue
    return words


def same_on_articles(root: Path) -> int:
    words = stated_words(root)
    lines = 0
    for text in texts(root).values():
        for line in text:
            spans = [span for w in words for span in coverage.spans_of(w, line)]
            same_on_line(line, spans)
            lines += 1
    return lines


@pytest.mark.parametrize("folder", ["seeds", "data", "tests/articles", "tests/mini"])
def test_every_line_of_the_repository_reads_as_before(folder):
    if folder == "data":  # the real data's stated words, on the real seeds
        words = stated_words(REPO / "data")
        for text in texts(REPO / "seeds").values():
            for line in text:
                same_on_line(line, [span for w in words for span in coverage.spans_of(w, line)])
        return
    assert same_on_articles(REPO / folder) > 0


def test_a_synthetic_corpus_reads_as_before(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import synth
    finally:
        sys.path.remove(str(REPO / "bench"))
    synth.generate(1500, tmp_path)
    assert same_on_articles(tmp_path) > 1500


def test_an_article_read_across_fact_files_leaves_the_same_numerals():
    lines = [line for text in texts(REPO / "seeds").values() for line in text]
    source = type("Source", (), {"entry": {"id": "s"}, "lines": lines})()
    covered = {("s", n): [(a, b) for a, b, _ in coverage.numerals(line, LEX)][1::2] for n, line in enumerate(lines, 1)}
    before, now = as_before_and_now(corpus_rules.uncovered, source, covered, LEX)
    assert now == before and now[1] != "[]"


# --- generated lines -----------------------------------------------------------------

def _words() -> list[str]:
    lex = LEX
    words = {*lex.periods, *lex.months, *lex.ranges, *lex.not_numbers, *lex.cardinals, *lex.fractions, *lex.ordinals,
             *lex.scales, *lex.hedges_before, *lex.hedges_after, *lex.directions_before, *lex.directions_after,
             *lex.fillers, *lex.blockers, *lex.multiples, *lex.first_place, *lex.chinese_digits, *lex.chinese_units,
             *lex.whole_year, *lex.year_before, *lex.year_after, *lex.currency_before(), *lex.unit_after(),
             lex.chinese_point, lex.chinese_percent, lex.chinese_ordinal, "rank"}
    return sorted(words)


WORDS = _words()
PIECES = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(str.upper),
    st.sampled_from(WORDS).map(str.title),
    st.from_regex(r"[0-9]{1,4}([.,][0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"(19|20)[0-9]{2}(-[0-9]{2}-[0-9]{2})?", fullmatch=True),
    st.from_regex(r"[０-９]{1,3}", fullmatch=True),
    st.sampled_from(list(",.;:!?()（）【】，、。；：！？%％-–—~至到年月日号$/ ") + ["st", "th", "G", "A", "İ", "Σ", "ß", "K"]),
    st.text(alphabet="abcxyz AZ0123456789一二三十百千万亿点年月的", max_size=4),
)
LINES = st.lists(st.tuples(PIECES, st.sampled_from(["", " ", " ", "，", ", "])), max_size=14).map(
    lambda parts: "".join(piece + gap for piece, gap in parts))


@given(LINES, st.data())
def test_generated_lines_read_as_before(line, data):
    n = len(line)
    spans = []
    if n:
        for _ in range(3):
            start = data.draw(st.integers(0, n - 1))
            spans.append((start, data.draw(st.integers(start + 1, n))))
    same_on_line(line, spans)


@given(st.text(max_size=40))
def test_any_text_reads_as_before(line):
    same_on_line(line, [(0, len(line))] if line else [])
