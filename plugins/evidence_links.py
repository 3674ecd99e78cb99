"""Evidence one click away: record ids link to their evidence in context, and
the quoted words are marked in the cited line."""

from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup, escape

DATABASE = "guangdong_facts"
RECORD_ID_COLUMNS = {"record_id", "target_id", "outcome_id", "fact_id"}
OPEN, CLOSE = "⟦", "⟧"  # how the evidence_in_context query marks the quote


@hookimpl
def render_cell(value, column, table, database, datasette):
    if database != DATABASE or not isinstance(value, str):
        return None
    if column == "in_context" and OPEN in value:
        marked = str(escape(value)).replace(OPEN, "<mark>", 1).replace(CLOSE, "</mark>", 1)
        return Markup(f'<div style="min-width: 30em">{marked}</div>')  # the line reads as a sentence
    if column in RECORD_ID_COLUMNS or (column == "id" and table in ("facts", "targets")):
        href = datasette.urls.path(f"/{DATABASE}/evidence_in_context?record_id={quote(value)}")
        return Markup(f'<a href="{escape(href)}" title="the lines that state it">{escape(value)}</a>')
    return None
