"""Evidence one click away: every record id links to its card (the record's
page: value in words, the marked sentence, the source), and the quoted words
are marked in the cited line of the evidence_in_context query."""

from datasette import hookimpl
from markupsafe import Markup, escape

from gdfacts.web import DATABASE, card_link

# Columns holding a record id, and the kind of record when the column tells it.
RECORD_ID_COLUMNS = {"record_id": None, "target_id": "target", "outcome_id": "fact", "fact_id": "fact",
                     "outcome_fact_id": "fact"}
LIST_COLUMNS = {"records"}  # several record ids, comma-separated (the consistency query)
OPEN, CLOSE = "⟦", "⟧"  # how the evidence_in_context query marks the quote


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != DATABASE or not isinstance(value, str):
        return None
    if column == "in_context" and OPEN in value:
        marked = str(escape(value)).replace(OPEN, "<mark>", 1).replace(CLOSE, "</mark>", 1)
        return Markup(f'<div class="in-context">{marked}</div>')  # the line reads as a sentence
    if column in RECORD_ID_COLUMNS:
        record = RECORD_ID_COLUMNS[column]
        if record is None and "record" in row.keys():
            record = row["record"]
        return card_link(datasette, value, record)
    if column == "id" and table in ("facts", "targets"):
        return card_link(datasette, value, "fact" if table == "facts" else "target")
    if column in LIST_COLUMNS:
        return Markup(", ").join(card_link(datasette, part.strip()) for part in value.split(","))
    return None
