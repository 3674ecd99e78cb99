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
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from . import periods, quantities
from .intervals import Interval, total
from .problems import Message, Problem

RELATIONS_FILE = "data/relations.yml"
# Each kind's members, as the keys of its entry: the first is the subject,
# whose stated value the others are checked against.
MEMBERS = {
    "sum": ("total", "parts"),
    "at_most": ("part", "whole"),
    "share": ("part", "share", "whole"),
    "growth": ("growth", "level", "revision"),
    "difference": ("difference", "minuend", "subtrahend"),
    "exchange_rate": ("currency", "equivalent", "rate", "band"),
    "restatement": (),
}
RATE_UNITS = ("percent", "percentage_points")
NOT_INDICATORS = ("currency", "equivalent", "band", "revision")  # members that are units or numbers
# Members that are rates, each in its indicator's unit; the others are levels,
# in whichever unit (CNY, USD ...) the application is for.
RATE_ROLES = ("growth", "share", "difference", "minuend", "subtrahend")
VERDICTS = ("holds", "undetermined", "resolved_by_correction", "acknowledged")
# The changes `locate` tries on a value: a power of ten up to 10^4 either way
# (万 read for 亿 is 10^4; billion for 亿, 10^-1) or, for a rate, a sign, on
# at most three values at once.
POWERS = (-4, -3, -2, -1, 1, 2, 3, 4)
MOST_CHANGED = 3


# The rows of the README's table of errors for what this module reports.
MESSAGES = (
    Message("`relation R does not hold for REGION PERIOD: ... Changing this value × 0.1 ...`",
            "check the value against its article; if the article states it so, record the stated value with a correction "
            "(its scale and reason); if nothing resolves it, acknowledge it in `data/relations.yml`",
            r"^relation \S+ does not hold for "),
    Message("`the acknowledgement at data/relations.yml:N is of a deviation of X, not this one`",
            "the data changed: re-check it, and acknowledge the new deviation only if it is still right",
            r"; the acknowledgement at \S+ is of a deviation of "),
    Message("`acknowledges a violation of R for REGION PERIOD that the data does not show`",
            "remove the acknowledgement: the relation holds now", r"^acknowledges a violation of "),
    Message("`a relation of kind sum names its total` / `has no 'x'; its members are ...` / `no relation 'x' above` / ...",
            "declare the relation with its kind's members, in units that kind relates (see How the numbers are checked "
            "against each other)",
            r"^(relation id '[^']*' is used twice|a relation of kind \w+ (names its|has no)|no relation '[^']*' above"
            r"|a sum has at least two parts|\w+ '[^']*' is in \w+; a \w+'s|the members of a \w+ are in one unit"
            r"|\w+ '[^']*' is not a currency in|band is a factor above 1|revision is a fraction)"),
)


@dataclass
class Record:
    """A stored record as relations see it."""
    id: str
    table: str
    kind: str
    region: str
    indicator: str
    period: str
    unit: str
    file: str
    line: int
    now: Interval  # what its value stands for, as corrected
    stated: Interval  # what its governing citation's words stand for, as stated
    citations: list[tuple[Interval, Interval, str]]  # (as corrected, as stated, "source:line")
    governing: int  # the citation whose words give the value's precision
    value: float = 0.0
    high: float | None = None
    qualifier: str = "exact"
    step: float = 0.0  # the governing citation's step, as corrected
    unit_min: float = float("-inf")
    unit_max: float = float("inf")


@dataclass
class Relation:
    id: str
    kind: str
    why: str
    line: int
    members: dict  # key -> indicator id, list of ids, unit or number
    units: dict = field(default_factory=dict)  # indicator id -> its unit


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


@dataclass
class Check:
    application: Application
    arithmetic: str
    now: Outcome
    verdict: str
    reason: str | None


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


@dataclass
class Result:
    relations: list[Relation]
    checks: list[Check]
    derived: list[Derived]
    problems: list[Problem]


# -- reading the relations ---------------------------------------------------

def read(entries, acknowledged, indicators: dict, units: dict) -> tuple[list[Relation], list[Problem]]:
    """The relations of data/relations.yml, each checked against the indicators and units."""
    problems: list[Problem] = []
    relations: list[Relation] = []
    seen: set[str] = set()

    def problem(entry, key, message):
        problems.append(Problem(RELATIONS_FILE, entry.line_of(key), message))

    for entry in entries:
        ident, kind = entry.get("id"), entry.get("kind")
        if ident in seen:
            problem(entry, "id", f"relation id '{ident}' is used twice")
            continue
        seen.add(ident)
        if kind not in MEMBERS:
            problem(entry, "kind", f"kind '{kind}' is not one of: {', '.join(MEMBERS)}")
            continue
        members, ok = {}, True
        for key in MEMBERS[kind]:
            value = entry.get(key)
            if value is None and not (kind == "difference" and key == "subtrahend_period"):
                problem(entry, "kind", f"a relation of kind {kind} names its {key}")
                ok = False
                continue
            members[key] = value
        extra = [k for k in entry.values if k not in ("id", "kind", "why", "subtrahend_period") + MEMBERS[kind]]
        for key in extra:
            problem(entry, key, f"a relation of kind {kind} has no '{key}'; its members are: {', '.join(MEMBERS[kind]) or 'none'}")
            ok = False
        if not ok:
            continue
        if kind == "difference":
            members["subtrahend_period"] = entry.get("subtrahend_period", "same")
        for key in MEMBERS[kind]:
            names = members[key] if key == "parts" else [] if key in NOT_INDICATORS else [members[key]]
            for name in names:
                if name not in indicators:
                    problem(entry, key, f"no indicator '{name}' in data/indicators.yml")
                    ok = False
                elif indicators[name].get("unit") is None:  # reported at the indicator
                    ok = False
        if ok:
            ok = _units_fit(entry, kind, members, indicators, units, problem)
        if ok:
            named = [n for k in MEMBERS[kind] for n in (members[k] if k == "parts" else [members[k]]) if n in indicators]
            relations.append(Relation(ident, kind, entry.get("why"), entry.line, members,
                                      {n: indicators[n]["unit"] for n in named}))
    known = {r.id for r in relations} | seen
    for ack in acknowledged:
        if ack.get("relation") not in known:
            problems.append(Problem(RELATIONS_FILE, ack.line_of("relation"), f"no relation '{ack.get('relation')}' above"))
    return relations, problems


def _units_fit(entry, kind, members, indicators, units, problem) -> bool:
    unit = lambda name: indicators[name]["unit"]  # noqa: E731
    ok = True
    if kind == "sum" and len(members["parts"]) < 2:
        problem(entry, "parts", "a sum has at least two parts")
        ok = False
    for key in (k for k in MEMBERS[kind] if k in RATE_ROLES):
        if unit(members[key]) not in RATE_UNITS:
            problem(entry, key, f"{key} '{members[key]}' is in {unit(members[key])}; a {kind}'s {key} is in percent or percentage points")
            ok = False
    levels = [name for key in MEMBERS[kind] if key not in RATE_ROLES + NOT_INDICATORS + ("rate",)
              for name in (members[key] if key == "parts" else [members[key]])]
    if len({unit(name) for name in levels}) > 1:
        problem(entry, "kind", f"the members of a {kind} are in one unit, not {', '.join(sorted({unit(n) for n in levels}))}")
        ok = False
    if kind == "exchange_rate":
        for key in ("currency", "equivalent"):
            if members[key] not in units or units[members[key]].stated_by != "currency":
                problem(entry, key, f"{key} '{members[key]}' is not a currency in data/units.yml")
                ok = False
        if members["band"] <= 1:
            problem(entry, "band", "band is a factor above 1 (1.25: a quarter either way)")
            ok = False
    if kind == "growth" and not 0 <= members["revision"] < 1:
        problem(entry, "revision", "revision is a fraction from 0 up to 1 (0.05: the base revised by up to 5 % either way)")
        ok = False
    return ok


# -- the records --------------------------------------------------------------

def records_of(stored: list[tuple], row_columns, citation_columns, units: dict) -> list[Record]:
    """Relations' view of the stored records: each one's interval as corrected and as stated."""
    col = {name: i for i, name in enumerate(row_columns)}
    ccol = {name: i for i, name in enumerate(citation_columns)}
    out = []
    for table, row, citations in stored:
        value, high, qualifier = row[col["value"]], row[col["value_high"]], row[col["qualifier"]]
        cited = []
        governing = None
        for index, c in enumerate(citations):
            sv, sh, step, sq = c[ccol["stated_value"]], c[ccol["stated_high"]], c[ccol["stated_step"]], c[ccol["stated_qualifier"]]
            scale = c[ccol["correction_scale"]]
            as_stated = Interval.of(sv, sh, sq, step)
            if c[ccol["corrected"]]:
                factor = scale if scale is not None else (value / sv if sv else 1.0)
                now = Interval.of(sv * factor, sh * factor if sh is not None else None, sq, step * abs(factor))
                now_step = step * abs(factor)
            else:
                now, now_step = as_stated, step
            where = f"{c[ccol['source_id']]}:{c[ccol['line']]}"
            cited.append((now, as_stated, where))
            if sq == qualifier and (governing is None or now_step < governing[0]):
                governing = (now_step, as_stated, bool(c[ccol["corrected"]]), index)
        step = governing[0] if governing else 0.0
        now = Interval.of(value, high, qualifier, step)
        stated = governing[1] if governing and governing[2] else now
        unit = row[col["unit"]]
        u = units.get(unit)
        out.append(Record(row[col["id"]], table, row[col["kind"]], row[col["region_id"]], row[col["indicator_id"]],
                          row[col["period"]], unit, row[col["data_file"]], row[col["data_line"]], now, stated, cited,
                          governing[3] if governing else 0, value, high, qualifier, step,
                          float(u.low) if u else float("-inf"), float(u.high) if u else float("inf")))
    return out


# -- applications --------------------------------------------------------------

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


def _members(relation: Relation) -> list[tuple[str, str, int]]:
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
    members = _members(relation)
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


def describe(relation: Relation) -> str:
    """The relation as a formula over its indicators."""
    m, kind = relation.members, relation.kind
    if kind == "restatement":
        return "each citation of a record = the record, within its precision"
    if kind == "exchange_rate":
        return (f"{m['rate']} = value in {m['currency']} ÷ value in {m['equivalent']}, "
                f"within a factor of {m['band']} of the other pairs' median")
    labels = [f"{ind}{' (previous year)' if back else ''}" for _, ind, back in _members(relation)]
    app = Application(relation, "", "", "", labels, [], [])
    text = f"{labels[0]} {'≤' if kind == 'at_most' else '='} {formula(app, 0).removeprefix('at most ')}"
    if kind == "growth":
        text += f", its base within {float(m['revision']) * 100:g} % of {labels[2]} as published"
    return text


def _label(indicator: str, period: str, unit: str | None = None) -> str:
    return f"{indicator} {period}" + (f" in {unit}" if unit else "")


# -- evaluating ------------------------------------------------------------------

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


# -- checking -------------------------------------------------------------------

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
        if ack is not None and _acknowledges(ack, now):
            used.add(app.key)
            checks.append(Check(app, arithmetic(app, now), now, "acknowledged", ack.get("reason")))
            continue
        violated.append((app, now, ack))
    if violated:
        problems += _violations(violated, apps, acks)
    for key, ack in acks.items():
        if key not in used and not any(app.key == key for app, _, _ in violated):
            problems.append(Problem(RELATIONS_FILE, ack.line, f"acknowledges a violation of {key[0]} for {key[1]} {key[2]} that the data does not show "
                                    "(the relation holds, or finds no records there); remove it"))
    return Result(relations, checks, derive(apps), problems)


def _acknowledges(ack, outcome: Outcome) -> bool:
    """An acknowledgement covers the deviation it states, to its own digits, and no other."""
    deviation = outcome.deviation
    if deviation is None:
        return False
    stated = ack.get("deviation")
    step = Decimal(1).scaleb(stated.as_tuple().exponent)
    return quantities.rounds_to(stated, None, step, Decimal(repr(deviation)), None)


def _corrections(app: Application) -> str:
    corrected = [r.id for r in app.records if r is not None and r.stated != r.now]
    return "holds on the corrected values of " + ", ".join(corrected) + "; not on the values as stated"


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
            indicator = _members(app.relation)[i][1]
            period = app.labels[i].rsplit(" ", 1)[1]
            unit = record.unit if record is not None else (
                app.relation.units[indicator] if app.roles[i] in RATE_ROLES else app.unit)
            table = next(r.table for r in app.records if r is not None)
            inputs = [(r.id, r.table, app.roles[j]) for j, r in enumerate(app.records) if j != i]
            shown_formula = formula(app, i) + (f", the base within {float(app.relation.members['revision']) * 100:g} % of "
                                               f"{app.labels[2]} as published" if kind == "growth" else "")
            out.append(Derived(app.relation.id, app.region, indicator, period, unit, table, interval, shown_formula, inputs,
                               (record.id, record.table) if record is not None else None))
    return out


# -- locating an error ------------------------------------------------------------

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
    return ack is not None and _acknowledges(ack, outcome)


def _violations(violated, apps, acks) -> list[Problem]:
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


# -- showing -----------------------------------------------------------------------

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
        revision = app.relation.members["revision"]
        text += f" (the base as revised: within {float(revision) * 100:g} % of {app.labels[2]})"
        allowed += " and the revision band"
    if outcome.deviation is not None:
        text += (f"; deviation {outcome.deviation:.3g} ({shown(outcome.deviation, unit)}), "
                 f"where {allowed} allow {shown(outcome.tolerance, unit)}")
    return text


def subject_unit(app: Application) -> str:
    if app.relation.kind == "exchange_rate":
        return app.relation.units[app.relation.members["rate"]]
    return app.records[0].unit if app.records[0] is not None else app.unit
