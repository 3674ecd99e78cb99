"""The stored records as relations see them: each one's interval as
corrected, and as its governing citation states it."""

from __future__ import annotations

from dataclasses import dataclass

from ..intervals import Interval


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
