"""Reading numbers: the stated words (quantities), the words around them on
their line (clause), the numbers on a line (coverage) and periods."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from conftest import REPO
from gdfacts import clause, coverage, periods
from gdfacts.lexicon import default
from gdfacts.quantities import Unreadable, format_quantity, format_quantity_zh, read_stated

LEX = default()


@pytest.mark.parametrize(
    "words, value, unit, qualifier",
    [
        ("3.46 trillion yuan", "3.46e12", "CNY", None),
        ("$482 billion", "4.82e11", "USD", None),
        ("US$ 1.9 trillion", "1.9e12", "USD", None),
        ("1,332,402 billion yuan", "1.332402e15", "CNY", None),
        ("5.5 per cent", "5.5", "percent", None),
        ("down 8.5%", "-8.5", "percent", None),
        ("0.2 percentage points", "0.2", "percentage_points", None),
        ("170,000", "170000", "count", None),
        ("exceeded 3.87 trillion yuan", "3.87e12", "CNY", "more_than"),
        ("surpass a milestone of 14 trillion yuan", "1.4e13", "CNY", "more_than"),
        ("first", "1", "rank", None),
        ("31st", "31", "count", None),
        ("top-ranking", "1", "rank", None),
        ("-2.1%", "-2.1", "percent", None),
        ("−0.3 pp", "-0.3", "percentage_points", None),
        ("rank 3", "3", "rank", None),
        # the phrasing of wire reports
        ("3 trln yuan", "3e12", "CNY", None),
        ("about 422 billion U.S. dollars", "4.22e11", "USD", "approximately"),
        ("RMB1.213 trillion", "1.213e12", "CNY", None),
        ("CNY893.3 billion", "8.933e11", "CNY", None),
        ("exceeding 650,000 units", "650000", "count", "more_than"),
        ("HK$48.2 billion", "4.82e10", "HKD", None),
        ("2.1 billion tonnes", "2.1e9", "tonnes", None),
        ("30.7 million TEU", "3.07e7", "teu", None),
        ("912.1 billion kWh", "9.121e11", "kwh", None),
        ("close to 5 percent", "5", "percent", "approximately"),
        ("5 percent or above", "5", "percent", "at_least"),
        ("a million", "1000000", "count", None),
        ("sixty", "60", "count", None),
        ("half", "50", "percent", None),
        ("more than a century", "100", "count", "more_than"),  # a number of years in one word
        ("a decade", "10", "count", None),
        # Chinese
        ("14.16万亿元", "1.416e13", "CNY", None),
        ("13,324.02 亿元", "1.332402e12", "CNY", None),
        ("约7.4万家", "74000", "enterprises", "approximately"),
        ("近1.28亿人", "1.28e8", "persons", "approximately"),
        ("1000多亿元", "1e11", "CNY", "more_than"),
        ("3万余人", "30000", "persons", "more_than"),
        ("5%左右", "5", "percent", "approximately"),
        ("3.5%以上", "3.5", "percent", "at_least"),
        ("超过5.9万亿元", "5.9e12", "CNY", "more_than"),
        ("同比下降2.4%", "-2.4", "percent", None),
        ("提高0.5个百分点", "0.5", "percentage_points", None),
        ("百分之五", "5", "percent", None),
        ("百分之三点五", "3.5", "percent", None),
        ("两万家", "20000", "enterprises", None),
        ("三十五家", "35", "enterprises", None),
        ("一千零五", "1005", "count", None),
        ("１２８５万吨", "1.285e7", "tonnes", None),
        ("9121亿千瓦时", "9.121e11", "kwh", None),
        ("第三位", "3", "rank", None),
        ("第一", "1", "rank", None),
        ("首位", "1", "rank", None),
    ],
)
def test_reads_stated_words(words, value, unit, qualifier):
    stated = read_stated(words)

    assert stated.value == Decimal(value)
    assert unit in stated.units
    assert stated.qualifier == qualifier


@pytest.mark.parametrize("words, low, high", [
    ("5 to 5.5 percent", "5", "5.5"), ("4.5%-5%", "4.5", "5"), ("5%—5.5%", "5", "5.5"), ("5%至5.5%", "5", "5.5"),
    ("1.2 to 1.5 trillion yuan", "1.2e12", "1.5e12"),
])
def test_reads_a_range_as_its_two_ends(words, low, high):
    stated = read_stated(words)

    assert (stated.value, stated.high) == (Decimal(low), Decimal(high))


@pytest.mark.parametrize("words", ["", "GDP grew", "3.46 trillion percent", "first yuan", "six billion percent", "1.2.3",
                                   "nan", "inf percent", "down -8.5%", "rank 1.5", "rank first", "rank 2 billion",
                                   "5.5 to 5 percent", "5% to 5 yuan", "下降第一"])
def test_refuses_what_it_cannot_read(words):
    with pytest.raises(Unreadable):
        read_stated(words)


def test_an_unknown_word_is_named_with_what_was_understood_around_it():
    with pytest.raises(Unreadable) as refused:
        read_stated("some 3.4 gazillion yuan")

    assert "'gazillion' is not in the lexicon" in str(refused.value)
    assert "'3.4'" in str(refused.value) and "'yuan'" in str(refused.value)
    assert "unrecorded" in str(refused.value)


def test_a_rounded_restatement_agrees_only_within_the_precision_of_its_digits():
    headline = read_stated("1.3 trillion yuan")

    assert headline.restates(Decimal("1.332402e12"))
    assert headline.restates(Decimal("1.25e12")) and headline.restates(Decimal("1.35e12"))
    assert not headline.restates(Decimal("1.36e12"))


def read_on(line: str, stated: str) -> clause.Reading:
    start = line.index(stated)
    return clause.read(line, start, start + len(stated), LEX)


@pytest.mark.parametrize("line, stated, value", [
    ("output fell in 2023, down 7.5%", "7.5%", "-7.5"),
    ("imports were down by 7.5% last year", "7.5%", "-7.5"),
    ("a decrease of 7.5% in imports", "7.5%", "-7.5"),
    ("a contraction of 3% in output", "3%", "-3"),
    ("negative growth of 0.8 percent", "0.8 percent", "-0.8"),
    ("全省固定资产投资同比下降2.4%。", "2.4%", "-2.4"),
    ("涨幅比上年回落0.3个百分点", "0.3个百分点", "-0.3"),
    ("a 3 per cent rise in revenue", "3 per cent", "3"),
    ("imports fell to 147 billion yuan", "147 billion yuan", "147e9"),  # a level, not a change
    ("服务机器人产量增长1.08倍", "1.08倍", "108"),  # growth by a multiple is percent
    ("registered growth of 1.08 times year on year", "1.08 times", "108"),
    ("研发经费是2020年的1.5倍", "1.5倍", "1.5"),  # a ratio
    ("growth was 1.5 percentage points below the national pace", "1.5 percentage points", "-1.5"),
])
def test_the_clause_gives_the_sign_and_the_multiple(line, stated, value):
    assert read_on(line, stated).value == Decimal(value)


@pytest.mark.parametrize("line, stated, qualifier", [
    ("exports exceeded 2.5 trillion yuan", "2.5 trillion yuan", "more_than"),
    ("growth of close to 5 percent", "5 percent", "approximately"),
    ("a target of 5 percent or above", "5 percent", "at_least"),
    ("规上工业企业约7.4万家", "7.4万家", "approximately"),
    ("投入强度保持在3.5%以上", "3.5%", "at_least"),
    ("surpass a milestone of 14 trillion yuan (US$ 1.9 trillion)", "US$ 1.9 trillion", "more_than"),
])
def test_the_clause_gives_the_hedge(line, stated, qualifier):
    assert read_on(line, stated).qualifier == qualifier


@pytest.mark.parametrize("line, stated", [
    ("worth HK$482 billion", "$482 billion"),
    ("up 1.5 percentage points", "1.5 percent"),
    ("grew 12.5 percent", "2.5 percent"),
    ("GDP of 14.16万亿元", "14.16万"),
    ("worth 3.46 trillion yuan", "3.46 trillion"),
    ("or about 422 billion U.S. dollars", "422 billion"),
    ("RMB1.213 trillion", "1.213 trillion"),
    ("a range of 4.5%-5%", "5%"),
    ("a range of 4.5%-5%", "4.5%"),
    ("1000多亿元", "1000"),
])
def test_stated_words_must_begin_and_end_on_token_boundaries(line, stated):
    with pytest.raises(clause.OffBoundary):
        read_on(line, stated)


def test_a_count_of_enterprises_fits_a_count_indicator():
    assert "count" in read_on("高新技术企业超7.5万家", "超7.5万家").units | {
        u for u, unit in LEX.units.items() if set(unit.accepts) & read_on("高新技术企业超7.5万家", "超7.5万家").units}


def numerals(line):
    return [text for _, _, text in coverage.numerals(line, LEX)]


@pytest.mark.parametrize("line, found", [
    ("Dongguan added 2000 high-tech enterprises in 2024", ["2000"]),  # a count, not a year
    ("In 2022, exports grew", []),
    ("2024年全省地区生产总值14.16万亿元", ["14.16"]),
    ("1月15日，1—8月，前三季度增长3.4%", ["3.4"]),
    ("一季度同比增长4.4%，上半年增长3.9%", ["4.4", "3.9"]),
    ("进一步推进一体化，是之一", []),
    ("新增三十五家，达到两万家，增长百分之五", ["三十五", "两万", "百", "五"]),
    ("粮食产量１２８５万吨", ["１２８５"]),
    ("GUANGZHOU, Jan 15 (Xinhua) -- sixty projects, a million firms, more than half", ["sixty", "a million", "half"]),
    ("the first quarter of 2024 and the first half", []),
    ("5G base stations", []),
    ("the past decade, for decades, for centuries", ["decade"]),
    ("reporting for more than a century", ["a century", "century"]),  # both spans, inside "a century"
    ("Copyright 2017-2018", []),  # copyright years are dates
])
def test_coverage_sees_every_number_and_no_date(line, found):
    assert numerals(line) == found


@pytest.mark.parametrize("period, end", [
    ("2024", (2024, 12, 31)), ("2024-Q1", (2024, 3, 31)), ("2024-H1", (2024, 6, 30)),
    ("2024-01/2024-09", (2024, 9, 30)), ("2024-02", (2024, 2, 29)), ("2024-06-30", (2024, 6, 30)),
])
def test_periods_end_where_their_last_day_is(period, end):
    assert periods.problem(period) is None and periods.end(period) == end


@pytest.mark.parametrize("period", ["2024\n", "2024-Q5", "2024-H3", "2024-09/2024-01", "2024-01/2025-03", "2023-02-29", "24"])
def test_refuses_what_is_not_a_period(period):
    assert periods.problem(period) is not None


def test_periods_sort_by_year_as_text():
    ordered = sorted(["2025", "2024-Q1", "2023", "2024-01/2024-09", "2024-H1", "2024"])

    assert [p[:4] for p in ordered] == ["2023", "2024", "2024", "2024", "2024", "2025"]


@pytest.mark.parametrize(
    "value, unit, shown",
    [(3.46e12, "CNY", "3.46 trillion CNY"), (4.82e11, "USD", "482 billion USD"), (6.0, "percent", "6.0 %"),
     (-8.5, "percent", "-8.5 %"), (170000.0, "count", "170,000"), (1.0, "rank", "rank 1"),
     (0.2, "percentage_points", "0.2 pp"), (2.1e9, "tonnes", "2.1 billion tonnes")],
)
def test_formats_values_for_people(value, unit, shown):
    assert format_quantity(value, unit) == shown


@pytest.mark.parametrize(
    "value, unit, extra, shown",
    [(3.46e12, "CNY", {}, "3.46 trillion yuan"), (4.82e11, "USD", {}, "US$482 billion"),
     (5.5, "percent", {}, "5.5 percent"), (6.0, "percent", {}, "6 percent"), (-8.5, "percent", {}, "-8.5 percent"),
     (1.0, "rank", {}, "1st"), (2.0, "rank", {}, "2nd"), (13.0, "rank", {}, "13th"), (31.0, "count", {}, "31"),
     (170000.0, "persons", {}, "170,000 people"), (0.2, "percentage_points", {}, "0.2 percentage points"),
     (1e12, "CNY", {"qualifier": "more_than"}, "more than 1 trillion yuan"),
     (5.0, "percent", {"high": 5.5, "qualifier": "approximately"}, "about 5 to 5.5 percent"),
     (-5e9, "USD", {}, "-5 billion US dollars")],
)
def test_formats_values_in_words_as_a_sentence_says_them(value, unit, extra, shown):
    assert format_quantity(value, unit, words=True, **extra) == shown


def test_every_unit_has_its_words_and_its_label():
    from gdfacts.quantities import UNIT_LABELS, UNIT_WORDS

    units = {unit["id"] for unit in yaml.safe_load((REPO / "data" / "units.yml").read_text(encoding="utf-8"))}
    assert units - {"rank"} <= set(UNIT_WORDS) and units <= set(UNIT_LABELS)


def test_formats_values_as_a_chinese_report_writes_them():
    assert format_quantity_zh(Decimal("1.416e13"), "CNY") == "14.16万亿元"
    assert format_quantity_zh(Decimal("74000"), "enterprises") == "7.4万家"
