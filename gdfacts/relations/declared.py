"""The relations as data/relations.yml declares them: each kind and its
members, `read` (every relation checked against the indicators and their
units), and the rows of the README's table of errors for what the package
reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..problems import Message, Problem

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


# The rows of the README's table of errors for what this package reports.
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
class Relation:
    id: str
    kind: str
    why: str
    line: int
    members: dict  # key -> indicator id, list of ids, unit or number
    units: dict = field(default_factory=dict)  # indicator id -> its unit


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
