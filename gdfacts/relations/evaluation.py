"""A relation evaluated on intervals: each member from the others (`solve`),
the subject against what the others imply (`evaluate`), on the intervals a
`View` gives the records; and whether an acknowledgement covers a deviation."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal

from .. import quantities
from ..intervals import Interval, total
from .applications import Application
from .records import Record


@dataclass
class Outcome:
    observed: Interval
    expected: Interval | None  # None: nothing to compare with
    holds: bool
    undetermined: bool

    @property
    def deviation(self) -> float | None:
        if self.expected is None or self.observed.mid is None or self.expected.mid is None:
            return None
        return self.observed.mid - self.expected.mid

    @property
    def tolerance(self) -> float | None:
        if self.expected is None or not (self.observed.bounded and self.expected.bounded):
            return None
        return (self.observed.width + self.expected.width) / 2


def solve(kind: str, i: int, v: list[Interval]) -> Interval:
    """Member i of a relation, from the others."""
    hundred = Interval(100.0, 100.0)
    one = Interval(1.0, 1.0)
    if kind == "sum":
        return total(v[1:]) if i == 0 else v[0] - total(x for j, x in enumerate(v[1:], 1) if j != i)
    if kind == "at_most":
        return Interval(float("-inf"), v[1].hi) if i == 0 else Interval(v[0].lo, float("inf"))
    if kind == "share":  # part, share, whole
        part, share, whole = v
        return (lambda: share / hundred * whole, lambda: part / whole * hundred, lambda: part / (share / hundred))[i]()
    if kind == "growth":  # growth, level, previous level
        growth, level, previous = v
        return (lambda: (level / previous - one) * hundred, lambda: previous * (one + growth / hundred),
                lambda: level / (one + growth / hundred))[i]()
    if kind == "difference":  # difference, minuend, subtrahend
        difference, minuend, subtrahend = v
        return (lambda: minuend - subtrahend, lambda: difference + subtrahend, lambda: minuend - difference)[i]()
    raise AssertionError(kind)


def evaluate(app: Application, view) -> Outcome:
    """The subject against what the others imply, on the intervals `view(record)` gives."""
    kind = app.relation.kind
    if kind == "restatement":
        record = app.records[0]
        now, as_stated, _ = record.citations[app.citation]
        observed = as_stated if view.stated else now
        observed = _moved(observed, view, record)
        expected = view(record)
    elif kind == "exchange_rate":
        observed = view(app.records[0]) / view(app.records[1])
        rates = [view(a) / view(b) for a, b in app.others]
        mids = [r.mid for r in rates if r.bounded]
        if not mids:
            return Outcome(observed, None, True, not observed.bounded)
        median, band = statistics.median(mids), float(app.relation.members["band"])
        expected = Interval(median / band, median * band)
    else:
        values = [revised(app, i, view(r)) for i, r in enumerate(app.records)]
        observed, expected = values[0], solve(kind, 0, values)
    undetermined = observed.anything or expected.anything or (kind == "exchange_rate" and not observed.bounded)
    return Outcome(observed, expected, undetermined or observed.meets(expected), undetermined)


def revised(app: Application, i: int, interval: Interval) -> Interval:
    """A growth rate's base is the previous year's level as since revised: the
    level as first published (member 2) stands for anything within the
    relation's revision band of it, and so does a level derived for it."""
    if app.relation.kind != "growth" or i != 2:
        return interval
    r = float(app.relation.members["revision"])
    return interval * Interval(1 / (1 + r), 1 + r)


def _moved(interval: Interval, view, record: Record) -> Interval:
    """A citation's interval moves with its record when `locate` changes the record."""
    factor = view.factors.get(record.id)
    return interval.scaled(factor) if factor is not None else interval


class View:
    """The intervals records stand for: as corrected (or as stated), with some changed by a factor."""

    def __init__(self, stated: bool = False, factors: dict | None = None):
        self.stated = stated
        self.factors = factors or {}

    def __call__(self, record: Record) -> Interval:
        interval = record.stated if self.stated else record.now
        factor = self.factors.get(record.id)
        return interval.scaled(factor) if factor is not None else interval


def acknowledges(ack, outcome: Outcome) -> bool:
    """An acknowledgement covers the deviation it states, to its own digits, and no other."""
    deviation = outcome.deviation
    if deviation is None:
        return False
    stated = ack.get("deviation")
    step = Decimal(1).scaleb(stated.as_tuple().exponent)
    return quantities.rounds_to(stated, None, step, Decimal(repr(deviation)), None)
