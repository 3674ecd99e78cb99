"""Relations in words: a relation as a formula over its indicators
(`describe`), a member in terms of the others (`formula`), and a check's
arithmetic with its figures in their units (`arithmetic`)."""

from __future__ import annotations

from decimal import Decimal

from .. import quantities
from ..intervals import Interval
from .applications import Application, members_of
from .declared import Relation
from .evaluation import Outcome, View


def describe(relation: Relation) -> str:
    """The relation as a formula over its indicators."""
    m, kind = relation.members, relation.kind
    if kind == "restatement":
        return "each citation of a record = the record, within its precision"
    if kind == "exchange_rate":
        return (f"{m['rate']} = value in {m['currency']} ÷ value in {m['equivalent']}, "
                f"within a factor of {m['band']} of the other pairs' median")
    labels = [f"{ind}{' (previous year)' if back else ''}" for _, ind, back in members_of(relation)]
    app = Application(relation, "", "", "", labels, [], [])
    text = f"{labels[0]} {'≤' if kind == 'at_most' else '='} {formula(app, 0).removeprefix('at most ')}"
    if kind == "growth":
        text += f" ({revised_base(relation, labels[2])})"
    return text


def revised_base(relation, base: str) -> str:
    """How a growth relation takes its base: the level `base` as since revised, within its band."""
    return f"the base as revised: within {float(relation.members['revision']) * 100:g} % of {base}"


FORMULAS = {
    "growth": ["({1} ÷ {2} − 1) × 100", "{2} × (1 + {0} %)", "{1} ÷ (1 + {0} %)"],
    "share": ["{1} % × {2}", "{0} ÷ {2} × 100", "{0} ÷ {1} %"],
    "difference": ["{1} − {2}", "{0} + {2}", "{1} − {0}"],
}


def formula(app: Application, i: int) -> str:
    """Member i in terms of the others, in words."""
    kind, labels = app.relation.kind, app.labels
    if kind == "sum":
        if i == 0:
            return " + ".join(labels[1:])
        return f"{labels[0]} − " + " − ".join(x for j, x in enumerate(labels[1:], 1) if j != i)
    if kind == "at_most":
        return f"at most {labels[1]}" if i == 0 else f"at least {labels[0]}"
    if kind == "exchange_rate":
        return f"{labels[0]} ÷ {labels[1]}"
    return FORMULAS[kind][i].format(*labels)


def shown(value: float, unit: str) -> str:
    return quantities.format_quantity(Decimal(f"{value:.6g}"), unit)


def shown_interval(i: Interval, unit: str) -> str:
    if i.anything:
        return "anything"
    if i.hi == float("inf"):
        return f"at least {shown(i.lo, unit)}"
    if i.lo == float("-inf"):
        return f"at most {shown(i.hi, unit)}"
    low, high = shown(i.lo, unit), shown(i.hi, unit)
    return shown(i.mid, unit) if low == high else f"{low} to {high}"


def arithmetic(app: Application, outcome: Outcome) -> str:
    """The check in words: the subject, what the others imply, and by how much they differ."""
    unit = subject_unit(app)
    members = "; ".join(f"{label} = {shown_interval(View()(r), r.unit)}" for label, r in zip(app.labels, app.records) if r is not None)
    if app.relation.kind == "restatement":
        record = app.records[0]
        where = record.citations[app.citation][2]
        text = f"{app.labels[0]} as stated at {where} is {shown_interval(outcome.observed, unit)}, the record {shown_interval(outcome.expected, unit)}"
    elif app.relation.kind == "exchange_rate":
        text = (f"{formula(app, 0)} = {shown_interval(outcome.observed, unit)}; the other pairs imply "
                f"{shown_interval(outcome.expected, unit)} (their median within a factor of {app.relation.members['band']}) [{members}]")
        if not outcome.observed.bounded:
            text = f"{formula(app, 0)} gives no rate: both figures are bounds [{members}]"
    else:
        text = (f"{app.labels[0]} is {shown_interval(outcome.observed, unit)}, and {formula(app, 0)} gives "
                f"{shown_interval(outcome.expected, unit)} [{members}]")
    allowed = "the stated digits"
    if app.relation.kind == "growth":
        text += f" ({revised_base(app.relation, app.labels[2])})"
        allowed += " and the revision band"
    if outcome.deviation is not None:
        text += (f"; deviation {outcome.deviation:.3g} ({shown(outcome.deviation, unit)}), "
                 f"where {allowed} allow {shown(outcome.tolerance, unit)}")
    return text


def subject_unit(app: Application) -> str:
    if app.relation.kind == "exchange_rate":
        return app.relation.units[app.relation.members["rate"]]
    return app.records[0].unit if app.records[0] is not None else app.unit
