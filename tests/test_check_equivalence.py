"""The checks that issue 14 made faster, or made to hold less in memory, find
what they found before.

tests/previous/ holds the previous code, verbatim. For the readers (numerals,
periods, the words of a number read in their clause), `previous.installed()`
puts it back in place, so that each check is run twice, as it was and as it
is, and the two answers (a value, or the error raised and its message) must
be the same: on every line of every article of the repository (the real
data, tests/articles, tests/mini), on a synthetic corpus (bench/synth.py)
and on generated text made of the lexicon's own words, numerals, dates and
punctuation, at every span where a citation's stated words stand, at every
numeral, and at spans drawn at random. The rules across fact files, which
now see each record only through its keys, are run beside their previous
version on the same checks: generated fact files whose records collide in
key, id and value, and the real data. Relations and outcomes, which now
read only the records they can look at, must find on those what they find
on every record.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import previous
import previous.corpus
import pytest
import yaml
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from gdfacts import clause, coverage, dataset, outcomes, quantities, relations, spec, strict_yaml
from gdfacts.lexicon import default, normal
from gdfacts.model import CITATION_COLUMNS, ROW_COLUMNS, FileCheck, Source
from gdfacts.problems import Problem
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


# --- the rules across fact files, on compact keys -----------------------------------------

ARTICLE = ["GDP grew 5 percent, exports 6 percent", "7 firms and 8 billion yuan", "no number", "新增三十五家，增长12%"]


def corpus_problems_before_and_now(checks: list[FileCheck], sources: dict, none_unread: bool):
    """The problems the rules across fact files find, as they were and as they are, on the same checks
    (`none_unread`: every file in data/facts/ is a fact file, as Inputs.fact_files finds)."""
    answers = []
    for rules in (previous.corpus, corpus_rules):
        sources = {ident: replace(source, fact_file=None) for ident, source in sources.items()}
        for check in checks:  # the first file that names a source is its own, as the build decides
            if check.source_id is not None and sources[check.source_id].fact_file is None:
                sources[check.source_id].fact_file, sources[check.source_id].coverage_line = check.rel, check.coverage_line
        if rules is previous.corpus:
            as_before = [replace(c, uncovered=[(n, numeral) for n, _, _, numeral in c.uncovered]) for c in checks]
            every_file_named = none_unread and all(c.source_id is not None for c in checks)  # as dataset.py decided it
            corpus = rules.Corpus(as_before, sources, LEX, every_file_named)
        else:
            corpus = rules.Corpus(sources, LEX, every_file_named_a_source=none_unread)
            for check in checks:
                corpus.add(check)
        answers.append(rules.CORPUS_RULES.run(corpus))
    return answers


def article_sources(ids: list[str]) -> dict:
    return {ident: Source(spec.Entry({"id": ident, "seed": f"seeds/{ident}.txt"}, n + 1, {}), "data/sources.yml", ARTICLE)
            for n, ident in enumerate(ids)}


IDS = ["p", "q", "a-x-2024-actual"]


@st.composite
def fact_file_checks(draw):
    """A few fact files' checks, made as check_file makes them, over a few
    sources, with records of few keys, ids and values (so that they collide),
    and citations covering numerals of their own and other articles."""
    source_ids = ["s0", "s1", "s2"]
    checks = []
    for f in range(draw(st.integers(1, 5))):
        rel = f"data/facts/{f:03d}.yml"
        source = draw(st.sampled_from([*source_ids, None]))
        if source is None:
            checks.append(FileCheck(rel, None, 1, 1, [], {}, draw(st.sampled_from([[], [Problem(rel, 1, "bad")]])), []))
            continue
        records = []
        for line in range(draw(st.integers(0, 6))):
            region, indicator, period, kind = (draw(st.sampled_from(v)) for v in (
                ["a", "b"], ["x", "y"], ["2023", "2024"], ["actual", "target"]))
            ident = draw(st.sampled_from([f"{region}-{indicator}-{period}-{kind}", *IDS]))
            row = (ident, region, indicator, period, kind, draw(st.sampled_from([1.0, 2.0, -0.0, 0.0])), None, "CNY",
                   draw(st.sampled_from(["exact", "approximately"])), 0, None, None, draw(st.sampled_from([None, *IDS])),
                   rel, 10 + line)
            records.append(("facts" if kind == "actual" else "targets", row, ()))
        covered = {}
        for _ in range(draw(st.integers(0, 4))):
            place = (draw(st.sampled_from(source_ids)), draw(st.integers(1, len(ARTICLE))))
            spans = [(a, b) for a, b, _ in coverage.numerals(ARTICLE[place[1] - 1], LEX)]
            covered.setdefault(place, []).extend(draw(st.lists(st.sampled_from(spans), max_size=3)) if spans else [])
        own = Source(spec.Entry({"id": source}, 1, {}), "data/sources.yml", ARTICLE)
        checks.append(FileCheck(rel, source, 1, 2, records, covered, [], draw(st.sampled_from([[], [Problem(rel, 3, "x")]])),
                                corpus_rules.uncovered(own, covered, LEX)))
    return checks, article_sources(source_ids), draw(st.booleans())


@settings(max_examples=400)
@given(fact_file_checks())
def test_the_rules_across_fact_files_find_what_they_found_before(case):
    before, now = corpus_problems_before_and_now(*case)
    assert now == before


def test_the_generated_fact_files_break_every_rule_across_them():
    """The case above can fail: its corpora break each of the rules."""
    broken = set()

    @settings(max_examples=150)
    @given(fact_file_checks())
    def collect(case):
        for problem in corpus_problems_before_and_now(*case)[1][1]:
            broken.add(problem.message.split(" ")[0])

    collect()
    assert {"source", "repeats", "conflicts", "id", "conflicts_with", "seeds/s0.txt"} <= broken


# --- the records relations and outcomes are given --------------------------------------------

def stored(draw, n: int) -> tuple:
    region, indicator, period, kind, unit = (draw(st.sampled_from(v)) for v in (
        ["r1", "r2"], ["gdp", "trade", "growth", "other"], ["2022", "2023"], ["actual", "estimate", "target"],
        ["CNY", "USD", "percent"]))
    value = draw(st.sampled_from([1.0, 10.0, 100.0, 5.5]))
    citations = tuple((f"s{n}", n + 1, "q", "w", value / scale, None, 0.1, None, "exact", int(scale != 1), None,
                       None if scale == 1 else scale)
                      for scale in draw(st.lists(st.sampled_from([1.0, 1.0, 10.0]), min_size=1, max_size=3)))
    row = (f"id{n}", region, indicator, period, kind, value, None, unit, draw(st.sampled_from(["exact", "approximately"])),
           0, None, None, None, "data/facts/f.yml", n + 1)
    return ("targets" if kind == "target" else "facts", row, citations)


DECLARED = [
    relations.Relation("a", "at_most", "", 1, {"part": "trade", "whole": "gdp"}, {"trade": "CNY", "gdp": "CNY"}),
    relations.Relation("s", "sum", "", 2, {"total": "gdp", "parts": ["trade", "other"]}, {"gdp": "CNY", "trade": "CNY", "other": "CNY"}),
    relations.Relation("g", "growth", "", 3, {"growth": "growth", "level": "gdp", "revision": 0.05},
                       {"growth": "percent", "gdp": "CNY"}),
    relations.Relation("x", "exchange_rate", "", 4, {"currency": "USD", "equivalent": "CNY", "rate": "other", "band": 1.25},
                       {"other": "percent"}),
    relations.Relation("r", "restatement", "", 5, {}, {}),
]


@settings(max_examples=300)
@given(st.data(), st.lists(st.sampled_from(DECLARED), unique_by=lambda r: r.id, max_size=3))
def test_relations_and_outcomes_find_the_same_on_the_records_they_select(data, declared):
    records = [stored(data.draw, n) for n in range(data.draw(st.integers(0, 10)))]
    unit = ROW_COLUMNS.index("unit")
    for table, row, citations in records[:data.draw(st.integers(0, 3))]:  # a few in the other currency too
        other = {"USD": "CNY", "CNY": "USD"}.get(row[unit], "USD")
        records.append((table, (f"{row[0]}-{other}", *row[1:unit], other, *row[unit + 1:]), citations))
    targeted = {dataset.outcome_key(row) for table, row, _ in records if table == "targets"}  # as _fact_files finds them
    for_relations, targets, facts = dataset._selected(records, declared, targeted, LEX.units)

    def related(these):
        return repr(relations.check(declared, [], relations.records_of(these, ROW_COLUMNS, CITATION_COLUMNS, LEX.units)))

    assert related(for_relations) == related(records)

    def decided(targets, facts):
        return repr(outcomes.decide(targets, facts, [], {"gdp": "higher", "trade": "lower"}))

    assert decided(targets, facts) == decided(*outcomes.from_records(
        relations.records_of(records, ROW_COLUMNS, CITATION_COLUMNS, LEX.units)))


def test_the_real_data_is_checked_across_files_as_before(monkeypatch):
    """On the repository's own data: its fact files' checks put together as
    before, and its relations and outcomes found from the records selected."""
    checks = []
    real = dataset.check_files

    def kept(*args):
        for check, found in real(*args):
            checks.append(check)
            yield check, found

    monkeypatch.setenv("GDFACTS_CACHE", "off")
    monkeypatch.setattr(dataset, "check_files", kept)
    data = dataset.load(REPO)
    before, now = corpus_problems_before_and_now(checks, data.sources, True)
    assert now == before and len(checks) > 1
    records = list(data.records)
    declared, _ = dataset._declared_relations(dataset.Inputs(REPO), data.indicators, data.lexicon)
    targeted = {dataset.outcome_key(row) for table, row, _ in records if table == "targets"}
    for_relations, targets, facts = dataset._selected(data.records, declared[0], targeted, data.lexicon.units)
    assert declared[0] and targeted and len(for_relations) < len(records)
    as_related = [relations.records_of(these, ROW_COLUMNS, CITATION_COLUMNS, data.lexicon.units) for these in (for_relations, records)]
    assert repr(relations.check(*declared, as_related[0])) == repr(relations.check(*declared, as_related[1])) == repr(data.relations)
    better = {ident: e.get("better") for ident, e in data.indicators.items()}
    decided = [outcomes.decide(*these, data.statements, better) for these in (
        (targets, facts), outcomes.from_records(relations.records_of(records, ROW_COLUMNS, CITATION_COLUMNS, data.lexicon.units)))]
    assert repr(decided[0]) == repr(decided[1]) and repr(decided[0][0]) == repr(data.statuses)
    data.close()


# --- the type YAML gives a plain value --------------------------------------------------------

def previous_implicit_type(value: str) -> str:
    """strict_yaml.Scalar.implicit_type as it was (commit 5938a79), for a plain value."""
    tag = strict_yaml._resolver.resolve(yaml.ScalarNode, value, (True, False))
    return tag.rsplit(":", 1)[-1]


YAML_LOOKALIKES = ["2023", "2023-01-05", "5.5", "1e3", "0x1F", "0o17", "1_000", "true", "No", "on", "~", "null", "", ".inf",
                   "-.Inf", ".nan", "12:30:00", "2001-12-14t21:59:43.10-05:00", "<<", "=", "shenzhen", "actual", "0.0"]


@given(st.one_of(st.sampled_from(YAML_LOOKALIKES), st.text(max_size=12),
                 st.from_regex(r"[-+]?[0-9_.:eExXoO]{1,8}", fullmatch=True)))
def test_a_plain_value_is_typed_as_before(value):
    for _ in range(2):  # and again, once remembered
        assert strict_yaml.Scalar(value, 1, True).implicit_type() == previous_implicit_type(value)


# --- the records, read back file by file --------------------------------------------------------

def test_the_records_read_back_are_those_checked_whether_the_cache_holds_them_or_not(monkeypatch, tmp_path, request):
    checked = {}
    real = dataset.check_files

    def kept(*args):
        for check, found in real(*args):
            checked[check.rel] = check.records
            yield check, found

    monkeypatch.setattr(dataset, "check_files", kept)
    monkeypatch.setenv("GDFACTS_CACHE", "off")
    off = dataset.load(REPO)
    request.addfinalizer(off.close)
    monkeypatch.setenv("GDFACTS_CACHE", str(tmp_path / "cache"))
    on = dataset.load(REPO)
    request.addfinalizer(on.close)
    assert [f.rel for f in off.files] == [f.rel for f in on.files] == sorted(checked)
    assert all(f.held is not None and f.cache_key is None for f in off.files)  # in the temporary record store
    assert all(f.held is None and f.cache_key for f in on.files)  # in the cache, read back from it
    every = [record for rel in sorted(checked) for record in checked[rel]]
    assert list(off.records) == list(on.records) == list(off.records) == every
    assert len(off.records) == len(every) == sum(f.facts + f.targets for f in on.files)
    for f in off.files:
        assert f.records() == checked[f.rel]
        assert (f.facts, f.targets) == (sum(t == "facts" for t, _, _ in checked[f.rel]),
                                        sum(t == "targets" for t, _, _ in checked[f.rel]))
