"""Numbers a person can read on every HTML page: a value cell whose row knows
its unit is written in words (3.46 trillion yuan, 5.5 percent, 1st), the
stored value a hover away. JSON, CSV and the .db keep base units.

A citation's row names its record, not its unit: the unit is looked up once
per record (the database never changes) and kept in a bounded memo of the
Datasette instance."""

from datasette import hookimpl

from gdfacts.web import DATABASE, in_words

# Columns holding a value in the unit of their row (tables, views and canned queries).
VALUE_COLUMNS = {
    "value", "value_high", "stated_value", "stated_high", "stated_step", "target_value", "target_value_high",
    "accepts_low", "accepts_high", "outcome_value", "observed_low", "observed_high", "expected_low",
    "expected_high", "deviation", "tolerance", "low", "high",
}
UNIT_SQL = "select unit from facts where id = :id union all select unit from targets where id = :id"
MEMO_SIZE = 10_000


def _plain(cell):
    return cell["value"] if isinstance(cell, dict) else cell  # an expanded foreign key is a dict


def _unit_of_row(row) -> str | None:
    return _plain(row["unit"]) if "unit" in row.keys() else None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != DATABASE or column not in VALUE_COLUMNS or not isinstance(value, (int, float)):
        return None
    unit = _unit_of_row(row)
    if unit is not None:
        return in_words(value, unit)
    keys = row.keys()
    record_id = next((_plain(row[k]) for k in ("fact_id", "target_id") if k in keys and row[k]), None)
    if record_id is None:
        return None

    async def from_record():
        _units = datasette.__dict__.setdefault("_gdfacts_units", {})
        if record_id not in _units:
            found = await datasette.get_database(DATABASE).execute(UNIT_SQL, {"id": record_id})
            if len(_units) >= MEMO_SIZE:
                _units.clear()
            _units[record_id] = found.first()[0] if found.first() else None
        unit = _units[record_id]
        return in_words(value, unit) if unit else None

    return from_record()
