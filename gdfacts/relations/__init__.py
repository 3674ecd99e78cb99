"""The relations between records (data/relations.yml): checked on what the
stated words allow, the values they imply derived, and an error located.

A relation names indicators; it applies to every region and period whose
records it finds (`applications`). Each record stands for an interval (see
intervals.py), read twice: as corrected, and as its source states it. A
relation that holds on the corrected values but not on the stated ones is
resolved by a correction; one that fails on the corrected values fails the
build, unless data/relations.yml acknowledges it with the deviation it
shows. For a violation, `locate` finds the fewest values which, changed by a
power of ten or a sign, make every relation hold: the deductive correction
of unit-of-measure errors that statistical offices apply to survey returns.

Each step has its module, in the order `check` (below) runs them:

- `declared.py`: the kinds and their members, `read` (the relations of
  data/relations.yml, checked against the indicators and units), and the
  rows of the README's table of errors for what the package reports;
- `records.py`: the stored records as relations see them (`records_of`);
- `applications.py`: where each relation applies, with each member's record;
- `evaluation.py`: a member from the others (`solve`), the subject against
  them (`evaluate`) on the intervals a `View` gives, and whether an
  acknowledgement covers a deviation;
- `locating.py`: for a violation, the fewest values changed by a power of
  ten or a sign that make every relation hold, and its message;
- `derived.py`: the values the relations imply;
- `showing.py`: relations, formulas and arithmetic in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..problems import Problem
from .applications import Application, applications, members_of
from .declared import MEMBERS, MESSAGES, NOT_INDICATORS, RATE_ROLES, RATE_UNITS, RELATIONS_FILE, Relation, read
from .derived import Derived, derive
from .evaluation import Outcome, View, acknowledges, evaluate, revised, solve
from .locating import MOST_CHANGED, POWERS, locate, violations
from .records import Record, records_of
from .showing import FORMULAS, arithmetic, describe, formula, shown, shown_interval, subject_unit

__all__ = [
    "FORMULAS", "MEMBERS", "MESSAGES", "MOST_CHANGED", "NOT_INDICATORS", "POWERS", "RATE_ROLES", "RATE_UNITS",
    "RELATIONS_FILE", "VERDICTS", "Application", "Check", "Derived", "Outcome", "Record", "Relation", "Result", "View",
    "applications", "arithmetic", "check", "derive", "selection", "selects", "describe", "evaluate", "formula", "locate", "members_of", "read",
    "records_of", "revised", "shown", "shown_interval", "solve", "subject_unit",
]

VERDICTS = ("holds", "undetermined", "resolved_by_correction", "acknowledged")


@dataclass
class Check:
    application: Application
    arithmetic: str
    now: Outcome
    verdict: str
    reason: str | None


@dataclass
class Result:
    relations: list[Relation]
    checks: list[Check]
    derived: list[Derived]
    problems: list[Problem]


def selection(relations: list[Relation]) -> tuple[set[str], set[str], bool]:
    """Which records `check` can look at: those of an indicator a relation
    names as a member, those in a currency an exchange rate relates, and,
    when a restatement is declared, those cited more than once. The others
    are never a member of an application (applications.py), so `check`
    finds the same with or without them: (indicators, units, restated)."""
    indicators = {indicator for r in relations if r.kind not in ("restatement", "exchange_rate")
                  for _, indicator, _ in members_of(r)}
    units = {r.members[key] for r in relations if r.kind == "exchange_rate" for key in ("currency", "equivalent")}
    return indicators, units, any(r.kind == "restatement" for r in relations)


def selects(relations: list[Relation]):
    """The `selection` as a test of a record's indicator, unit and number of citations: give `check` only those it passes."""
    indicators, units, restated = selection(relations)
    return lambda indicator, unit, citations: indicator in indicators or unit in units or (restated and citations > 1)


def check(relations: list[Relation], acknowledged, records: list[Record]) -> Result:
    apps = applications(relations, records)
    acks = {(a.get("relation"), a.get("region"), a.get("period"), a.get("indicator")): a for a in acknowledged}
    used: set[tuple] = set()
    checks, violated, problems = [], [], []
    for app in apps:
        if not app.complete:
            continue
        now = evaluate(app, View())
        if now.expected is None:
            continue
        if now.holds:
            stated = evaluate(app, View(stated=True))
            verdict = "undetermined" if now.undetermined else "holds" if stated.holds else "resolved_by_correction"
            reason = _corrections(app) if verdict == "resolved_by_correction" else None
            checks.append(Check(app, arithmetic(app, now), now, verdict, reason))
            continue
        ack = acks.get(app.key)
        if ack is not None and acknowledges(ack, now):
            used.add(app.key)
            checks.append(Check(app, arithmetic(app, now), now, "acknowledged", ack.get("reason")))
            continue
        violated.append((app, now, ack))
    if violated:
        problems += violations(violated, apps, acks)
    for key, ack in acks.items():
        if key not in used and not any(app.key == key for app, _, _ in violated):
            problems.append(Problem(RELATIONS_FILE, ack.line, f"acknowledges a violation of {key[0]} for {key[1]} {key[2]} that the data does not show "
                                    "(the relation holds, or finds no records there); remove it"))
    return Result(relations, checks, derive(apps), problems)


def _corrections(app: Application) -> str:
    corrected = [r.id for r in app.records if r is not None and r.stated != r.now]
    return "holds on the corrected values of " + ", ".join(corrected) + "; not on the values as stated"

