"""A fact or target as a reader sees it: the record card.

`record_card(conn, record_id)` gathers from the published views everything
the card page shows: the value in words, region, indicator, period and kind
by name, each citation with its line cut around the quote and the stated
words, the source, a correction with its arithmetic, the other values of the
same indicator for the same region, the checks that corroborate or question
it, what the relations derive from it or for it, and a target's outcome.
Plain data, no markup: the template writes the page and escapes every text.
"""

from __future__ import annotations

import sqlite3

from .output import marked_parts
from .quantities import format_quantity

RECORD_SQL = """
select r.*, regions.name as region, regions.name_zh as region_zh, regions.level as region_level,
       indicators.name as indicator, indicators.name_zh as indicator_zh,
       indicators.description as indicator_description, indicators.better,
       kinds.description as kind_description, qualifiers.description as qualifier_description,
       units.name as unit_name
from (select 'fact' as record, * from facts where id = :id
      union all select 'target' as record, * from targets where id = :id) r
join regions on regions.id = r.region_id
join indicators on indicators.id = r.indicator_id
join kinds on kinds.id = r.kind
join qualifiers on qualifiers.id = r.qualifier
join units on units.id = r.unit
"""

CITATIONS_SQL = """
select c.*, l.text as line_text, s.title, s.title_zh, s.title_is_editorial, s.publisher, s.author,
       s.published, s.url, s.seed_path
from citations c
join source_lines l on l.source_id = c.source_id and l.line = c.line
join sources s on s.id = c.source_id
where c.fact_id = :id or c.target_id = :id
order by c.id
"""

# The other values of the same indicator for the same region, this one included.
SERIES_SQL = """
select record_id as id, record, period, kind, value, value_high, unit, qualifier
from evidence
where region_id = :region_id and indicator_id = :indicator_id
group by record_id
order by period, kind, unit
"""

# The record_checks view, read through check_records' indexes on fact_id and target_id.
CHECKS_SQL = """
select checks.id as check_id, cr.role, checks.relation_id, relations.kind, checks.verdict, checks.arithmetic,
       checks.reason, checks.period, relations.why
from check_records cr
join checks on checks.id = cr.check_id
join relations on relations.id = checks.relation_id
where cr.fact_id = :id or cr.target_id = :id
order by checks.id
"""

CHECK_MEMBERS_SQL = """
select coalesce(fact_id, target_id) as id, case when fact_id is null then 'target' else 'fact' end as record, role
from check_records where check_id = :check_id and coalesce(fact_id, target_id) != :id
order by rowid
"""

# Values the relations imply for this record, and values derived from it.
DERIVED_FOR_SQL = """
select id, relation_id, formula, low, high, unit from derived
where fact_id = :id or target_id = :id
order by id
"""

DERIVED_FROM_SQL = """
select d.id, d.relation_id, d.formula, d.low, d.high, d.unit, d.period, indicators.name as indicator,
       coalesce(d.fact_id, d.target_id) as record_id,
       case when d.fact_id is not null then 'fact' when d.target_id is not null then 'target' end as record
from derived_inputs i join derived d on d.id = i.derived_id join indicators on indicators.id = d.indicator_id
where i.fact_id = :id or i.target_id = :id
order by d.id
"""

DERIVED_INPUTS_SQL = """
select coalesce(fact_id, target_id) as id, case when fact_id is null then 'target' else 'fact' end as record, role
from derived_inputs where derived_id = :derived_id order by rowid
"""

TARGET_OUTCOME_SQL = """
select t.*, s.title as outcome_source_title, l.text as outcome_line_text
from target_outcomes t
left join sources s on s.id = t.outcome_source_id
left join source_lines l on l.source_id = t.outcome_source_id and l.line = t.outcome_line
where t.target_id = :id
"""

TARGETS_DECIDED_SQL = """
select target_id, kind, period, target_value, target_value_high, unit, target_qualifier, status
from target_outcomes where outcome_id = :id
order by target_id
"""


def words(value, unit, high=None, qualifier=None) -> str | None:
    """A value in words, or None for no value."""
    if value is None:
        return None
    return format_quantity(value, unit, high, words=True, qualifier=qualifier)


def record_card(conn: sqlite3.Connection, record_id: str) -> dict | None:
    """Everything the card of `record_id` shows, or None if there is no such record."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row

    def rows(sql: str, **params) -> list[dict]:
        return [dict(row) for row in cursor.execute(sql, params).fetchall()]

    found = rows(RECORD_SQL, id=record_id)
    if not found:
        return None
    card = found[0]
    unit = card["unit"]
    card["value_words"] = words(card["value"], unit, card["value_high"], card["qualifier"])
    card["citations"] = [_citation(c, card) for c in rows(CITATIONS_SQL, id=record_id)]
    card["series"] = [dict(s, words=words(s["value"], s["unit"], s["value_high"], s["qualifier"]),
                           current=s["id"] == record_id)
                      for s in rows(SERIES_SQL, region_id=card["region_id"], indicator_id=card["indicator_id"])]
    card["checks"] = [dict(c, others=rows(CHECK_MEMBERS_SQL, check_id=c["check_id"], id=record_id))
                      for c in rows(CHECKS_SQL, id=record_id)]
    card["derived_for"] = [dict(d, words=_interval_words(d["low"], d["high"], d["unit"]),
                                inputs=rows(DERIVED_INPUTS_SQL, derived_id=d["id"]))
                           for d in rows(DERIVED_FOR_SQL, id=record_id)]
    card["derived_from"] = [dict(d, words=_interval_words(d["low"], d["high"], d["unit"]))
                            for d in rows(DERIVED_FROM_SQL, id=record_id)]
    outcome = rows(TARGET_OUTCOME_SQL, id=record_id)
    card["outcome"] = _outcome(outcome[0]) if outcome else None
    card["decides"] = [dict(t, words=words(t["target_value"], t["unit"], t["target_value_high"], t["target_qualifier"]))
                       for t in rows(TARGETS_DECIDED_SQL, id=record_id)]
    return card


def _citation(c: dict, record: dict) -> dict:
    unit = record["unit"]
    c["href"] = c["url"] if is_web_address(c["url"]) else None  # never a javascript: or data: link
    c["parts"] = marked_parts(c["line_text"], c["quote"], c["as_stated"])
    c["stated_words"] = words(c["stated_value"], unit, c["stated_high"], c["stated_qualifier"])
    if c["corrected"]:
        scale = c["correction_scale"]
        c["correction"] = {
            "stated": words(c["stated_value"], unit, c["stated_high"]),
            "scale": None if scale is None else format_quantity(scale, "count", words=True),
            "value": words(record["value"], unit, record["value_high"]),
            "reason": c["correction_reason"],
        }
    else:
        c["correction"] = None
    return c


def is_web_address(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("https://", "http://"))


def _interval_words(low, high, unit) -> str:
    """What a derived value allows: 1.33 to 1.34 trillion yuan, at least 5 percent
    (to 6 significant digits, as the build's arithmetic writes them)."""
    low, high = (None if v is None else float(f"{v:.6g}") for v in (low, high))
    if low is not None and high is not None:
        return words(low, unit) if low == high else words(low, unit, high)
    if low is not None:
        return words(low, unit, qualifier="at_least")
    if high is not None:
        return words(high, unit, qualifier="at_most")
    return "any value"


def _outcome(t: dict) -> dict:
    unit = t["unit"]
    t["target_words"] = words(t["target_value"], unit, t["target_value_high"], t["target_qualifier"])
    t["accepts_words"] = _interval_words(t["accepts_low"], t["accepts_high"], unit)
    t["outcome_words"] = words(t["outcome_value"], unit, qualifier=t["outcome_qualifier"])
    return t
