"""Closed intervals of real numbers, and their arithmetic.

A stated figure stands for every value its words allow: "3.46 trillion"
(exact or approximate) for 3.455 to 3.465 trillion, half a step of its last
digit either way; "more than 3.87 trillion" for 3.87 trillion and up. The
relations between records are checked on these intervals, so a tolerance is
never a constant: it is what the stated digits and hedges leave open.
Unbounded ends are infinities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf
# Floating-point arithmetic on values of 1e12 and more leaves errors in the
# last bits; two intervals closer than this (relative to their size) meet.
_ROUNDING = 1e-9


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float

    @classmethod
    def of(cls, value: float, high: float | None, qualifier: str, step: float) -> "Interval":
        """What a figure stands for: its value (and high end), its hedge and the step of its digits."""
        top = value if high is None else high
        if qualifier in ("more_than", "at_least"):
            return cls(value, INF)
        if qualifier in ("less_than", "at_most"):
            return cls(-INF, top)
        return cls(value - step / 2, top + step / 2)

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    @property
    def anything(self) -> bool:
        return self.lo == -INF and self.hi == INF

    @property
    def mid(self) -> float | None:
        return (self.lo + self.hi) / 2 if self.bounded else None

    @property
    def width(self) -> float:
        return self.hi - self.lo

    def meets(self, other: "Interval") -> bool:
        """Whether the two share a value."""
        slack = _ROUNDING * max(abs(x) for x in (self.lo, self.hi, other.lo, other.hi) if math.isfinite(x)) \
            if any(math.isfinite(x) for x in (self.lo, self.hi, other.lo, other.hi)) else 0.0
        return self.lo <= other.hi + slack and other.lo <= self.hi + slack

    def gap(self, other: "Interval") -> float:
        """How far apart the two are (0 when they meet)."""
        if self.meets(other):
            return 0.0
        return other.lo - self.hi if self.hi < other.lo else self.lo - other.hi

    def scaled(self, factor: float) -> "Interval":
        return self * Interval(factor, factor)

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: "Interval") -> "Interval":
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def __mul__(self, other: "Interval") -> "Interval":
        products = [_times(a, b) for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(products), max(products))

    def __truediv__(self, other: "Interval") -> "Interval":
        if other.lo <= 0 <= other.hi:
            return Interval(-INF, INF)
        return self * Interval(1 / other.hi, 1 / other.lo)


def _times(a: float, b: float) -> float:
    """a × b, with 0 × ∞ = 0: an end at zero stays at zero however far the other reaches."""
    return 0.0 if a == 0 or b == 0 else a * b


def total(intervals) -> Interval:
    result = Interval(0.0, 0.0)
    for i in intervals:
        result = result + i
    return result
