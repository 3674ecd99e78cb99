"""A corpus of wrong readings, English and Chinese: each builds nothing and is
reported at its place in the fact file, while the same line read right
builds. Each case is one article line and one record written over tests/mini."""

from __future__ import annotations

import hashlib
import re

import pytest

RECORD = """source: mini_source
records:
  - region: shenzhen
    indicator: {indicator}
    period: '{period}'
    kind: actual
{unit}    value: {value}
{high}
    qualifier: {qualifier}
    citations:
      - line: 2
        quote: "{quote}"
        stated: "{stated}"
"""

# (line 2 of the article, indicator, stated words, the wrong reading, the right one);
# a reading is (value, qualifier[, unit[, period[, value_high]]]); the quote is the whole line.
CASES = {
    "fall outside the stated words": ("Exports fell in 2023, down 7.5%.", "exports_growth", "7.5%", ("7.5", "exact"), ("-7.5", "exact")),
    "fall inside the stated words": ("Exports were down 7.5% in 2023.", "exports_growth", "down 7.5%", ("7.5", "exact"), ("-7.5", "exact")),
    "a decrease of": ("Exports posted a decrease of 7.5% in 2023.", "exports_growth", "7.5%", ("7.5", "exact"), ("-7.5", "exact")),
    "a contraction of": ("Output saw a contraction of 3% in 2023.", "gdp_growth", "3%", ("3", "exact"), ("-3", "exact")),
    "negative growth": ("Exports showed negative growth of 7.5% in 2023.", "exports_growth", "7.5%", ("7.5", "exact"), ("-7.5", "exact")),
    "hedge dropped": ("Trade exceeded 2.5 trillion yuan in 2023.", "trade", "2.5 trillion yuan", ("2.5e12", "exact"), ("2.5e12", "more_than")),
    "a bound's value moved": ("Trade exceeded 1 trillion yuan in 2023.", "trade", "1 trillion yuan", ("9.9e15", "more_than"), ("1e12", "more_than")),
    "close to": ("GDP grew close to 5 percent in 2023.", "gdp_growth", "5 percent", ("5", "exact"), ("5", "approximately")),
    "or above": ("GDP grew 5 percent or above in 2023.", "gdp_growth", "5 percent", ("5", "exact"), ("5", "at_least")),
    "about stretched": ("Trade was about 100 billion yuan in 2023.", "trade", "100 billion yuan", ("149e9", "approximately"), ("100e9", "approximately")),
    "nearly stretched": ("GDP grew nearly 5 percent in 2023.", "gdp_growth", "5 percent", ("5.4", "approximately"), ("5", "approximately")),
    "scale x10": ("GDP reached 3.46 trillion yuan in 2023.", "gdp", "3.46 trillion yuan", ("3.46e13", "exact"), ("3.46e12", "exact")),
    "scale /10": ("GDP reached 3.46 trillion yuan in 2023.", "gdp", "3.46 trillion yuan", ("3.46e11", "exact"), ("3.46e12", "exact")),
    "HK$ read as $": ("The fund reached HK$482 billion in 2023.", "gdp", "$482 billion", ("482e9", "exact", "USD"), None),
    "HK$ read whole": ("The fund reached HK$482 billion in 2023.", "gdp", "HK$482 billion", ("482e9", "exact", "USD"), ("482e9", "exact", "HKD")),
    "percentage points read as percent": ("Growth rose 1.5 percentage points in 2023.", "gdp_growth", "1.5 percent", ("1.5", "exact"), None),
    "stated inside a number": ("Exports grew 12.5 percent in 2023.", "exports_growth", "2.5 percent", ("2.5", "exact"), None),
    "stated whole number": ("Exports grew 12.5 percent in 2023.", "exports_growth", "12.5 percent", ("2.5", "exact"), ("12.5", "exact")),
    "a multiple read as a percent": ("Exports grew 1.08 times in 2023.", "exports_growth", "1.08 times", ("1.08", "exact"), ("108", "exact")),
    "下降 read as a rise": ("2023年出口同比下降2.4%。", "exports_growth", "2.4%", ("2.4", "exact"), ("-2.4", "exact")),
    "约 dropped": ("2023年进出口总额约7.4万亿元。", "trade", "7.4万亿元", ("7.4e12", "exact"), ("7.4e12", "approximately")),
    "亿 for 万亿": ("2023年地区生产总值3.46万亿元。", "gdp", "3.46万亿元", ("3.46e8", "exact"), ("3.46e12", "exact")),
    "万亿 for 亿": ("2023年出口额3461亿元。", "trade", "3461亿元", ("3.461e12", "exact"), ("3.461e11", "exact")),
    "stated inside 万亿": ("2023年地区生产总值14.16万亿元。", "gdp", "14.16万", ("1.416e5", "exact"), None),
    "增长…倍 read as a ratio": ("2023年出口增长1.08倍。", "exports_growth", "1.08倍", ("1.08", "exact"), ("108", "exact")),
    "超过 dropped": ("2023年进出口总额超过9万亿元。", "trade", "9万亿元", ("9e12", "exact"), ("9e12", "more_than")),
    "左右 dropped": ("2023年经济增长5%左右。", "gdp_growth", "5%", ("5", "exact"), ("5", "approximately")),
    "回落 read as a rise": ("2023年出口增速回落2.1%。", "exports_growth", "2.1%", ("2.1", "exact"), ("-2.1", "exact")),
    "full-width digits": ("2023年经济增长５.２％。", "gdp_growth", "５.２％", ("52", "exact"), ("5.2", "exact")),
    "a quarter read as the year": ("Exports grew 4.4% in the first quarter of 2023.", "exports_growth", "4.4%",
                                   ("4.4", "exact", None, "2023"), ("4.4", "exact", None, "2023-Q1")),
    "a half read as a quarter": ("Exports grew 3.9% in the first half of 2023.", "exports_growth", "3.9%",
                                 ("3.9", "exact", None, "2023-Q1"), ("3.9", "exact", None, "2023-H1")),
    "前三季度 read as 三季度": ("2023年前三季度出口增长3.4%。", "exports_growth", "3.4%",
                           ("3.4", "exact", None, "2023-Q3"), ("3.4", "exact", None, "2023-01/2023-09")),
    "1—8月 read as the year": ("2023年1—8月，出口同比下降2.4%。", "exports_growth", "2.4%",
                             ("-2.4", "exact", None, "2023"), ("-2.4", "exact", None, "2023-01/2023-08")),
    "a range read as its low end": ("The 2023 growth target was 5 to 5.5 percent.", "gdp_growth", "5 to 5.5 percent",
                                    ("5", "exact"), ("5", "exact", None, "2023", "5.5")),
}


def write_case(mini, line: str, indicator: str, stated: str, reading) -> None:
    seed = f"Shenzhen Daily reports on the city's work report.\n{line}\n"
    mini.write("seeds/000_mini.txt", seed)
    digest = hashlib.sha256(seed.encode()).hexdigest()
    sources = mini.read("data/sources.yml")
    mini.write("data/sources.yml", re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", sources))
    value, qualifier, unit, period, high = (*reading, None, None, None)[:5]
    mini.write("data/facts/000_mini.yml", RECORD.format(
        indicator=indicator, unit=f"    unit: {unit}\n" if unit else "", value=value, qualifier=qualifier,
        period=period or "2023", high=f"    value_high: {high}\n" if high else "", quote=line, stated=stated))


@pytest.mark.parametrize("name", CASES)
def test_a_wrong_reading_is_refused_at_its_record(name, mini, capsys):
    line, indicator, stated, wrong, _ = CASES[name]
    write_case(mini, line, indicator, stated, wrong)

    code, _, err = mini.build(capsys)

    assert code == 1, name
    places = re.findall(r"^data/facts/000_mini\.yml:(\d+): ", err, flags=re.M)
    last = len(mini.read("data/facts/000_mini.yml").splitlines())
    assert places and all(3 <= int(n) <= last for n in places), err  # within the record, which starts on line 3
    assert not mini.db.exists()


@pytest.mark.parametrize("name", [n for n, case in CASES.items() if case[4] is not None])
def test_the_same_line_read_right_builds(name, mini, capsys):
    line, indicator, stated, _, right = CASES[name]
    write_case(mini, line, indicator, stated, right)

    code, _, err = mini.build(capsys)

    assert code == 0, err


PATTERNED = [
    ("data/facts/000_mini.yml", "period: '2023'", 'period: "2023\\n"'),
    ("data/facts/000_mini.yml", "region: shenzhen", 'region: "shenzhen\\n"'),
    ("data/facts/000_mini.yml", "kind: actual\n    value: 6", 'id: "x\\n"\n    kind: actual\n    value: 6'),
    ("data/regions.yml", "division_code: '440300'", 'division_code: "440300\\n"'),
]


@pytest.mark.parametrize("path, old, new", PATTERNED)
def test_a_trailing_newline_in_a_patterned_field_is_refused(path, old, new, mini, capsys):
    mini.edit(path, old, new)

    code, _, err = mini.build(capsys)

    assert code == 1 and f"{path}:" in err and "is not of the form expected" in err, err


@pytest.mark.parametrize("escape", ["\\e[1A\\e[2K", "\\0", "\\x07", "\\u202e", "\\u2028", "\\x85"])
def test_a_control_character_in_a_text_field_is_refused_however_written(escape, mini, capsys):
    mini.edit("data/facts/000_mini.yml", "kind: actual\n    value: 6", f'kind: actual\n    note: "{escape} value: 9.99 trillion CNY"\n    value: 6')

    code, _, err = mini.build(capsys)

    assert code == 1 and "holds the control character" in err, err
    assert "\x1b" not in err and "\x00" not in err


@pytest.mark.parametrize("separator", ["\r", "\u2028", "\u2029", "\x85", "\x0c"])
def test_a_seed_line_that_tools_would_number_differently_is_refused(separator, mini, capsys):
    seed = mini.read("seeds/000_mini.txt").replace("city's work report.", f"city's{separator}work report.")
    mini.write("seeds/000_mini.txt", seed.encode("utf-8"))
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()
    mini.write("data/sources.yml", re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", mini.read("data/sources.yml")))

    code, _, err = mini.build(capsys)

    assert code == 1 and f"line 1 holds U+{ord(separator):04X}" in err, err


def test_an_oversized_seed_is_reported_as_oversized_not_missing(mini, capsys):
    mini.write("seeds/000_mini.txt", "x" * (9 * 2**20))

    code, _, err = mini.build(capsys)

    assert code == 1 and "MiB" in err and "does not exist" not in err and "missing" not in err, err
