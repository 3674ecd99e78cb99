"""The pages a reader reads: a card for every fact and target (its row page),
a home page that shows what is inside, charts drawn on the server, the site's
stylesheet, and its one script (labels for Datasette's filter form, links
from the dashboard's table to the cards).

The data comes from gdfacts.record_card and gdfacts.overview, read under
Datasette's SQL time limit; the templates in templates/ write the markup."""

from datasette import hookimpl
from datasette.utils import sqlite_timelimit, tilde_decode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from gdfacts import overview, record_card, svg_chart
from gdfacts.quantities import format_quantity
from gdfacts.web import DATABASE, RECORD_ROUTE, RECORD_TABLES, card_path, in_words

CARD_TEMPLATES = {f"row-{DATABASE}-{table}.html" for table in RECORD_TABLES.values()}
PLUGIN = "gdfacts-pages"
STYLESHEET = "/-/gdfacts.css"
SCRIPT = "/-/gdfacts.js"
FIND_RECORD_SQL = ("select 'fact' from facts where id = :id union all "
                   "select 'target' from targets where id = :id")


async def _read(datasette, fn):
    """Run fn(conn) on the database's connection, stopped at the SQL time limit."""
    limit = datasette.setting("sql_time_limit_ms")

    def bounded(conn):
        with sqlite_timelimit(conn, limit):
            return fn(conn)

    return await datasette.get_database(DATABASE).execute_fn(bounded)


async def find_record(datasette, request):
    record_id = request.url_vars["id"]
    found = await datasette.get_database(DATABASE).execute(FIND_RECORD_SQL, {"id": record_id})
    row = found.first()
    if row is None:
        raise NotFound(f"No fact or target {record_id!r}")
    return Response.redirect(card_path(datasette, record_id, row[0]))


async def stylesheet(datasette):
    css = await datasette.render_template("gdfacts.css")
    return Response(css, content_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=300"})


async def script(datasette):
    script = await datasette.render_template("gdfacts.js",
                                             {"record_route": datasette.urls.path(RECORD_ROUTE)})
    return Response(script, content_type="text/javascript; charset=utf-8", headers={"Cache-Control": "max-age=300"})


@hookimpl
def register_routes():
    return [
        (r"^/record/(?P<id>[^/]+)$", find_record),
        (r"^/-/gdfacts\.css$", stylesheet),
        (r"^/-/gdfacts\.js$", script),
    ]


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["in_words"] = in_words
    env.filters["card_path"] = lambda record_id, record=None: card_path(datasette, record_id, record)


@hookimpl
def prepare_connection(conn):
    # For queries that build a page in the browser (the dashboard's table): a value in words.
    conn.create_function("value_in_words", 2, _value_in_words, deterministic=True)


def _value_in_words(value, unit):
    if not isinstance(value, (int, float)) or not isinstance(unit, str):
        return value
    return format_quantity(value, unit, words=True)


@hookimpl
def extra_css_urls():
    return [STYLESHEET]


@hookimpl
def extra_js_urls():
    return [{"url": SCRIPT, "module": True}]


@hookimpl
def extra_template_vars(template, request, datasette):
    if template in CARD_TEMPLATES and request is not None:
        return _card_vars(datasette, request)
    if template == "index.html":
        return _overview_vars(datasette)
    return None


async def _card_vars(datasette, request):
    record_id = tilde_decode(request.url_vars["pks"])
    card = await _read(datasette, lambda conn: record_card.record_card(conn, record_id))
    if card is None:
        return {"card": None}
    chart = None
    series = [s for s in card["series"] if s["unit"] == card["unit"]]
    if len(series) > 1:
        # One colour per kind of record (actual, estimate, target, plan); targets are diamonds.
        points = [svg_chart.Point(s["period"], s["value"], s["kind"], s["record"] == "target",
                                  f"{s['period']} {s['kind']}: {s['words']}", s["current"]) for s in series]
        chart = {
            "svg": Markup(svg_chart.dot_chart(
                points, chart_id="series-chart",
                title=f"{card['indicator']}, {card['region']}, by period (the ringed point is this record)",
                y_words=lambda v: format_quantity(v, card["unit"], words=True),
                floor=1.0 if card["unit"] == "rank" else 0.0, whole=_whole(card["unit"]))),
            "legend": svg_chart.legend(points),
        }
    return {"card": card, "series_chart": chart}


def _whole(unit: str) -> bool:
    """Whether values in the unit are whole numbers (data/units.yml): a chart of them ticks at whole numbers."""
    from gdfacts.lexicon import default

    known = default().units.get(unit)
    return bool(known and known.whole)


async def _overview_vars(datasette):
    cache = datasette.__dict__.setdefault("_gdfacts_overview", {})
    if "overview" not in cache:  # the database never changes while it is served
        config = datasette.plugin_config(PLUGIN) or {}
        headline, chart_indicator = config.get("headline_indicators", []), config.get("chart_indicator")
        data = await _read(datasette, lambda conn: overview.overview(conn, headline, chart_indicator))
        chart = None
        if data["chart_points"]:
            points = [svg_chart.Point(p["period"], p["value"], p["region"], p["record"] == "target",
                                      f"{p['region']} {p['period']} {p['kind']}: {p['words']}")
                      for p in data["chart_points"]]
            unit = data["chart_points"][0]["unit"]
            chart = {
                "title": data["chart_points"][0]["indicator"],
                "svg": Markup(svg_chart.dot_chart(
                    points, chart_id="home-chart",
                    title=f"{data['chart_points'][0]['indicator']} by year and region: observed (circles) "
                          f"and targets (diamonds)",
                    y_words=lambda v: format_quantity(v, unit, words=True))),
                "legend": svg_chart.legend(points),
            }
        cache["overview"] = {"overview": data, "home_chart": chart}
    return cache["overview"]
