"""What the Datasette pages share (plugins/ use it): where a record's card is,
and a value as words with its base value a hover away.

A record's card is its row page, /guangdong_facts/facts/<id> or
/guangdong_facts/targets/<id>; /record/<id> finds the one it is. JSON, CSV
and the .db keep base units: only HTML is written in words."""

from __future__ import annotations

from urllib.parse import quote

from markupsafe import Markup, escape

from .publication import DATABASE
from .quantities import format_quantity

RECORD_TABLES = {"fact": "facts", "target": "targets"}
RECORD_ROUTE = "/record/"


def card_path(datasette, record_id: str, record: str | None = None) -> str:
    """The card of a record: its row page when the kind of record is known,
    else /record/<id>, which redirects there."""
    if record in RECORD_TABLES:
        from datasette.utils import tilde_encode

        return datasette.urls.row(DATABASE, RECORD_TABLES[record], tilde_encode(record_id))
    return datasette.urls.path(RECORD_ROUTE + quote(record_id, safe=""))


def card_link(datasette, record_id: str, record: str | None = None) -> Markup:
    href = card_path(datasette, record_id, record)
    return Markup(f'<a href="{escape(href)}" title="the fact card: its value, sentence and source">'
                  f'{escape(record_id)}</a>')


def base_value(value) -> str:
    """A value as stored: 3460000000000 (no float's trailing .0), 5.5."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def in_words(value, unit: str | None, high=None, qualifier: str | None = None) -> Markup:
    """<span title="3460000000000 CNY">3.46 trillion yuan</span>: the words
    for reading, the stored value on hover. Empty for no value; the value
    as stored when its unit is unknown."""
    if value is None or value == "":
        return Markup("")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not unit:
        return Markup(escape(str(value)))
    try:
        text = format_quantity(value, unit, high, words=True, qualifier=qualifier)
    except (KeyError, ValueError, ArithmeticError):  # a unit this formatter does not know
        return Markup(escape(base_value(value)))
    stored = base_value(value) + ("" if high is None else f" to {base_value(high)}")
    return Markup(f'<span class="in-words" title="{escape(stored)} {escape(unit)} (as stored)">'
                  f'{escape(text)}</span>')
