"""The rules for one record of a fact file (and for the fact file's own
source): before its citations are checked, that it refers to what exists and
holds values its unit can take; once every citation has passed, that it is
what its citations say, for a period they support."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field

from .. import clause, coverage, periods, spec
from ..lexicon import Lexicon
from ..problems import NOT_ONE_OF, Message
from . import ALREADY_REPORTED, UNKNOWN_REFERENCE, chain, each, explained, is_one_of, reference_is_known


@dataclass
class Filing:
    """A fact file being checked: the source it is about."""

    entry: spec.Entry  # the file's mapping
    path: str
    sources: dict
    unreadable: frozenset  # the reference lists that could not be read


@explained(UNKNOWN_REFERENCE)
def fact_file_names_a_known_source(f: Filing):
    yield from reference_is_known("source", f.entry.get("source"), f.sources, "source", f.unreadable)


@dataclass
class Recording:
    """One record being checked, and what it refers to."""

    entry: spec.Entry
    path: str
    lex: Lexicon
    vocab: dict  # the vocabularies: kinds, qualifiers, ...
    regions: dict
    indicators: dict
    sources: dict
    unreadable: frozenset
    citations: list = field(default_factory=list)  # its Citations, once every one has passed

    def __post_init__(self):
        get = self.entry.get
        self.region_id, self.indicator_id, self.kind, self.period = get("region"), get("indicator"), get("kind"), get("period")
        self.value, self.value_high, self.qualifier = get("value"), get("value_high"), get("qualifier", "exact")
        self.indicator = self.indicators.get(self.indicator_id)
        self.unit = get("unit") or (self.indicator.get("unit") if self.indicator else None)

    def sound(self) -> bool:
        """Whether every value a citation is checked against is there (a missing key is reported by spec)."""
        return None not in (self.region_id, self.indicator_id, self.kind, self.period, self.value, self.unit)

    def numbers(self):
        """(key, number) of its value and value_high, where given in a known unit, with the unit."""
        unit = self.lex.units.get(self.unit) if self.unit is not None else None
        for key in ("value", "value_high"):
            if unit is not None and self.entry.get(key) is not None:
                yield key, self.entry.get(key), unit


@explained(UNKNOWN_REFERENCE)
def region_is_known(r: Recording):
    yield from reference_is_known("region", r.region_id, r.regions, "region", r.unreadable)


@explained(UNKNOWN_REFERENCE)
def indicator_is_known(r: Recording):
    yield from reference_is_known("indicator", r.indicator_id, r.indicators, "indicator", r.unreadable)


@explained(NOT_ONE_OF)
def kind_is_known(r: Recording):
    yield from is_one_of("kind", r.kind, r.vocab["kinds"])


@explained(NOT_ONE_OF)
def qualifier_is_known(r: Recording):
    yield from is_one_of("qualifier", r.qualifier, r.vocab["qualifiers"])


@explained(Message("`period 'P' is not a date in the calendar` / `is not a span of months`",
                   "fix the period: a real day, a span whose end comes after its start",
                   r"^period '[^']*' is not (a date in the calendar|a span of months)"))
def period_is_a_real_period(r: Recording):
    if r.period is not None and (why := periods.problem(r.period)) is not None:
        yield "period", f"period {why}"


@explained(NOT_ONE_OF)
def unit_is_known(r: Recording):
    if r.unit is None or r.unit in r.lex.units:
        return
    if r.entry.get("unit") is None:
        yield "unit", ALREADY_REPORTED  # the indicator's unit, reported at the indicator
    else:
        yield "unit", f"unit '{r.unit}' is not one of: {', '.join(r.lex.units)}"


@explained(Message("`unit X does not fit indicator ...`", "use the indicator's unit (or USD for a CNY indicator)",
                   r"^unit \S+ does not fit indicator '"))
def unit_fits_its_indicator(r: Recording):
    own = r.indicator.get("unit") if r.indicator is not None else None  # missing: reported at the indicator
    if own is not None and r.unit in r.lex.units and not _unit_fits(r.unit, own, r.lex):
        yield "unit", f"unit {r.unit} does not fit indicator '{r.indicator_id}', which is in {r.indicator['unit']}"


@explained(Message("`value X is out of the range a percent value can take (...)`",
                   "values are in base units (6 percent is `6`, 3.46 trillion yuan `3.46e12`): check the scale and the unit",
                   r"^value(_high)? \S+ is out of the range a \S+ value can take"))
def value_is_in_its_units_range(r: Recording):
    for key, number, unit in r.numbers():
        if not unit.low <= number <= unit.high:
            yield key, f"{key} {number} is out of the range a {unit.id} value can take ({unit.low} to {unit.high})"


@explained(Message("`value X must be a whole number for unit count`", "a count or a rank is a whole number",
                   r"^value(_high)? \S+ must be a whole number for unit"))
def value_is_whole_where_its_unit_counts(r: Recording):
    for key, number, unit in r.numbers():
        in_range = unit.low <= number <= unit.high  # else the range is what is wrong
        if in_range and unit.whole and number != number.to_integral_value():
            yield key, f"{key} {number} must be a whole number for unit {unit.id}"


@explained(Message("`value_high X must be above the value Y`", "a range goes from `value` (low) to `value_high` (high)",
                   r"^value_high \S+ must be above the value"))
def range_goes_from_low_to_high(r: Recording):
    if r.value is not None and r.value_high is not None and r.value_high <= r.value:
        yield "value_high", f"value_high {r.value_high} must be above the value {r.value}: a range goes from low to high"


@explained(Message("`the record is exact, but its citations say more_than`",
                   "the record's qualifier must be what one of its citations says", r"^the record is \w+, but its citations say"))
def qualifier_is_what_a_citation_says(r: Recording):
    if not any(c.stated_qualifier == r.qualifier for c in r.citations):
        said = ", ".join(sorted({c.stated_qualifier for c in r.citations}))
        yield "qualifier", (f"the record is {r.qualifier}, but its citations say {said}; "
                            "a record's qualifier must be what one of its citations says")


@explained(Message("`period P is not on the cited line; say how it was resolved in period_basis`", "add `period_basis`",
                   r"^period \S+ is not on the cited line"))
def period_is_on_a_cited_line_or_in_period_basis(r: Recording):
    cited_lines = [r.sources[c.source_id].lines[c.line - 1] for c in r.citations]
    if r.entry.get("period_basis") is None and not any(_states_period(r.period, text, r.lex) for text in cited_lines):
        yield "period", f"period {r.period} is not on the cited line; say how it was resolved in period_basis"


@explained(Message("`an actual for P cannot come from source ..., published D`", "the period is wrong, or the value is an estimate",
                   r"^an actual for \S+ cannot come from source '"))
def actual_is_not_dated_after_its_source(r: Recording):
    if r.kind != "actual" or r.vocab["kinds"][r.kind] != "fact":
        return
    for c in r.citations:
        published = r.sources[c.source_id].entry.get("published")
        if published is not None and periods.end(r.period) > _published_end(published):
            yield "period", f"an actual for {r.period} cannot come from source '{c.source_id}', published {published}; is it an estimate?"


@explained(Message("`a record that acknowledges a conflict needs an explicit id`",
                   "give the record an `id`, so that the other record can name it too",
                   r"^a record that acknowledges a conflict needs an explicit id"))
def conflicts_with_comes_with_an_explicit_id(r: Recording):
    if r.entry.get("conflicts_with") is not None and r.entry.get("id") is None:
        yield "conflicts_with", "a record that acknowledges a conflict needs an explicit id"


def _unit_fits(unit: str, indicator_unit: str, lex) -> bool:
    """A value is in its indicator's unit, or is an amount in another currency
    that the article gives as the equivalent of a currency amount."""
    if unit == indicator_unit:
        return True
    units = lex.units
    return unit in units and indicator_unit in units and units[unit].stated_by == units[indicator_unit].stated_by == "currency"


def _states_period(period: str, text: str, lex) -> bool:
    """Whether a line names a period: its year, and the part of the year (a
    quarter, a half, a span of months) in the lexicon's words."""
    if periods.year(period) not in coverage.ascii_digits(text):
        return False
    part = periods.part(period)
    return part is None or any(named == part for _, _, named in clause.named_periods(text, lex))


def _published_end(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return (year, month, day)



@dataclass
class Stating:
    """One entry of a fact file's `outcomes` being checked: a target met or missed, said in words."""

    entry: spec.Entry
    path: str
    regions: dict
    indicators: dict
    unreadable: frozenset
    said: str | None = None  # what its citation's words say (met | missed), once they are read

    def __post_init__(self):
        self.region_id, self.indicator_id = self.entry.get("region"), self.entry.get("indicator")


@explained(Message("`period 'P' is not a date in the calendar` / `is not a span of months`",
                   "fix the period: a real day, a span whose end comes after its start",
                   r"^period '[^']*' is not (a date in the calendar|a span of months)"))
def periods_are_real_periods(s: Stating):
    for period in s.entry.get("periods", []):
        if (why := periods.problem(period)) is not None:
            yield "periods", f"period {why}"



@explained(Message('`the words "..." say missed, but the outcome is met`', "make the outcome what the quoted words say",
                   r'^the words ".*" say \w+, but the outcome is'))
def outcome_is_what_its_words_say(s: Stating):
    if s.said != s.entry.get("outcome"):
        stated = s.entry.get("citation").get("stated")
        yield "outcome", f'the words "{stated}" say {s.said}, but the outcome is {s.entry.get("outcome")}'


# The fact file's own source: without it, nothing in the file can be checked.
FACT_FILE_RULES = chain("fact file", fact_file_names_a_known_source)
# Before its citations: independent, so all are reported at once.
RECORD_RULES = each("record", region_is_known, indicator_is_known, kind_is_known, qualifier_is_known,
                    period_is_a_real_period, unit_is_known, unit_fits_its_indicator, value_is_in_its_units_range,
                    value_is_whole_where_its_unit_counts, range_goes_from_low_to_high)
# Once every citation has passed: a record that is not what a citation says is left out
# (so that it raises no conflict with another record) ...
AGREEMENT_RULES = chain("agreement", qualifier_is_what_a_citation_says)
# ... and one that is, is checked for its period and its conflicts.
CITED_RULES = each("cited record", period_is_on_a_cited_line_or_in_period_basis, actual_is_not_dated_after_its_source,
                   conflicts_with_comes_with_an_explicit_id)
# An outcome said in words: what it is about (its citation's rules are in citations.py).
STATEMENT_RULES = each("outcome statement", region_is_known, indicator_is_known, periods_are_real_periods)
# ... and, once its citation's words are read, that they say its outcome.
STATED_OUTCOME_RULES = chain("stated outcome", outcome_is_what_its_words_say)
