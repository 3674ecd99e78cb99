"""Property-based tests (Hypothesis, repeatable profile in conftest.py) of the
parts that parse: the number reader and the YAML reader."""

from __future__ import annotations

import os
import subprocess
from decimal import Decimal

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from gdfacts import strict_yaml
from gdfacts.problems import Problem
from gdfacts.lexicon import default, normal
from gdfacts.quantities import Unreadable, format_quantity, format_quantity_zh, read_stated

# --- the number reader -----------------------------------------------------------

LEX = default()
HEDGES = LEX.hedges_before
SIGNS = {w: (1 if d == "up" else -1) for w, d in LEX.directions_before.items() if w.isascii() and " " not in w}
SCALES = {w: Decimal(10) ** p for w, p in LEX.scales.items()}
CURRENCY_AFTER = {w: u for w, u in LEX.unit_after().items() if LEX.units[u].stated_by == "currency"}
WORDS = sorted({*HEDGES, *LEX.hedges_after, *LEX.directions_before, *LEX.directions_after, *LEX.currency_before(),
                *LEX.unit_after(), *LEX.scales, *LEX.cardinals, *LEX.ordinals, *LEX.first_place, *LEX.multiples,
                *LEX.ranges, *LEX.chinese_digits, *LEX.chinese_units, "rank", "-", "−", ",", ".", "%", "$"})
NUMERALS = st.from_regex(r"[0-9]{1,3}(,[0-9]{3}){0,3}(\.[0-9]{1,4})?|[0-9]{1,9}(\.[0-9]{1,4})?", fullmatch=True)
TOKENS = st.one_of(st.sampled_from(WORDS), NUMERALS, st.text(max_size=4))


@given(st.text(max_size=60))
def test_the_reader_answers_any_text_with_a_value_or_unreadable(words):
    try:
        stated = read_stated(words)
    except Unreadable:
        return
    assert stated.value.is_finite() and stated.units and stated.step > 0


@given(st.lists(TOKENS, max_size=7).map(" ".join))
def test_the_reader_answers_any_mix_of_its_own_words_with_a_value_or_unreadable(words):
    try:
        stated = read_stated(words)
    except Unreadable:
        return
    assert stated.value.is_finite() and stated.units and stated.step > 0


# A value as the database holds it: up to 4 decimals, in the range of its unit.
AMOUNTS = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9e15"), places=4)
SHARES = st.decimals(min_value=Decimal("-100"), max_value=Decimal("1000"), places=2)
VALUES = st.one_of(
    st.tuples(AMOUNTS, st.sampled_from(["CNY", "USD", "HKD", "tonnes", "teu", "kwh"])),
    st.tuples(SHARES, st.sampled_from(["percent", "percentage_points"])),
    st.tuples(st.integers(0, 10**12).map(Decimal), st.sampled_from(["count", "persons", "enterprises"])),
    st.tuples(st.integers(1, 10**5).map(Decimal), st.just("rank")),
)


@given(VALUES)
def test_the_reader_reads_back_what_it_formats(value_and_unit):
    value, unit = value_and_unit
    shown = format_quantity(value, unit)

    stated = read_stated(shown)

    assert stated.value == value, shown
    assert unit in stated.units, shown


SIGNED_AMOUNTS = st.decimals(min_value=Decimal("-9e15"), max_value=Decimal("9e15"), places=4).filter(bool)
WORDED = st.one_of(
    VALUES,
    st.tuples(SIGNED_AMOUNTS, st.sampled_from(["CNY", "USD", "HKD"])),
    st.tuples(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2), st.sampled_from(
        ["times", "cny_per_usd", "cny_per_hkd", "cny_per_person"])),
)
QUALIFIERS = st.sampled_from([None, "exact", "approximately", "more_than", "at_least", "less_than", "at_most"])


@given(WORDED, QUALIFIERS, st.booleans())
def test_the_reader_reads_back_what_it_writes_in_words(value_and_unit, qualifier, as_range):
    value, unit = value_and_unit
    high = value * 2 if as_range and value > 0 and unit != "rank" else None
    shown = format_quantity(value, unit, high, words=True, qualifier=qualifier)

    stated = read_stated(shown)

    assert stated.value == value and stated.high == high, shown
    assert unit in stated.units, shown
    assert stated.qualifier == (None if qualifier in (None, "exact") else qualifier), shown


@given(VALUES)
def test_the_reader_reads_back_what_it_writes_in_chinese(value_and_unit):
    value, unit = value_and_unit
    shown = format_quantity_zh(value, unit)

    stated = read_stated(shown)

    assert stated.value == value, shown
    assert unit in stated.units, shown


NUMBER = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@given(NUMBER, st.sampled_from(sorted(w for w in SCALES if w.isascii())),
       st.sampled_from(sorted(w for w in CURRENCY_AFTER if w.isascii())),
       st.sampled_from([None, *sorted(HEDGES)]), st.sampled_from([None, *sorted(SIGNS)]))
def test_the_reader_reads_amounts_composed_as_articles_write_them(number, scale, currency, hedge, sign):
    words = " ".join(w for w in (hedge, sign, f"{number:f}", scale, currency) if w)

    stated = read_stated(words)

    assert stated.value == SIGNS.get(sign, 1) * number * SCALES[scale]
    assert CURRENCY_AFTER[currency] in stated.units
    assert stated.qualifier == (HEDGES[hedge] if hedge else None)


ZH_HEDGES = {w: q for w, q in HEDGES.items() if not w.isascii()}
ZH_SIGNS = {w: (1 if d == "up" else -1) for w, d in LEX.directions_before.items() if not w.isascii() and len(w) == 2}


@given(NUMBER, st.sampled_from(sorted(w for w in SCALES if not w.isascii())),
       st.sampled_from([None, *sorted(ZH_HEDGES)]), st.sampled_from([None, *sorted(ZH_SIGNS)]))
def test_the_reader_reads_chinese_amounts_composed_as_reports_write_them(number, scale, hedge, sign):
    words = "".join(w for w in (sign, hedge, f"{number:f}", scale, "元") if w)

    stated = read_stated(words)

    assert stated.value == ZH_SIGNS.get(sign, 1) * number * SCALES[scale]
    assert "CNY" in stated.units
    assert stated.qualifier == (ZH_HEDGES[hedge] if hedge else None)


@given(st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Zs")), max_size=30))
def test_the_reader_refuses_words_that_hold_no_number(words):
    known = normal(words)
    number_words = {*LEX.cardinals, *LEX.ordinals, *LEX.first_place, *LEX.fractions}
    assume(not any(f" {w} " in f" {known} " for w in number_words))
    with pytest.raises(Unreadable):
        read_stated(words)


# --- the YAML reader -----------------------------------------------------------------

YAML_PIECES = st.sampled_from([
    "\n", "  ", "- ", ": ", "key", "value", "'quoted'", '"dq"', "[", "]", "{", "}", ", ", "&a ", "*a", "<<: ",
    "!!python/object/apply:os.system ['touch pwned']", "!tag ", "!!str ", "---\n", "...\n", "# c\n", "|\n",
    ">-\n", "2023", "yes", "1e400", ".nan", "~", "\t", "\x00", "é", "\ufeff", "?", "%YAML 1.1\n",
])
YAML_TEXT = st.lists(YAML_PIECES, max_size=40).map("".join)


@pytest.fixture(autouse=True)
def nothing_runs(monkeypatch):
    """Should any YAML ever be constructed into a call, it would fail here."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"something tried to run {args!r}")
    for name in ("system", "popen", "execv", "execvp"):
        monkeypatch.setattr(os, name, refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)


BASE_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # the same parser as strict_yaml's, all text


def plain(node):
    """A tree of the reader as plain Python, to compare with PyYAML's BaseLoader (all text)."""
    if isinstance(node, strict_yaml.Scalar):
        return node.value
    if isinstance(node, strict_yaml.Sequence):
        return [plain(item) for item in node.items]
    if isinstance(node, strict_yaml.Mapping):
        return {key: plain(value) for key, value in node.items.items()}
    return node


def check_answer(data: bytes, answer):
    node, problems = answer
    assert isinstance(problems, list)
    if problems:
        assert node is None
        assert all(isinstance(p, Problem) and p.path == "f.yml" and p.line >= 1 for p in problems)
        assert all("\n" not in str(p) for p in problems)
    elif node is not None:
        assert plain(node) == yaml.load(data.decode("utf-8"), Loader=BASE_LOADER)


@given(st.binary(max_size=200))
def test_the_yaml_reader_answers_any_bytes_with_a_tree_or_problems(data):
    check_answer(data, strict_yaml.load(data, "f.yml"))


@given(YAML_TEXT)
def test_the_yaml_reader_answers_any_yaml_like_text_with_a_tree_or_problems(text):
    data = text.encode("utf-8")
    check_answer(data, strict_yaml.load(data, "f.yml"))


@given(st.integers(2, 30), st.integers(2, 12))
def test_an_expanding_document_is_refused_at_its_first_anchor(levels, width):
    lines = ["a0: &a0 lol"] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    node, problems = strict_yaml.load("\n".join(lines).encode(), "f.yml")
    assert node is None
    assert [str(p) for p in problems] == ["f.yml:1: defines the anchor &a0; anchors are not allowed, write values out"]
