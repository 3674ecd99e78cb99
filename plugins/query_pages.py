"""Canned queries in pages: a canned query of metadata.yml that ends in
`limit :_page_size offset :_page_offset` answers PAGE_ROWS rows at a time,
the page a reader asks for with ?_page=N (1, the first, by default), in HTML,
JSON and CSV alike; templates/query.html links the pages before and after.

A page of a thousand rows took most of a second to write whatever the size
of the database, so the queries that list everything (every target beside
its outcome, every correction, everything one article says, every check) are
read a page at a time, as Datasette reads a table."""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.utils import path_with_removed_args, path_with_replaced_args
from datasette.utils.asgi import BadRequest

PAGE_ROWS = 50
PAGE_ARG = "_page"
PAGED = ":_page_offset"  # in the SQL of a paged query
NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def page_number(request) -> int:
    value = request.args.get(PAGE_ARG, "1") if request is not None else "1"
    if not NUMBER.fullmatch(value):
        raise BadRequest(f"{PAGE_ARG}: the number of a page, 1 for the first, not {value!r}")
    return int(value)


def _page(key: str, request):
    """The magic parameters :_page_size and :_page_offset."""
    if key == "size":
        return PAGE_ROWS
    if key == "offset":
        return (page_number(request) - 1) * PAGE_ROWS
    raise KeyError(key)


@hookimpl
def register_magic_parameters(datasette):
    return [("page", _page)]


@hookimpl
def extra_template_vars(template, request):
    if template != "query.html" or request is None:
        return None
    return {"query_page": lambda sql: _links(sql, request)}


def _links(sql: str | None, request) -> dict | None:
    """The page shown and the links to the pages beside it, for a paged query's SQL (else None)."""
    if not sql or PAGED not in sql:
        return None
    number = page_number(request)
    return {
        "number": number,
        "size": PAGE_ROWS,
        "first_row": (number - 1) * PAGE_ROWS + 1,
        "previous": (path_with_removed_args(request, {PAGE_ARG}) if number == 2 else
                     path_with_replaced_args(request, {PAGE_ARG: number - 1}) if number > 2 else None),
        "next": path_with_replaced_args(request, {PAGE_ARG: number + 1}),
    }
