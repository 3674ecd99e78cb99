"""Each kind of bad input is refused with a message naming file and line,
and the previous database is left exactly as it was."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from conftest import FACTS_FILE, REPO, sha256

F = FACTS_FILE


def _edit(rel, old, new):
    return lambda mini: mini.edit(rel, old, new)


def _write(rel, text):
    return lambda mini: mini.write(rel, text)


CASES = {
    # -- YAML well-formedness and its traps --
    "malformed_yaml": (
        _edit(F, "    kind: actual\n    value: 6\n", "    kind: [actual\n    value: 6\n"),
        F, None, "is not well-formed YAML",
    ),
    "key_given_twice": (
        _edit(F, "    value: 6\n", "    value: 6\n    value: 7\n"),
        F, 8, "gives the key 'value' twice (first on line 7)",
    ),
    "unknown_key": (
        _edit(F, "    value: 6\n", "    value: 6\n    vaule: 6\n"),
        F, 8, "has an unknown key 'vaule'",
    ),
    "missing_key": (
        _edit(F, "    kind: actual\n    value: 6\n", "    value: 6\n"),
        F, 3, "record: is missing the key 'kind'",
    ),
    "period_read_as_number": (
        _edit(F, "period: '2023'", "period: 2023"),
        F, 5, "'2023' is read as a number by YAML; put it in quotes",
    ),
    "period_read_as_date": (
        _edit(F, "period: '2023'", "period: 2023-01-05"),
        F, 5, "'2023-01-05' is read as a date by YAML; put it in quotes",
    ),
    "text_read_as_boolean": (
        _edit("data/regions.yml", "name: Guangdong", "name: yes"),
        "data/regions.yml", 2, "'yes' is read as a boolean by YAML; put it in quotes",
    ),
    "number_in_quotes": (
        _edit(F, "value: 6\n", "value: '6'\n"),
        F, 7, "'6' is in quotes, so it is text; write the number without quotes",
    ),
    "number_in_words": (
        _edit(F, "value: 6\n", "value: six\n"),
        F, 7, "'six' is not a number",
    ),
    "not_a_number": (
        _edit(F, "value: 6\n", "value: .nan\n"),
        F, 7, "'.nan' is not a number",
    ),
    "infinity": (
        _edit(F, "value: 6\n", "value: .inf\n"),
        F, 7, "'.inf' is not a number",
    ),
    "huge_number": (
        _edit(F, "value: 6\n", "value: 1e400\n"),
        F, 7, "'1e400' is too large",
    ),
    "negative_where_it_makes_no_sense": (
        _edit(F, "value: 3.46e12\n", "value: -3.46e12\n"),
        F, 20, "the words \"3.46 trillion yuan\" give 3460000000000 CNY (exact), but the value is -3460000000000",
    ),
    "anchor_and_alias": (
        _edit(F, "  - region: shenzhen\n    indicator: gdp_growth\n", "  - region: &r shenzhen\n    indicator: gdp_growth\n"),
        F, 3, "defines the anchor &r",
    ),
    "python_object_tag": (
        _edit(F, "value: 6\n", "value: !!python/object/apply:os.system ['true']\n"),
        F, 7, "uses the tag tag:yaml.org,2002:python/object/apply:os.system; tags are not allowed",
    ),
    "byte_order_mark": (
        lambda mini: mini.write(F, b"\xef\xbb\xbf" + mini.read(F).encode()),
        F, 1, "starts with a byte-order mark",
    ),
    "not_utf8": (
        lambda mini: mini.write(F, mini.read(F).replace("kind: actual", "kind: act\xe9", 1).encode("latin-1")),
        F, 6, "is not UTF-8",
    ),
    # -- references and ids --
    "unknown_region_suggests": (
        _edit(F, "region: shenzhen", "region: shenzen"),
        F, 3, "no region 'shenzen' in data/regions.yml; did you mean 'shenzhen'?",
    ),
    "unknown_indicator": (
        _edit(F, "indicator: gdp_growth", "indicator: growth_of_gdp"),
        F, 4, "no indicator 'growth_of_gdp' in data/indicators.yml",
    ),
    "unknown_source": (
        _edit(F, "source: mini_source", "source: other_source"),
        F, 1, "no source 'other_source' in data/sources.yml",
    ),
    "id_used_twice": (
        _edit("data/regions.yml", "- id: shenzhen", "- id: guangdong"),
        "data/regions.yml", 7, "id 'guangdong' is used twice (first on line 1)",
    ),
    "unknown_kind": (
        _edit(F, "kind: actual\n    value: 6", "kind: forecast\n    value: 6"),
        F, 6, "kind 'forecast' is not one of",
    ),
    "period_in_words": (
        _edit(F, "period: '2023'", "period: last year"),
        F, 5, "'last year' is not of the form expected: ISO 8601 text",
    ),
    # -- seeds --
    "seed_edited": (
        lambda mini: mini.write("seeds/000_mini.txt", mini.read("seeds/000_mini.txt").replace("6 percent", "7 percent")),
        "data/sources.yml", 3, "has changed",
    ),
    "seed_path_escapes": (
        _edit("data/sources.yml", "seed: seeds/000_mini.txt", "seed: seeds/../schema.sql"),
        "data/sources.yml", 2, "must be a file directly in seeds/",
    ),
    "seed_path_absolute": (
        _edit("data/sources.yml", "seed: seeds/000_mini.txt", "seed: /etc/passwd"),
        "data/sources.yml", 2, "must be a file directly in seeds/",
    ),
    # -- citations --
    "line_out_of_range": (
        _edit(F, "line: 2\n        quote: GDP grew", "line: 9\n        quote: GDP grew"),
        F, 9, "line 9 is not in seeds/000_mini.txt, which has lines 1 to 3",
    ),
    "line_zero": (
        _edit(F, "line: 2\n        quote: GDP grew", "line: 0\n        quote: GDP grew"),
        F, 9, "line 0 is not in seeds/000_mini.txt",
    ),
    "quote_on_neighbouring_line": (
        _edit(F, "line: 2\n        quote: GDP grew", "line: 3\n        quote: GDP grew"),
        F, 10, "is not on line 3 of seeds/000_mini.txt; it is on line 2; the line reads: Exports of the city fell",
    ),
    "stated_not_in_quote": (
        _edit(F, "stated: 6 percent", "stated: 6 per cent"),
        F, 11, 'stated words "6 per cent" are not in the quote',
    ),
    "unreadable_stated_words": (
        _edit(F, "quote: GDP grew 6 percent in 2023\n        stated: 6 percent", "quote: GDP grew 6 percent in 2023\n        stated: GDP grew"),
        F, 11, "cannot read a number in 'GDP grew'",
    ),
    "value_differs_from_words": (
        _edit(F, "value: 6\n", "value: 6.5\n"),
        F, 11, "give 6 percent (exact), but the value is 6.5; fix the value, or record a correction",
    ),
    "fall_recorded_as_rise": (
        _edit(F, "value: -8.5\n    citations:\n      - line: 3\n        quote: down 8.5%\n        stated: down 8.5%",
              "value: 8.5\n    citations:\n      - line: 3\n        quote: down 8.5%\n        stated: 8.5%"),
        F, 30, 'the quote says "down" just before "8.5%", a fall; include it in stated',
    ),
    "qualifier_contradicts_words": (
        _edit(F, "value: 3.87e12\n    qualifier: more_than", "value: 3.87e12\n    qualifier: exact"),
        F, 41, "make this more_than, but the qualifier is exact",
    ),
    "qualifier_without_words": (
        _edit(F, "value: 6\n", "value: 6\n    qualifier: at_least\n"),
        F, 12, 'nothing in the quote "GDP grew 6 percent in 2023" says at_least',
    ),
    "needless_correction": (
        _edit(F, "        stated: 6 percent\n", "        stated: 6 percent\n        correction:\n          reason: typo\n"),
        F, 12, 'the words "6 percent" already give 6; remove the correction',
    ),
    "correction_scale_wrong": (
        lambda mini: (mini.edit(F, "value: 3.46e12\n", "value: 3.46e11\n"),
                      mini.edit(F, "        stated: 3.46 trillion yuan\n",
                                "        stated: 3.46 trillion yuan\n        correction:\n          reason: mis-scaled\n          scale: 0.01\n")),
        F, 21, "× scale 0.01 = 34600000000, not the value 346000000000",
    ),
    "unit_does_not_fit_indicator": (
        _edit(F, "value: 6\n", "value: 6\n    unit: count\n"),
        F, 8, "unit count does not fit indicator 'gdp_growth', which is in percent",
    ),
    "actual_after_its_source": (
        _edit("data/sources.yml", "published: '2024-01-24'", "published: '2023-06-01'"),
        F, 5, "an actual for 2023 cannot come from source 'mini_source', published 2023-06-01",
    ),
    "period_basis_missing": (
        _edit(F, "    period_basis: '\"last year\" in a report of January 2024'\n    kind: actual\n    value: -8.5",
              "    kind: actual\n    value: -8.5"),
        F, 23, "period 2023 is not on the cited line; say how it was resolved in period_basis",
    ),
    "same_record_twice": (
        lambda mini: mini.write(F, mini.read(F) + mini.read(F).split("records:\n")[1].split("  - region: shenzhen\n    indicator: gdp\n")[0]),
        F, 42, "repeats record shenzhen-gdp_growth-2023-actual (data/facts/000_mini.yml:3)",
    ),
    "two_records_disagree": (
        lambda mini: mini.write(F, mini.read(F) + mini.read(F).split("records:\n")[1].split("  - region: shenzhen\n    indicator: gdp\n")[0].replace("value: 6", "value: 6.0001").replace("stated: 6 percent", "stated: 6 percent\n        correction:\n          reason: other reading")),
        F, 42, "conflicts with record shenzhen-gdp_growth-2023-actual (data/facts/000_mini.yml:3): 6.0001 against 6",
    ),
    "number_left_unrecorded": (
        lambda mini: mini.write(F, mini.read(F).split("  - region: shenzhen\n    indicator: trade\n")[0]),
        F, 2, "seeds/000_mini.txt line 3 says '3.87', which no citation states and unrecorded does not list",
    ),
    "unrecorded_text_not_on_line": (
        lambda mini: mini.write(F, mini.read(F) + "unrecorded:\n  - line: 1\n    text: 12 cities\n    reason: none\n"),
        F, 44, '"12 cities" is not on line 1',
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_build_refuses_bad_input(case, built_mini, capsys):
    mutate, path, line, message = CASES[case]
    before = sha256(built_mini.db)
    mutate(built_mini)

    code, out, err = built_mini.build(capsys)

    assert code == 1
    assert "Traceback" not in err
    expected_prefix = f"{path}:{line}: " if line is not None else f"{path}:"
    matching = [row for row in err.splitlines() if row.startswith(expected_prefix) and message in row]
    assert matching, f"no line starting {expected_prefix!r} containing {message!r} in:\n{err}"
    assert err.rstrip().splitlines()[-1].startswith("Build failed:")
    assert "was left as it was" in err
    assert sha256(built_mini.db) == before


def test_build_reports_every_problem_at_once(built_mini, capsys):
    built_mini.edit(F, "region: shenzhen", "region: nowhere")
    built_mini.edit(F, "value: 3.46e12", "value: 3.5e12")
    built_mini.edit("data/regions.yml", "level: city", "level: town")

    code, _, err = built_mini.build(capsys)

    assert code == 1
    assert f"{F}:3: no region 'nowhere'" in err
    assert f"{F}:20: the words \"3.46 trillion yuan\" give 3460000000000 CNY" in err
    assert "data/regions.yml:10: level 'town' is not one of" in err
    assert "Build failed: 3 problem(s)" in err


def test_seed_that_is_a_symlink_is_refused(built_mini, capsys, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "article.txt"
    outside.write_bytes((built_mini.root / "seeds/000_mini.txt").read_bytes())
    (built_mini.root / "seeds/000_mini.txt").unlink()
    (built_mini.root / "seeds/000_mini.txt").symlink_to(outside)
    before = sha256(built_mini.db)

    code, _, err = built_mini.build(capsys)

    assert code == 1
    assert "data/sources.yml:2: seed 'seeds/000_mini.txt' is a link" in err
    assert sha256(built_mini.db) == before


def test_check_writes_nothing(mini, capsys):
    code, out, _ = mini.build(capsys, "--check")

    assert code == 0
    assert "Nothing was written" in out
    assert not mini.db.exists()


def test_failed_first_build_creates_no_database(mini, capsys):
    mini.edit(F, "value: 6\n", "value: 7\n")

    code, _, _ = mini.build(capsys)

    assert code == 1
    assert not mini.db.exists()
    assert list(mini.root.glob(".guangdong_facts.db.*")) == []


def test_an_acknowledged_conflict_is_built_with_both_values(mini, capsys):
    second = (
        "  - id: shenzhen-gdp_growth-2023-other-reading\n"
        "    conflicts_with: shenzhen-gdp_growth-2023-actual\n"
        "    note: test fixture, a second reading of the same line\n"
        "    region: shenzhen\n    indicator: gdp_growth\n    period: '2023'\n    kind: actual\n    value: 6.1\n"
        "    citations:\n      - line: 2\n        quote: GDP grew 6 percent in 2023\n        stated: 6 percent\n"
        "        correction:\n          reason: test fixture\n"
    )
    mini.write(F, mini.read(F) + second)

    code, _, err = mini.build(capsys)

    assert code == 0, err
    values = sqlite3.connect(mini.db).execute("select value from facts where indicator_id = 'gdp_growth' order by value").fetchall()
    assert values == [(6.0,), (6.1,)]


def test_build_db_py_reports_problems_without_a_traceback(built_mini):
    built_mini.edit(F, "region: shenzhen", "region: shenzen")
    before = sha256(built_mini.db)

    result = subprocess.run(
        [sys.executable, str(REPO / "build_db.py"), "--root", str(built_mini.root)],
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == f"{F}:3: no region 'shenzen' in data/regions.yml; did you mean 'shenzhen'?"
    assert "Traceback" not in result.stderr
    assert sha256(built_mini.db) == before
