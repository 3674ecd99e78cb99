"""Every rule refuses its case at its place, and the same input without the
defect builds; every rule of every group has such a case; the groups run as
gdfacts/rules/__init__.py says; and the README's table of errors is the one
the rules and readers carry, each row matching a message the build really
gives, each message the build gives matching a row.

A case is a change to tests/mini (`setup`, which must still build) and a
defect laid over it, with the place (`file:line`) and a distinctive part of
the message the defect must be refused with. A rule's case names the rule;
the message must also match one of the rule's own rows of the table. A case
for a reader (YAML, keys, files, lexicon) names its row instead.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import FACTS_FILE, REPO, Mini, make_mini
from gdfacts import dataset, inputs, lexicon, outcomes, spec, strict_yaml
from gdfacts import relations as relations_module
from gdfacts import rules as rule_groups
from gdfacts.problems import BuildFailed, Message, Problem
from gdfacts.rules import citations, corpus, records, references

F = FACTS_FILE
SOURCES, REGIONS, INDICATORS, SEED = "data/sources.yml", "data/regions.yml", "data/indicators.yml", "seeds/000_mini.txt"
README = REPO / "README.md"


# -- changes to tests/mini ---------------------------------------------------------

Change = Callable[[Mini], None]


def edit(rel: str, old: str, new: str) -> Change:
    return lambda m: m.edit(rel, old, new)


def edit_all(rel: str, old: str, new: str) -> Change:
    return lambda m: m.write(rel, m.read(rel).replace(old, new))


def append(rel: str, text: str) -> Change:
    return lambda m: m.write(rel, m.read(rel) + text)


def write(rel: str, text: str | bytes) -> Change:
    return lambda m: m.write(rel, text)


def remove(rel: str) -> Change:
    return lambda m: (m.root / rel).unlink()


def seed_line(old: str, new: str) -> Change:
    """Change the article, and record its new checksum (as a curator does)."""
    return lambda m: (m.edit(SEED, old, new), m.reseal())


def both(*changes: Change) -> Change:
    def apply(m: Mini) -> None:
        for change in changes:
            change(m)
    return apply


RECORD_1 = "    kind: actual\n    value: 6\n"  # shenzhen gdp_growth 2023, line 3 of the fact file
RECORD_2 = "    kind: actual\n    value: 3.46e12\n"  # shenzhen gdp 2023, line 12
SECOND_SOURCE = ("- id: other_source\n  seed: {seed}\n  sha256: {sha}\n  title: Another article\n"
                 "  title_is_editorial: true\n")


def second_source(seed: str) -> Change:
    """A second source (line 11 of sources.yml) with `seed`, and that seed's checksum."""
    def apply(m: Mini) -> None:
        from conftest import sha256
        if not (m.root / seed).exists():
            m.write(seed, "Another article, with no number.\n")
        m.write(SOURCES, m.read(SOURCES) + SECOND_SOURCE.format(seed=seed, sha=sha256(m.root / seed)))
    return apply


def fourth_line(text: str) -> Change:
    """A fourth line of the article (published later, so that it may report on 2024)."""
    return both(lambda m: m.write(SEED, m.read(SEED) + text + "\n"), lambda m: m.reseal(),
                edit(SOURCES, "published: '2024-01-24'", "published: '2024-12-31'"))


def gdp_cited_again(quote: str, stated: str, qualifier: str) -> Change:
    """A second citation of the GDP record (line 12), on line 4."""
    return edit(F, "        stated: 3.46 trillion yuan\n",
                f"        stated: 3.46 trillion yuan\n      - line: 4\n        quote: {quote}\n"
                f"        stated: {stated}\n        qualifier: {qualifier}\n")


UNRECORDED = "unrecorded:\n  - line: 1\n    text: 12 cities\n    reason: not a measure\n"  # from line 42
TWELVE_CITIES = both(seed_line("on the city's work report", "on the work report of 12 cities"), append(F, UNRECORDED))
SECOND_READING = ("  - id: shenzhen-gdp_growth-2023-other\n    conflicts_with: shenzhen-gdp_growth-2023-actual\n"
                  "    note: a second reading of the same line\n    region: shenzhen\n    indicator: gdp_growth\n"
                  "    period: '2023'\n    kind: actual\n    value: 6.1\n    citations:\n      - line: 2\n"
                  "        quote: GDP grew 6 percent in 2023\n        stated: 6 percent\n"
                  "        correction:\n          reason: a second reading\n")  # from line 42


MISSED = "The city missed its growth target in 2023."
OUTCOMES = ("outcomes:\n  - region: shenzhen\n    indicator: gdp_growth\n    periods: ['2023']\n"
            "    period_basis: the year the line names\n    outcome: missed\n    citation:\n      line: 4\n"
            "      quote: missed its growth target in 2023\n      stated: missed\n")  # from line 42: outcome 47, line 49
MISSED_SAID = both(fourth_line(MISSED), append(F, OUTCOMES))
TARGET_OF_5 = ("  - region: shenzhen\n    indicator: gdp_growth\n    period: '2023'\n    kind: target\n    value: 5\n"
               "    citations:\n      - line: 4\n        quote: its growth target in 2023, of 5 percent\n        stated: 5 percent\n")
AT_MOST = "relations:\n  - id: {part}_within_{whole}\n    kind: at_most\n    why: a part\n    part: {part}\n    whole: {whole}\n"
ACKNOWLEDGED = ("acknowledged:\n  - relation: {part}_within_{whole}\n    region: shenzhen\n    period: '2023'\n"
                "    deviation: 1\n    reason: a test\n")


def relations(text: str, **members) -> Change:
    return write("data/relations.yml", text.format(**members))


# -- the cases -----------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str
    of: object  # (group, rule) for a rule; a Message for a reader's message
    defect: Change
    at: str  # file:line (file: for any line of it)
    says: str  # a distinctive part of the message
    setup: Change | None = None

    @property
    def rows(self) -> tuple[Message, ...]:
        return self.of[1].messages if isinstance(self.of, tuple) else (self.of,)


def rule_cases(group, rule, *cases: tuple) -> list[Case]:
    """Cases of one rule: (defect, at, says[, setup])."""
    return [Case(f"{group.name}: {rule.__name__}" + (f" ({n})" if n else ""), (group, rule), *c)
            for n, c in enumerate(cases)]


R = references
CASES = [
    # references
    *rule_cases(R.REGION_RULES, R.level_is_known, (edit(REGIONS, "level: city", "level: town"), f"{REGIONS}:10", "level 'town' is not one of: ")),
    *rule_cases(R.REGION_RULES, R.parent_is_a_known_region,
                (edit(REGIONS, "parent: guangdong", "parent: guangdon"), f"{REGIONS}:11", "no region 'guangdon' in data/regions.yml; did you mean 'guangdong'?")),
    *rule_cases(R.REGION_RULES, R.region_is_not_its_own_ancestor,
                (edit(REGIONS, "  parent:\n", "  parent: shenzhen\n"), f"{REGIONS}:5", "region 'guangdong' is its own ancestor")),
    *rule_cases(R.INDICATOR_RULES, R.indicator_unit_is_known, (edit(INDICATORS, "unit: CNY", "unit: yuan"), f"{INDICATORS}:4", "unit 'yuan' is not one of: CNY")),
    *rule_cases(R.INDICATOR_RULES, R.category_is_known,
                (edit(INDICATORS, "category: output", "category: outputs"), f"{INDICATORS}:5", "category 'outputs' is not one of: ")),
    *rule_cases(R.INDICATOR_RULES, R.better_is_higher_or_lower,
                (edit(INDICATORS, "better: higher", "better: up"), f"{INDICATORS}:6", "better 'up' is not one of: higher, lower")),
    *rule_cases(R.SOURCE_RULES, R.published_is_a_date_in_the_calendar,
                (edit(SOURCES, "'2024-01-24'", "'2024-02-30'"), f"{SOURCES}:8", "published '2024-02-30' is not a date in the calendar")),
    *rule_cases(R.SEED_PATH_RULES, R.seed_is_a_file_directly_in_seeds,
                (edit(SOURCES, "seed: seeds/000_mini.txt", "seed: seeds/old/000_mini.txt"), f"{SOURCES}:2",
                 "seed 'seeds/old/000_mini.txt' must be a file directly in seeds/")),
    *rule_cases(R.SEED_PATH_RULES, R.seed_is_not_a_link,
                (both(remove(SEED), lambda m: (m.root / SEED).symlink_to("../article.txt")), f"{SOURCES}:2",
                 "seed 'seeds/000_mini.txt' is a link; seeds must be plain files in seeds/",
                 lambda m: m.write("article.txt", m.read(SEED)))),
    *rule_cases(R.SEED_PATH_RULES, R.seed_is_the_seed_of_one_source,
                (second_source(SEED), f"{SOURCES}:12", "seed seeds/000_mini.txt is already the seed of source 'mini_source'")),
    *rule_cases(R.SEED_RULES, R.seed_matches_its_checksum,
                (edit(SEED, "reports on", "reports briefly on"), f"{SOURCES}:3", "seed seeds/000_mini.txt has SHA-256 ")),
    *rule_cases(R.SEED_RULES, R.seed_is_utf8,
                (both(lambda m: m.write(SEED, (m.root / SEED).read_bytes().replace(b"GDP", b"GD\xff")), lambda m: m.reseal()),
                 f"{SOURCES}:2", "seed seeds/000_mini.txt is not UTF-8 (line 2)")),
    *rule_cases(R.SEED_RULES, R.seed_lines_end_only_at_line_feeds,
                (seed_line("reports on", "reports\u2028on"), f"{SOURCES}:2", "seed seeds/000_mini.txt line 1 holds U+2028")),
    *rule_cases(R.SEEDS_FOLDER_RULES, R.every_file_in_seeds_is_a_seed,
                (write("seeds/001_stray.txt", "A stray article.\n"), f"{SOURCES}:1", "seeds/001_stray.txt is in seeds/ but no source lists it")),
    # records
    *rule_cases(records.FACT_FILE_RULES, records.fact_file_names_a_known_source,
                (edit(F, "source: mini_source", "source: mini_sauce"), f"{F}:1", "no source 'mini_sauce' in data/sources.yml; did you mean 'mini_source'?")),
    *rule_cases(records.RECORD_RULES, records.region_is_known, (edit(F, "region: shenzhen", "region: shenzen"), f"{F}:3", "no region 'shenzen'")),
    *rule_cases(records.RECORD_RULES, records.indicator_is_known,
                (edit(F, "indicator: gdp_growth", "indicator: gdp_grow"), f"{F}:4", "no indicator 'gdp_grow' in data/indicators.yml")),
    *rule_cases(records.RECORD_RULES, records.kind_is_known,
                (edit(F, "kind: actual", "kind: forecast"), f"{F}:6", "kind 'forecast' is not one of: actual, estimate, target, plan")),
    *rule_cases(records.RECORD_RULES, records.qualifier_is_known,
                (edit(F, "qualifier: more_than", "qualifier: above"), f"{F}:37", "qualifier 'above' is not one of: approximately, ")),
    *rule_cases(records.RECORD_RULES, records.period_is_a_real_period,
                (edit(F, "period: '2023'", "period: '2023-02-30'"), f"{F}:5", "period '2023-02-30' is not a date in the calendar"),
                (edit(F, "period: '2023'", "period: '2023-09/2023-01'"), f"{F}:5", "is not a span of months: its end must come after its start")),
    *rule_cases(records.RECORD_RULES, records.unit_is_known,
                (edit(F, RECORD_1, "    kind: actual\n    unit: per_cent\n    value: 6\n"), f"{F}:7", "unit 'per_cent' is not one of: CNY")),
    *rule_cases(records.RECORD_RULES, records.unit_fits_its_indicator,
                (edit(F, RECORD_1, "    kind: actual\n    unit: count\n    value: 6\n"), f"{F}:7",
                 "unit count does not fit indicator 'gdp_growth', which is in percent")),
    *rule_cases(records.RECORD_RULES, records.value_is_in_its_units_range,
                (edit(F, "value: 6\n", "value: 600001\n"), f"{F}:7", "value 600001 is out of the range a percent value can take (-100 to 100000)")),
    *rule_cases(records.RECORD_RULES, records.value_is_whole_where_its_unit_counts,
                (edit(F, RECORD_1, "    kind: actual\n    unit: count\n    value: 6.5\n"), f"{F}:8", "value 6.5 must be a whole number for unit count")),
    *rule_cases(records.RECORD_RULES, records.range_goes_from_low_to_high,
                (edit(F, "    value: 6\n", "    value: 6\n    value_high: 5\n"), f"{F}:8", "value_high 5 must be above the value 6")),
    *rule_cases(records.AGREEMENT_RULES, records.qualifier_is_what_a_citation_says,
                (both(edit(F, "value: 3.87e12\n    qualifier: more_than\n", "value: 3.9e12\n"),
                      edit(F, "        stated: exceeded 3.87 trillion yuan\n", "        stated: exceeded 3.87 trillion yuan\n        qualifier: more_than\n")),
                 f"{F}:31", "the record is exact, but its citations say more_than")),
    *rule_cases(records.CITED_RULES, records.period_is_on_a_cited_line_or_in_period_basis,
                (edit(F, "    period_basis: '\"last year\" in a report of January 2024'\n", ""), f"{F}:23",
                 "period 2023 is not on the cited line; say how it was resolved in period_basis")),
    *rule_cases(records.CITED_RULES, records.actual_is_not_dated_after_its_source,
                (edit(SOURCES, "'2024-01-24'", "'2023-06-01'"), f"{F}:5", "an actual for 2023 cannot come from source 'mini_source', published 2023-06-01")),
    *rule_cases(records.CITED_RULES, records.conflicts_with_comes_with_an_explicit_id,
                (edit(F, "    value: 6\n", "    value: 6\n    conflicts_with: shenzhen-gdp-2023-actual\n"), f"{F}:8",
                 "a record that acknowledges a conflict needs an explicit id")),
    # citations
    *rule_cases(citations.SOURCE_RULES, citations.source_is_known,
                (edit(F, "        stated: 6 percent\n", "        stated: 6 percent\n        source: mini_sorce\n"), f"{F}:12",
                 "no source 'mini_sorce' in data/sources.yml; did you mean 'mini_source'?")),
    *rule_cases(citations.QUOTE_RULES, citations.cited_line_exists,
                (edit(F, "line: 2", "line: 9"), f"{F}:9", "line 9 is not in seeds/000_mini.txt, which has lines 1 to 3")),
    *rule_cases(citations.QUOTE_RULES, citations.quote_is_on_cited_line,
                (edit(F, "line: 2", "line: 3"), f"{F}:10", 'quote "GDP grew 6 percent in 2023" is not on line 3 of seeds/000_mini.txt; it is on line 2')),
    *rule_cases(citations.QUOTE_RULES, citations.stated_words_are_in_quote,
                (edit(F, "stated: 6 percent", "stated: 6 per cent"), f"{F}:11", 'stated words "6 per cent" are not in the quote')),
    *rule_cases(citations.QUOTE_RULES, citations.stated_words_read_as_a_number,
                (edit(F, "stated: 6 percent", "stated: GDP grew"), f"{F}:11", "cannot read a number in 'GDP grew'"),
                (edit(F, "stated: 3.46 trillion yuan", "stated: 3.46 trillion"), f"{F}:20", 'the stated words "3.46 trillion" leave out "yuan" after them'),
                (edit(F, "stated: 4.5%-5%", "stated: 4.5%"), f"{F}:51", 'the stated words "4.5%" are one end of a range',
                 both(fourth_line("Growth is targeted at 4.5%-5% in 2024."),
                      append(F, "  - region: shenzhen\n    indicator: gdp_growth\n    period: '2024'\n    kind: target\n"
                                "    value: 4.5\n    value_high: 5\n    citations:\n      - line: 4\n"
                                "        quote: targeted at 4.5%-5% in 2024\n        stated: 4.5%-5%\n")))),
    *rule_cases(citations.VALUE_RULES, citations.unit_is_what_the_words_state,
                (edit(F, RECORD_2, "    kind: actual\n    unit: USD\n    value: 3.46e12\n"), f"{F}:21", 'the words "3.46 trillion yuan" state CNY')),
    *rule_cases(citations.VALUE_RULES, citations.qualifier_is_known,
                (edit(F, "        stated: 6 percent\n", "        stated: 6 percent\n        qualifier: about\n"), f"{F}:12",
                 "qualifier 'about' is not one of: approximately, ")),
    *rule_cases(citations.VALUE_RULES, citations.qualifier_is_what_the_words_say,
                (edit(F, "    qualifier: more_than\n", ""), f"{F}:40", 'the words "exceeded 3.87 trillion yuan" make this more_than, but the qualifier is exact'),
                (edit(F, "    value: 6\n", "    value: 6\n    qualifier: at_least\n"), f"{F}:12", 'nothing around "6 percent" on line 2 says at_least')),
    *rule_cases(citations.VALUE_RULES, citations.sign_is_what_the_words_say,
                (edit(F, "value: -8.5", "value: 8.5"), f"{F}:30", 'line 3 says "down" with "down 8.5%": a fall, so the value is -8.5, not 8.5')),
    *rule_cases(citations.VALUE_RULES, citations.period_is_what_the_clause_says,
                (edit(F, "period: '2024-Q1'", "period: '2024'"), f"{F}:50", 'line 4 gives "4.4%" for "first quarter", but the period is 2024',
                 both(fourth_line("Exports grew 4.4% in the first quarter of 2024."),
                      append(F, "  - region: shenzhen\n    indicator: exports_growth\n    period: '2024-Q1'\n    kind: actual\n"
                                "    value: 4.4\n    citations:\n      - line: 4\n"
                                "        quote: Exports grew 4.4% in the first quarter of 2024\n        stated: 4.4%\n")))),
    *rule_cases(citations.VALUE_RULES, citations.range_is_what_the_words_say,
                (edit(F, "    value: 6\n", "    value: 6\n    value_high: 7\n"), f"{F}:12", 'the words "6 percent" state one number, but the record has value_high 7')),
    *rule_cases(citations.VALUE_RULES, citations.value_is_what_the_words_say,
                (edit(F, "value: 6\n", "value: 6.5\n"), f"{F}:11", 'the words "grew … 6 percent" give 6 percent (exact), but the value is 6.5'),
                (edit(F, "value: 6\n", "value: 60\n"), f"{F}:11", "but the value is 60 (the value × 0.1 would agree: a scale error"),
                (both(seed_line("GDP was about 3.5 trillion", "GDP was about 3.6 trillion"), edit_all(F, "about 3.5 trillion", "about 3.6 trillion")),
                 f"{F}:23", 'the words "about 3.6 trillion yuan" round to within 50000000000 of 3600000000000, which 3460000000000 is not',
                 both(fourth_line("GDP was about 3.5 trillion yuan in 2023."),
                      gdp_cited_again("GDP was about 3.5 trillion yuan", "about 3.5 trillion yuan", "approximately"))),
                (both(seed_line("GDP exceeded 3.4 trillion", "GDP exceeded 3.5 trillion"), edit_all(F, "exceeded 3.4 trillion", "exceeded 3.5 trillion")),
                 f"{F}:23", 'the words "exceeded 3.5 trillion yuan" say more than 3500000000000, which the value 3460000000000 is not',
                 both(fourth_line("GDP exceeded 3.4 trillion yuan in 2023."),
                      gdp_cited_again("GDP exceeded 3.4 trillion yuan", "exceeded 3.4 trillion yuan", "more_than"))),
                (edit(F, "        stated: 6 percent\n", "        stated: 6 percent\n        correction:\n          reason: none\n"), f"{F}:12",
                 'the words "6 percent" already give 6; remove the correction'),
                (edit(F, "          reason: read as tenths\n", "          reason: read as tenths\n          scale: 10\n"), f"{F}:12", "the stated 6.1 × scale 10 = 61, not the value 6",
                 both(seed_line("grew 6 percent", "grew 6.1 percent"), edit(F, "grew 6 percent in 2023\n        stated: 6 percent",
                                                                             "grew 6.1 percent in 2023\n        stated: 6.1 percent"),
                      edit(F, "        stated: 6.1 percent\n", "        stated: 6.1 percent\n        correction:\n          reason: read as tenths\n"))),
                ),
    *rule_cases(records.STATEMENT_RULES, records.region_is_known,
                (edit(F, "  - region: shenzhen\n    indicator: gdp_growth\n    periods", "  - region: shenzen\n    indicator: gdp_growth\n    periods"),
                 f"{F}:43", "no region 'shenzen'", MISSED_SAID)),
    *rule_cases(records.STATEMENT_RULES, records.indicator_is_known,
                (edit(F, "indicator: gdp_growth\n    periods", "indicator: gdp_grow\n    periods"), f"{F}:44", "no indicator 'gdp_grow'", MISSED_SAID)),
    *rule_cases(records.STATEMENT_RULES, records.periods_are_real_periods,
                (edit(F, "periods: ['2023']", "periods: ['2023-02-30']"), f"{F}:45", "period '2023-02-30' is not a date in the calendar", MISSED_SAID)),
    *rule_cases(citations.STATEMENT_QUOTE_RULES, citations.cited_line_exists,
                (edit(F, "    citation:\n      line: 4", "    citation:\n      line: 5"), f"{F}:49", "line 5 is not in seeds/000_mini.txt", MISSED_SAID)),
    *rule_cases(citations.STATEMENT_QUOTE_RULES, citations.quote_is_on_cited_line,
                (edit(F, "quote: missed its growth target in 2023", "quote: missed its GDP target"), f"{F}:50",
                 'quote "missed its GDP target" is not on line 4', MISSED_SAID)),
    *rule_cases(citations.STATEMENT_QUOTE_RULES, citations.stated_words_are_in_quote,
                (edit(F, "stated: missed\n", "stated: fell short\n"), f"{F}:51", 'stated words "fell short" are not in the quote', MISSED_SAID)),
    *rule_cases(citations.STATEMENT_QUOTE_RULES, citations.stated_words_say_an_outcome,
                (edit(F, "stated: missed\n", "stated: growth target\n"), f"{F}:51",
                 '"growth target" is not a word that says a target was met or missed', MISSED_SAID)),
    *rule_cases(records.STATED_OUTCOME_RULES, records.outcome_is_what_its_words_say,
                (edit(F, "outcome: missed", "outcome: met"), f"{F}:47", 'the words "missed" say missed, but the outcome is met', MISSED_SAID)),
    *rule_cases(citations.UNRECORDED_RULES, citations.cited_line_exists,
                (edit(F, "  - line: 1\n    text: 12 cities", "  - line: 4\n    text: 12 cities"), f"{F}:43",
                 "line 4 is not in seeds/000_mini.txt, which has lines 1 to 3", TWELVE_CITIES)),
    *rule_cases(citations.UNRECORDED_RULES, citations.unrecorded_text_is_on_its_line,
                (edit(F, "text: 12 cities", "text: 13 cities"), f"{F}:44", '"13 cities" is not on line 1; the line reads: Shenzhen Daily', TWELVE_CITIES)),
    *rule_cases(citations.UNRECORDED_RULES, citations.unrecorded_text_holds_a_number,
                (edit(F, "text: 12 cities", "text: cities"), f"{F}:44", '"cities" holds no number; remove it from unrecorded', TWELVE_CITIES)),
    # corpus
    *rule_cases(corpus.CORPUS_RULES, corpus.one_fact_file_per_source,
                (lambda m: m.write("data/facts/001_copy.yml", m.read(F)), "data/facts/001_copy.yml:1",
                 "source 'mini_source' already has its fact file, data/facts/000_mini.yml")),
    *rule_cases(corpus.CORPUS_RULES, corpus.every_source_has_a_fact_file,
                (second_source("seeds/001_other.txt"), f"{SOURCES}:11", "source 'other_source' has no fact file in data/facts/")),
    *rule_cases(corpus.CORPUS_RULES, corpus.every_numeral_is_cited_or_unrecorded,
                (lambda m: m.write(F, m.read(F).split("  - region: shenzhen\n    indicator: trade\n")[0]), f"{F}:2",
                 "seeds/000_mini.txt line 3 says '3.87', which no citation states and unrecorded does not list")),
    *rule_cases(corpus.CORPUS_RULES, corpus.records_of_the_same_key_agree_or_acknowledge,
                (lambda m: m.write(F, m.read(F) + "\n".join(m.read(F).splitlines()[2:11]) + "\n"), f"{F}:42",
                 "repeats record shenzhen-gdp_growth-2023-actual (data/facts/000_mini.yml:3); add its citations there instead"),
                (edit(F, "    conflicts_with: shenzhen-gdp_growth-2023-actual\n", ""), f"{F}:42",
                 "conflicts with record shenzhen-gdp_growth-2023-actual (data/facts/000_mini.yml:3): 6.1 against 6.",
                 append(F, SECOND_READING))),
    *rule_cases(corpus.CORPUS_RULES, corpus.ids_are_unique,
                (both(edit(F, "  - region: shenzhen\n    indicator: gdp\n", "  - id: the-same\n    region: shenzhen\n    indicator: gdp\n"),
                      edit(F, "  - region: shenzhen\n    indicator: trade\n", "  - id: the-same\n    region: shenzhen\n    indicator: trade\n")),
                 f"{F}:32", "id 'the-same' is used twice (first at data/facts/000_mini.yml:12)")),
    *rule_cases(corpus.CORPUS_RULES, corpus.conflicts_with_names_a_record_of_the_same_key,
                (edit(F, "conflicts_with: shenzhen-gdp_growth-2023-actual", "conflicts_with: shenzhen-gdp-2023-actual"), f"{F}:42",
                 "conflicts_with 'shenzhen-gdp-2023-actual' names no record of the same region, indicator, period, kind and unit",
                 append(F, SECOND_READING))),
]


def reader_case(name: str, row: Message, defect: Change, at: str, says: str, setup: Change | None = None) -> Case:
    return Case(f"reader: {name}", row, defect, at, says, setup)


def row_of(messages, text: str) -> Message:
    """The row of a reader's MESSAGES that stands for `text`."""
    return next(m for m in messages if m.matches(text))


# Readers' messages that no case of tests/bad_inputs gives.
READER_CASES = [
    reader_case("a key that is a list", row_of(strict_yaml.MESSAGES, "has a key that is not plain text"),
                edit(F, "    kind: actual\n    value: 6\n", "    kind: actual\n    ? [a, b]\n    : 1\n    value: 6\n"), f"{F}:7",
                "has a key that is not plain text"),
    reader_case("a control character in a note", row_of(spec.MESSAGES, "'x' holds the control character U+001B"),
                edit(F, "    value: 6\n", '    value: 6\n    note: "an \\e escape"\n'), f"{F}:8", "holds the control character U+001B"),
    reader_case("a reference list missing", row_of(inputs.MESSAGES, "is missing"), remove(REGIONS), f"{REGIONS}:1", "is missing"),
    reader_case("no fact files", row_of(inputs.MESSAGES, "holds no fact files"), remove(F), "data/facts:1", "holds no fact files (*.yml)"),
    reader_case("a schema that does not run", row_of(inputs.MESSAGES, "does not run in SQLite: x"),
                edit("schema.sql", "PRAGMA foreign_keys = ON;", "PRAGMA foreign_keys = ON; CREATE TABLE;"), "schema.sql:1", "does not run in SQLite"),
    reader_case("an unknown lexicon section", lexicon.MESSAGES[0], append("data/lexicon.yml", "adverbs: []\n"), "data/lexicon.yml:",
                "has an unknown section 'adverbs'"),
    reader_case("a month that is not a number", lexicon.MESSAGES[1], edit("data/lexicon.yml", "january: 1", "january: one"),
                "data/lexicon.yml:", "months: 'january' must be a whole number, not 'one'"),
    reader_case("a unit that accepts what is not a unit", lexicon.MESSAGES[2],
                edit("data/units.yml", "- id: percent\n", "- id: percent\n  accepts: [per_mille]\n"), "data/units.yml:1",
                "unit 'percent' accepts 'per_mille', which is not a unit"),
]

# What is checked once every record is read: relations, and outcomes said in words.
READER_CASES += [
    reader_case("a statement that contradicts the actual", outcomes.MESSAGES[0], append(F, OUTCOMES), f"{F}:",
                "says target shenzhen-gdp_growth-2023-target was missed, but the actual shenzhen-gdp_growth-2023-actual",
                both(fourth_line("The city missed its growth target in 2023, of 5 percent."), append(F, TARGET_OF_5))),
    reader_case("a relation that does not hold", relations_module.MESSAGES[0], relations(AT_MOST, part="trade", whole="gdp"),
                f"{F}:", "relation trade_within_gdp does not hold for shenzhen 2023"),
    reader_case("an acknowledgement of another deviation", relations_module.MESSAGES[1],
                relations(AT_MOST + ACKNOWLEDGED, part="trade", whole="gdp"), f"{F}:",
                "; the acknowledgement at data/relations.yml:8 is of a deviation of 1, not this one"),
    reader_case("an acknowledgement of a relation that holds", relations_module.MESSAGES[2],
                relations(AT_MOST + ACKNOWLEDGED, part="gdp", whole="trade"), "data/relations.yml:8",
                "acknowledges a violation of gdp_within_trade for shenzhen 2023 that the data does not show"),
    reader_case("a relation without its members", relations_module.MESSAGES[3],
                relations(AT_MOST.replace("part: {part}", "parts: [{part}]"), part="trade", whole="gdp"), "data/relations.yml:",
                "a relation of kind at_most"),
]

ALL_CASES = CASES + READER_CASES


def problems_of(root: Path) -> list[Problem]:
    try:
        dataset.load(root).close()
    except BuildFailed as failed:
        return failed.problems
    return []


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Each case built once: (problems without the defect, problems with it)."""
    done: dict[str, tuple[list[Problem], list[Problem]]] = {}

    def outcome(case: Case):
        if case.name not in done:
            mini = make_mini(tmp_path_factory.mktemp("rule"))
            if case.setup is not None:
                case.setup(mini)
            before = problems_of(mini.root)
            case.defect(mini)
            done[case.name] = before, problems_of(mini.root)
        return done[case.name]
    return outcome


def _at(problem: Problem) -> str:
    return f"{problem.path}:{problem.line}"


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_the_case_is_refused_at_its_place_and_builds_without_its_defect(case, outcomes):
    before, after = outcomes(case)

    assert before == [], "without the defect, the case must build"
    hits = [p for p in after if _at(p) == case.at or case.at.endswith(":") and p.path == case.at[:-1]]
    hits = [p for p in hits if case.says in p.message]
    assert hits, f"expected {case.at}: ...{case.says}...; got:\n" + "\n".join(map(str, after))
    assert any(row.matches(hits[0].message) for row in case.rows), f"no row of {case.name} matches: {hits[0].message}"


def test_every_rule_of_every_group_has_a_case():
    groups = rule_groups.groups()
    assert len({g.name for g in groups}) == len(groups), "group names are unique"
    cased = {(case.of[0].name, case.of[1]) for case in CASES}
    missing = [f"{g.name}: {rule.__name__}" for g in groups for rule in g.rules if (g.name, rule) not in cased]
    assert missing == [], "rules without a case in tests/test_rules.py"
    assert all((g, r) in {(g2.name, r2) for g2 in groups for r2 in g2.rules} for g, r in cased), "a case names a rule of no group"


def test_every_rule_carries_its_rows():
    for group in rule_groups.groups():
        for rule in group.rules:
            assert getattr(rule, "messages", ()), f"{rule.__name__} has no @explained row"


# -- how groups run ------------------------------------------------------------------

def test_independent_rules_are_all_reported(mini):
    mini.edit(F, "kind: actual", "kind: forecast")
    mini.edit(F, "    value: 6\n", "    value: 6\n    qualifier: roughly\n    value_high: 5\n")

    problems = [str(p) for p in problems_of(mini.root)]

    assert f"{F}:6: kind 'forecast' is not one of: actual, estimate, target, plan" in problems
    assert any(p.startswith(f"{F}:8: qualifier 'roughly' is not one of") for p in problems)
    assert any(p.startswith(f"{F}:9: value_high 5 must be above the value 6") for p in problems)
    assert len(problems) == 3  # the record is not sound: its citation is not read against it


def test_a_chain_ends_at_its_first_rule_that_finds_problems(mini):
    mini.edit(F, "line: 2\n        quote: GDP grew 6 percent in 2023\n        stated: 6 percent",
              "line: 9\n        quote: not in the article\n        stated: nowhere")

    assert [str(p) for p in problems_of(mini.root)] == [
        f"{F}:9: line 9 is not in seeds/000_mini.txt, which has lines 1 to 3"]


def test_a_problem_in_a_reference_list_is_reported_once_where_it_is(mini):
    mini.write(REGIONS, mini.read(REGIONS) + "  oops\n")

    problems = problems_of(mini.root)

    assert [p.path for p in problems] == [REGIONS]
    assert problems[0].message.startswith("is not well-formed YAML")


def test_a_group_runs_as_documented():
    seen = []

    def holds(context):
        seen.append("holds")
        return iter(())

    def fails(context):
        seen.append("fails")
        yield "key", "wrong"

    def silent(context):
        seen.append("silent")
        yield "key", rule_groups.ALREADY_REPORTED

    class Context:
        path = "file.yml"

        class entry:
            @staticmethod
            def line_of(key):
                return 7

    held, problems = rule_groups.chain("c", holds, silent, fails).run(Context())
    assert (held, problems, seen) == (False, [], ["holds", "silent"])
    seen.clear()
    held, problems = rule_groups.each("e", fails, silent, holds, fails).run(Context())
    assert (held, seen) == (False, ["fails", "silent", "holds", "fails"])
    assert problems == [Problem("file.yml", 7, "wrong")] * 2
    assert rule_groups.each("e", holds).run(Context()) == (True, [])


# -- the README's table of errors --------------------------------------------------

def test_the_readme_table_is_the_one_the_code_carries():
    from gdfacts.rules.__main__ import with_table

    readme = README.read_text(encoding="utf-8")
    assert rule_groups.table() in readme
    assert with_table(readme) == readme, (
        "README.md's table of errors differs from the rows the rules and readers carry; "
        "regenerate it with: python -m gdfacts.rules --readme README.md")


def test_the_table_can_be_printed_and_written(tmp_path):
    import subprocess

    printed = subprocess.run([sys.executable, "-m", "gdfacts.rules", "--table"], capture_output=True, text=True, check=True)
    assert printed.stdout == rule_groups.table()
    copy = tmp_path / "README.md"
    copy.write_text(README.read_text(encoding="utf-8").replace("| keep one |", "| keep both |"), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "gdfacts.rules", "--readme", str(copy)], check=True)
    assert copy.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")


def produced_messages(outcomes) -> list[str]:
    """Every message the build gives in the corpus of bad inputs and in the cases here."""
    found = []
    for expected in sorted((REPO / "tests" / "bad_inputs").glob("*/expected.txt")):
        for line in expected.read_text(encoding="utf-8").splitlines()[:-1]:  # the last is the summary
            found.append(re.match(r"^[^:]+:\d+: (.*)$", line).group(1))
    for case in ALL_CASES:
        found += [p.message for p in outcomes(case)[1]]
    return found


def test_every_row_stands_for_a_message_the_build_gives_and_every_message_has_a_row(outcomes):
    produced = produced_messages(outcomes)
    rows = rule_groups.messages()

    unmatched_rows = [row.shown for row in rows if not any(row.matches(m) for m in produced)]
    unexplained = sorted({m for m in produced if not any(row.matches(m) for row in rows)})

    assert unmatched_rows == [], "rows that match no message the build gives"
    assert unexplained == [], "messages that no row of the table explains"


def test_a_change_to_any_module_of_the_checks_is_a_new_cache(tmp_path, monkeypatch):
    """The fact-file cache is keyed by the code: every module the checks run is in the key."""
    import shutil

    from gdfacts import cache

    assert Path(rule_groups.__file__).parent.parent == cache.PACKAGE
    relations_modules = sorted(Path(relations_module.__file__).parent.glob("*.py"))  # the package, each of its modules
    copy = tmp_path / "gdfacts"
    shutil.copytree(cache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    modules = ["dataset.py", "inputs.py", "model.py", *(f"rules/{Path(m.__file__).name}" for m in (references, records, citations, corpus)),
               "rules/__init__.py", *(str(p.relative_to(cache.PACKAGE)) for p in relations_modules)]
    monkeypatch.setattr(cache, "PACKAGE", copy)
    try:
        for rel in modules:
            cache.code_digest.cache_clear()
            before = cache.code_digest()
            (copy / rel).write_text((copy / rel).read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
            cache.code_digest.cache_clear()
            assert cache.code_digest() != before, rel
    finally:
        cache.code_digest.cache_clear()


def test_an_indicator_without_its_unit_is_reported_there_alone(tmp_path):
    """Records that give their own unit, and relations naming the indicator, do not trip over its missing unit."""
    mini = make_mini(tmp_path)
    mini.edit(INDICATORS, "  description: Growth of GDP.\n  unit: percent\n", "  description: Growth of GDP.\n")
    mini.edit(F, RECORD_1, "    kind: actual\n    unit: percent\n    value: 6\n")
    mini.write("data/relations.yml", "relations:\n  - id: gdp_grows\n    kind: growth\n    why: a level and its growth\n"
                                     "    growth: gdp_growth\n    level: gdp\n    revision: 0.05\n")

    assert [str(p) for p in problems_of(mini.root)] == [f"{INDICATORS}:7: indicator: is missing the key 'unit'"]


def test_the_locator_proposes_a_sign_for_a_rate_but_never_for_a_level(tmp_path):
    """Trade above GDP: a power of ten on either may explain it; a negative trade would not be a reading of anything."""
    mini = make_mini(tmp_path)
    relations(AT_MOST, part="trade", whole="gdp")(mini)

    messages = [p.message for p in problems_of(mini.root)]
    assert messages and all("relation trade_within_gdp does not hold" in m for m in messages)
    assert all("shenzhen-gdp-2023-actual × 10 " in m or "this value × 10 " in m for m in messages), messages
    assert not any("(the sign)" in m for m in messages), messages
