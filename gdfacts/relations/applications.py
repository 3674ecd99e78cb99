"""Where each relation applies: every region and period (and, for an exchange
rate, every pair of a value and its equivalent) it finds records for, with
each member's record, or None where one member is missing."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import periods
from .declared import RATE_ROLES, Relation
from .records import Record


@dataclass
class Application:
    relation: Relation
    region: str
    period: str
    unit: str
    labels: list[str]  # "trade 2022", one per member
    roles: list[str]
    records: list[Record | None]
    citation: int | None = None  # restatement: the citation checked
    others: list[tuple[Record, Record]] = field(default_factory=list)  # exchange_rate: the other pairs

    @property
    def complete(self) -> bool:
        return None not in self.records

    @property
    def key(self) -> tuple:
        indicator = self.records[0].indicator if self.relation.kind in ("exchange_rate", "restatement") else None
        return self.relation.id, self.region, self.period, indicator


def applications(relations: list[Relation], records: list[Record]) -> list[Application]:
    """Every region and period each relation finds records for."""
    by_key: dict[tuple, Record] = {}
    for r in sorted(records, key=lambda r: (r.kind != "actual", r.kind)):  # an actual before an estimate
        by_key.setdefault((r.table, r.region, r.indicator, r.period, r.unit), r)
    by_indicator: dict[str, list[Record]] = {}
    for r in by_key.values():
        by_indicator.setdefault(r.indicator, []).append(r)
    apps: list[Application] = []
    for relation in relations:
        if relation.kind == "restatement":
            apps += [Application(relation, r.region, r.period, r.unit, [_label(r.indicator, r.period)], ["record"], [r], i)
                     for r in records if len(r.citations) > 1 for i in range(len(r.citations)) if i != r.governing]
        elif relation.kind == "exchange_rate":
            apps += _exchange_rate_applications(relation, by_key)
        else:
            apps += _member_applications(relation, by_indicator)
    return apps


def members_of(relation: Relation) -> list[tuple[str, str, int]]:
    """(role, indicator, years before the application's period) of each member, subject first."""
    m = relation.members
    if relation.kind == "sum":
        return [("total", m["total"], 0)] + [("part", p, 0) for p in m["parts"]]
    if relation.kind == "at_most":
        return [("part", m["part"], 0), ("whole", m["whole"], 0)]
    if relation.kind == "share":
        return [("part", m["part"], 0), ("share", m["share"], 0), ("whole", m["whole"], 0)]
    if relation.kind == "growth":
        return [("growth", m["growth"], 0), ("level", m["level"], 0), ("previous level", m["level"], 1)]
    back = 1 if m["subtrahend_period"] == "previous_year" else 0
    return [("difference", m["difference"], 0), ("minuend", m["minuend"], 0), ("subtrahend", m["subtrahend"], back)]


def _member_applications(relation, by_indicator) -> list[Application]:
    members = members_of(relation)
    anchors = set()
    for _, indicator, back in members:
        for r in by_indicator.get(indicator, []):
            anchored = _shift(r.period, back)
            if anchored is not None:
                anchors.add((r.table, r.region, anchored))
    apps = []
    for table, region, period in sorted(anchors):
        # the level members take the unit their records are in (CNY, USD ...); rates their own
        level_units = sorted({r.unit for role, ind, back in members if role not in RATE_ROLES
                              for r in by_indicator.get(ind, []) if r.region == region and r.table == table})
        for unit in level_units or [None]:
            found, labels = [], []
            for role, indicator, back in members:
                p = _shift(period, -back)
                candidates = [r for r in by_indicator.get(indicator, []) if r.table == table and r.region == region and r.period == p
                              and (role in RATE_ROLES or r.unit == unit)]
                found.append(candidates[0] if candidates else None)
                labels.append(_label(indicator, p))
            if sum(r is None for r in found) <= 1 and any(r is not None for r in found):
                apps.append(Application(relation, region, period, unit or found[0].unit, labels, [m[0] for m in members], found))
    return apps


def _exchange_rate_applications(relation, by_key) -> list[Application]:
    m = relation.members
    pairs = []
    for (table, region, indicator, period, unit), r in sorted(by_key.items()):
        if unit == m["currency"]:
            other = by_key.get((table, region, indicator, period, m["equivalent"]))
            if other is not None:
                pairs.append((r, other))
    apps = []
    for i, (a, b) in enumerate(pairs):
        apps.append(Application(relation, a.region, a.period, a.unit, [_label(a.indicator, a.period, a.unit), _label(b.indicator, b.period, b.unit)],
                                ["currency", "equivalent"], [a, b], others=pairs[:i] + pairs[i + 1:]))
    return apps


def _shift(period: str, years: int) -> str | None:
    """The same part of a year, `years` later (earlier when negative)."""
    if periods.problem(period) is not None:
        return None
    year = int(period[:4]) + years
    return None if year < 1000 else f"{year}{period[4:].replace(period[:4], str(year))}"


def _label(indicator: str, period: str, unit: str | None = None) -> str:
    return f"{indicator} {period}" + (f" in {unit}" if unit else "")
