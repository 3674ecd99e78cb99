"""Whether each target was met: from an actual value, or from a source's
statement of the outcome, with the target's own hedge honoured.

What a target accepts (written into `target_status`, described in schema.sql):
an exact target is its value (or range); "about 5 percent" accepts what rounds
to it at its stated digits, 4.5 to 5.5 (half a step of its last digit, the
rule every rounded figure in the dataset is read by); "more than 5" and "at
least 5" accept 5 and above; "less than" and "at most" the value and below.
A target whose indicator is better higher is met by an actual at or above the
lowest value it accepts; better lower, at or below the highest. An actual that
is itself a bound decides only when the bound does ("more than 6" meets a
target of 5; it cannot tell whether 7 was reached). A statement of the
outcome ("missed its GDP growth target for a third consecutive year") decides
the targets it covers, and must agree with any actual that decides them.
Whether a target without an outcome is still due depends on the day it is
read, so the `target_outcomes` view decides that at query time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import periods
from .intervals import Interval
from .problems import Message, Problem


# The row of the README's table of errors for what this module reports.
MESSAGES = (
    Message("`says target T was met, but the actual ... says it was missed`",
            "the statement or the actual is wrong, or covers other periods: fix its `periods`",
            r"^says target \S+ was \w+, but the actual "),
)

@dataclass
class Statement:
    """A source's statement that a target was met or missed, for one period."""
    region: str
    indicator: str
    period: str
    outcome: str  # met | missed
    period_basis: str
    source_id: str
    line: int
    quote: str
    as_stated: str
    data_file: str
    data_line: int


@dataclass(slots=True)
class Status:
    target_id: str
    accepts: Interval
    period_end: str
    outcome_id: str | None  # the actual that decides, or is the closest to deciding
    statement: int | None  # index of the statement that decides
    decision: str | None  # met | missed | undetermined; None: no outcome in the dataset


@dataclass(slots=True)
class Stored:
    """A fact or target as outcomes see it."""
    id: str
    kind: str
    region: str
    indicator: str
    period: str
    unit: str
    value: float
    high: float | None
    qualifier: str
    step: float  # of the words that state it with its own qualifier
    file: str
    line: int

    @property
    def value_low(self) -> float:
        return -math.inf if self.qualifier in ("less_than", "at_most") else self.value

    @property
    def value_high(self) -> float:
        top = self.value if self.high is None else self.high
        return math.inf if self.qualifier in ("more_than", "at_least") else top


def from_records(records) -> tuple[list[Stored], list[Stored]]:
    """(targets, facts) of relations.records_of's records."""
    targets, facts = [], []
    for r in records:
        stored = Stored(r.id, r.kind, r.region, r.indicator, r.period, r.unit, r.value, r.high, r.qualifier, r.step, r.file, r.line)
        (targets if r.table == "targets" else facts).append(stored)
    return targets, facts


def accepts(value: float, high: float | None, qualifier: str, step: float) -> Interval:
    """The values a target's words accept."""
    if qualifier == "approximately":
        return Interval.of(value, high, qualifier, step)
    if qualifier == "exact":
        return Interval(value, value if high is None else high)
    return Interval.of(value, high, qualifier, step)


def decide(targets, facts, statements: list[Statement], better: dict[str, str | None]) -> tuple[list[Status], list[Problem]]:
    """Each target's status from the actuals (relations.Record) and the statements."""
    actuals = {(f.region, f.indicator, f.period, f.unit): f for f in facts if f.kind == "actual"}
    stated = {}
    for index, s in enumerate(statements):
        stated.setdefault((s.region, s.indicator, s.period), index)
    out, problems = [], []
    for t in targets:
        target = accepts(t.value, t.high, t.qualifier, t.step)
        actual = actuals.get((t.region, t.indicator, t.period, t.unit))
        by_value = _by_value(target, actual, better.get(t.indicator)) if actual is not None else None
        index = stated.get((t.region, t.indicator, t.period))
        by_statement = statements[index].outcome if index is not None else None
        if by_value in ("met", "missed") and by_statement is not None and by_statement != by_value:
            s = statements[index]
            problems.append(Problem(s.data_file, s.data_line,
                                    f"says target {t.id} was {by_statement}, but the actual {actual.id} ({actual.file}:{actual.line}) "
                                    f"says it was {by_value}"))
        decision = by_value if by_value in ("met", "missed") else by_statement or by_value
        end = "%04d-%02d-%02d" % periods.end(t.period)
        out.append(Status(t.id, target, end, actual.id if actual is not None else None,
                          index if by_statement is not None and decision == by_statement else None, decision))
    return out, problems


def _by_value(target: Interval, actual, better: str | None) -> str:
    """met, missed or undetermined, from an actual's value and hedge."""
    if better not in ("higher", "lower"):
        return "undetermined"
    low, high = actual.value_low, actual.value_high
    if better == "lower":  # mirror: a lower value is better
        target, low, high = Interval(-target.hi, -target.lo), -high, -low
    threshold = target.lo
    if math.isinf(threshold):
        return "met"
    if low >= threshold:
        return "met"
    if high < threshold:
        return "missed"
    return "undetermined"
