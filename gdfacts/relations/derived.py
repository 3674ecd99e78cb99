"""The values the relations imply: each member from the others wherever the
others are recorded, and the rate of each exchange-rate pair."""

from __future__ import annotations

from dataclasses import dataclass

from ..intervals import Interval
from .applications import Application, members_of
from .declared import RATE_ROLES
from .evaluation import View, revised, solve
from .showing import formula, revised_base


@dataclass
class Derived:
    relation: str
    region: str
    indicator: str
    period: str
    unit: str
    table: str
    value: Interval
    formula: str
    inputs: list[tuple[str, str, str]]  # (record id, table, role)
    record: tuple[str, str] | None  # (id, table) of the record it corresponds to


def derive(apps: list[Application]) -> list[Derived]:
    """The value of each member implied by the others (exchange rates: the rate of each pair)."""
    out = []
    view = View()
    for app in apps:
        kind = app.relation.kind
        if kind == "restatement" or kind == "at_most":
            continue
        if kind == "exchange_rate":
            a, b = app.records
            rate = app.relation.members["rate"]
            if not (view(a) / view(b)).bounded:
                continue  # two bounds imply no rate
            out.append(Derived(app.relation.id, app.region, rate, app.period, app.relation.units[rate], a.table, view(a) / view(b), formula(app, 0), [(a.id, a.table, "currency"), (b.id, b.table, "equivalent")], None))
            continue
        values = [revised(app, i, view(r)) if r is not None else None for i, r in enumerate(app.records)]
        for i, record in enumerate(app.records):
            if any(v is None for j, v in enumerate(values) if j != i):
                continue
            interval = revised(app, i, solve(kind, i, values))
            if interval.anything:
                continue
            indicator = members_of(app.relation)[i][1]
            period = app.labels[i].rsplit(" ", 1)[1]
            unit = record.unit if record is not None else (
                app.relation.units[indicator] if app.roles[i] in RATE_ROLES else app.unit)
            table = next(r.table for r in app.records if r is not None)
            inputs = [(r.id, r.table, app.roles[j]) for j, r in enumerate(app.records) if j != i]
            shown_formula = formula(app, i) + (f" ({revised_base(app.relation, app.labels[2])})" if kind == "growth" else "")
            out.append(Derived(app.relation.id, app.region, indicator, period, unit, table, interval, shown_formula, inputs,
                               (record.id, record.table) if record is not None else None))
    return out
