"""The number reader: stated words to values in base units."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from conftest import REPO
from gdfacts.quantities import BOUNDS, UNITS, Unreadable, format_quantity, read_stated


@pytest.mark.parametrize(
    "words, value, unit, qualifier",
    [
        ("3.46 trillion yuan", "3.46e12", "CNY", None),
        ("$482 billion", "4.82e11", "USD", None),
        ("US$22.07 billion", "2.207e10", "USD", None),
        ("US$ 1.9 trillion", "1.9e12", "USD", None),
        ("1,332,402 billion yuan", "1.332402e15", "CNY", None),
        ("36737.52 billion yuan", "3.673752e13", "CNY", None),
        ("5.5 per cent", "5.5", "percent", None),
        ("6 percent", "6", "percent", None),
        ("4.8%", "4.8", "percent", None),
        ("down 8.5%", "-8.5", "percent", None),
        ("up 5.9 percent", "5.9", "percent", None),
        ("0.2 percentage points", "0.2", "percentage_points", None),
        ("170,000", "170000", "count", None),
        ("about 5.5 percent", "5.5", "percent", "approximately"),
        ("approximately 77,000", "77000", "count", "approximately"),
        ("exceeded 3.87 trillion yuan", "3.87e12", "CNY", "more_than"),
        ("surpass a milestone of 14 trillion yuan", "1.4e13", "CNY", "more_than"),
        ("over 30 percent", "30", "percent", "more_than"),
        ("first", "1", "rank", None),
        ("31st", "31", "count", None),
        ("third", "3", "count", None),
        ("six", "6", "count", None),
        ("top-ranking", "1", "rank", None),
        ("13,324.02 亿元", "1.332402e12", "CNY", None),
        ("-2.1%", "-2.1", "percent", None),
        ("−0.3 pp", "-0.3", "percentage_points", None),
        ("rank 3", "3", "rank", None),
    ],
)
def test_reads_stated_words(words, value, unit, qualifier):
    stated = read_stated(words)

    assert stated.value == Decimal(value)
    assert unit in stated.units
    assert stated.qualifier == qualifier


@pytest.mark.parametrize("words", ["", "GDP grew", "3.46 trillion percent", "first yuan", "six billion percent", "1.2.3", "nan", "inf percent",
                                   "down -8.5%", "rank 1.5", "rank first", "rank 2 billion"])
def test_refuses_what_it_cannot_read(words):
    with pytest.raises(Unreadable):
        read_stated(words)


def test_a_rounded_restatement_agrees_only_within_its_precision():
    headline = read_stated("1.3 trillion yuan")

    assert headline.agrees_with(Decimal("1.332402e12"), "approximately")
    assert not headline.agrees_with(Decimal("1.36e12"), "approximately")
    assert not headline.agrees_with(Decimal("1.332402e12"), "exact")


def test_a_lower_bound_agrees_with_values_above_it_only():
    bound = read_stated("exceeded 9 trillion yuan")

    assert bound.agrees_with(Decimal("9e12"), "more_than")
    assert bound.agrees_with(Decimal("9.1e12"), "more_than")
    assert not bound.agrees_with(Decimal("8.9e12"), "more_than")


@pytest.mark.parametrize(
    "value, unit, shown",
    [(3.46e12, "CNY", "3.46 trillion CNY"), (4.82e11, "USD", "482 billion USD"), (6.0, "percent", "6.0 %"),
     (-8.5, "percent", "-8.5 %"), (170000.0, "count", "170,000"), (1.0, "rank", "rank 1"), (0.2, "percentage_points", "0.2 pp")],
)
def test_formats_values_for_people(value, unit, shown):
    assert format_quantity(value, unit) == shown


def test_units_are_those_of_the_schema():
    db = sqlite3.connect(":memory:")
    db.executescript((REPO / "schema.sql").read_text())

    schema_units = {row[0] for row in db.execute("select id from units")}

    assert schema_units == set(UNITS) == set(BOUNDS)
