"""Locating an error: for the violated relations, the fewest values which,
changed by a power of ten or a sign, make every relation they touch hold, and
each violation's message with the changes it proposes."""

from __future__ import annotations

import itertools
from decimal import Decimal

from .. import quantities
from ..problems import Problem
from .applications import Application
from .declared import RATE_UNITS, RELATIONS_FILE
from .evaluation import View, acknowledges, evaluate
from .records import Record
from .showing import arithmetic

# The changes `locate` tries on a value: a power of ten up to 10^4 either way
# (万 read for 亿 is 10^4; billion for 亿, 10^-1) or, for a rate, a sign, on
# at most three values at once.
POWERS = (-4, -3, -2, -1, 1, 2, 3, 4)
MOST_CHANGED = 3


def locate(violated_apps: list[Application], apps: list[Application], acks) -> list[dict[str, float]]:
    """The smallest sets of changes (record id -> factor: a power of ten, or −1)
    that make every relation touching the changed records hold."""
    candidates = []
    for app in violated_apps:
        for r in app.records:
            if r is not None and r not in candidates:
                candidates.append(r)
    touching: dict[str, list[Application]] = {}
    for app in apps:
        if app.complete:
            for r in list(app.records) + [x for pair in app.others for x in pair]:
                touching.setdefault(r.id, []).append(app)
    for size in range(1, MOST_CHANGED + 1):
        found = []
        for chosen in itertools.combinations(candidates, size):
            for factors in itertools.product(*[_changes(r) for r in chosen]):
                change = {r.id: f for r, f in zip(chosen, factors)}
                view = View(factors=change)
                affected = {id(a): a for r in chosen for a in touching.get(r.id, [])}
                if all(_holds(a, view, acks) for a in affected.values()) and all(
                        id(a) in affected for a in violated_apps):
                    found.append(change)
        if found:
            return found
    return []


def _changes(record: Record) -> list[float]:
    out = []
    for power in POWERS:
        changed = record.now.scaled(10.0 ** power)
        if record.unit_min <= changed.lo and changed.hi <= record.unit_max:
            out.append(10.0 ** power)
    if record.unit in RATE_UNITS:  # a lost "down" flips a rate; a level's sign is not how levels go wrong
        out.append(-1.0)
    return out


def _holds(app: Application, view: View, acks) -> bool:
    outcome = evaluate(app, view)
    if outcome.holds:
        return True
    ack = acks.get(app.key)
    return ack is not None and acknowledges(ack, outcome)


def violations(violated, apps, acks) -> list[Problem]:
    solutions = locate([app for app, _, _ in violated], apps, acks)
    problems = []
    for app, outcome, ack in violated:
        text = f"relation {app.relation.id} does not hold for {app.region} {app.period}: {arithmetic(app, outcome)}"
        if ack is not None:
            text += f"; the acknowledgement at {RELATIONS_FILE}:{ack.line} is of a deviation of {format(ack.get('deviation'), 'g')}, not this one"
        involved = [r for r in app.records if r is not None]
        if app.relation.kind == "restatement":
            involved = involved[:1]
        for record in involved:
            problems.append(Problem(record.file, record.line, f"{text}. {_proposal(record, solutions)}"))
    return problems


def _proposal(record: Record, solutions: list[dict[str, float]]) -> str:
    if not solutions:
        return (f"No change of up to {MOST_CHANGED} values by a power of ten or a sign makes every relation hold: check the values "
                f"against their articles, correct them with the reason, or acknowledge the deviation in {RELATIONS_FILE}")
    texts = []
    for change in solutions[:3]:
        own = change.get(record.id)
        others = [f"{ident} {_factor(f)}" for ident, f in change.items() if ident != record.id]
        if own is not None:
            texts.append(f"this value {_factor(own)}" + (f" (with {', '.join(others)})" if others else ""))
        else:
            texts.append(", ".join(others))
    lead = "Changing " + " or ".join(texts) + (" would make every relation hold" if len(solutions) == 1 else
                                                  " would each make every relation hold")
    return lead + "; if the article states it so, keep the stated value and record a correction with its scale and reason"


def _factor(f: float) -> str:
    if f == -1:
        return "× −1 (the sign)"
    return f"× {quantities.format_quantity(Decimal(repr(f)).normalize(), 'count').strip()}"
