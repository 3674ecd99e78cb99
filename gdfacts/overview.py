"""What the home page shows before the fine print: how much is inside, which
regions and years it covers, the latest headline figures and a chart.

`overview(conn, headline, chart)` reads the published tables; `headline` is
the list of indicator ids whose latest values are shown, `chart` the indicator
drawn by year (both from metadata.yml, plugins: gdfacts-pages)."""

from __future__ import annotations

import json
import sqlite3

from .record_card import words

MAX_REGIONS = 12  # rows of the regions-by-years table; the rest are a link away
MAX_YEARS = 10

COUNTS_SQL = """
select (select count(*) from facts) as facts, (select count(*) from targets) as targets,
       (select count(*) from citations) as citations, (select count(*) from sources) as sources,
       (select count(*) from evidence where corrected = 1) as corrections,  -- one row per citation, indexed
       (select count(*) from checks) as checks
"""

# Each region's records, counted in the indexes on region_id.
REGION_TOTALS_SQL = """
select r.region_id, regions.name as region, sum(r.records) as records
from (select region_id, count(*) as records from facts group by region_id
      union all
      select region_id, count(*) from targets group by region_id) r
join regions on regions.id = r.region_id
group by r.region_id
"""

PERIODS_SQL = "select period from facts group by period union select period from targets group by period"

# The records of the regions shown, by year (:regions is a JSON list of region ids).
BY_REGION_YEAR_SQL = """
select region_id, substr(period, 1, 4) as year, count(*) as records
from (select region_id, period from facts where region_id in (select value from json_each(:regions))
      union all
      select region_id, period from targets where region_id in (select value from json_each(:regions)))
group by region_id, year
"""

LATEST_SQL = """
select id, region_id, region, indicator, period, kind, value, value_high, unit, qualifier from (
  select f.*, regions.name as region, indicators.name as indicator,
         row_number() over (partition by f.region_id
                            order by f.period desc, case f.kind when 'actual' then 0 else 1 end) as recency
  from facts f
  join indicators on indicators.id = f.indicator_id and indicators.unit = f.unit
  join regions on regions.id = f.region_id
  where f.indicator_id = :indicator
)
where recency = 1
"""

CHART_SQL = """
select e.record_id as id, e.record, e.region, e.period, e.kind, e.value, e.unit, e.qualifier,
       indicators.name as indicator
from evidence e join indicators on indicators.id = e.indicator_id and indicators.unit = e.unit
where e.indicator_id = :indicator and e.period glob '[0-9][0-9][0-9][0-9]'
group by e.record_id
order by e.region, e.period, e.kind
"""


def overview(conn: sqlite3.Connection, headline: list[str], chart: str | None) -> dict:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row

    def rows(sql: str, **params) -> list[dict]:
        return [dict(row) for row in cursor.execute(sql, params).fetchall()]

    counts = rows(COUNTS_SQL)[0]
    by_region = rows(REGION_TOTALS_SQL)
    totals = {r["region_id"]: r["records"] for r in by_region}
    names = {r["region_id"]: r["region"] for r in by_region}
    regions = sorted(totals, key=lambda r: (-totals[r], r))
    years = sorted({p["period"][:4] for p in rows(PERIODS_SQL)})[-MAX_YEARS:]
    cells = rows(BY_REGION_YEAR_SQL, regions=json.dumps(regions[:MAX_REGIONS]))
    grid = {(cell["region_id"], cell["year"]): cell["records"] for cell in cells}
    table = [{"region_id": r, "region": names[r], "total": totals[r],
              "years": [grid.get((r, y), 0) for y in years]} for r in regions[:MAX_REGIONS]]
    shown = set(regions[:MAX_REGIONS])
    latest = []
    for indicator in headline:
        found = [dict(f, words=words(f["value"], f["unit"], f["value_high"], f["qualifier"]))
                 for f in rows(LATEST_SQL, indicator=indicator) if f["region_id"] in shown]
        latest += sorted(found, key=lambda f: regions.index(f["region_id"]))
    points = [dict(p, words=words(p["value"], p["unit"], qualifier=p["qualifier"]))
              for p in rows(CHART_SQL, indicator=chart)] if chart else []
    return {"counts": counts, "years": years, "regions": table, "more_regions": len(regions) - len(table),
            "latest": latest, "chart_points": points}
