"""The dashboards write data as text, never as markup.

datasette-dashboards (0.8) draws its table, metric and map charts by
assigning each value to innerHTML, so a value such as
`<img src=x onerror=...>` in the data would run in the reader's browser. Its
vega charts are safe (vega draws text). This plugin gives the dashboard pages
the same three renderers writing with textContent (dashboards_text.js),
loaded right after the plugin's own dashboards.js, which they replace."""

from __future__ import annotations

from pathlib import Path

from datasette import hookimpl
from jinja2 import BaseLoader

TEMPLATES = ("dashboard_view.html", "dashboard_chart.html")  # datasette-dashboards' pages that draw charts
ANCHOR = "<script src=\"{{ urls.static_plugins('datasette_dashboards', 'dashboards.js') }}\"></script>"
SCRIPT = (Path(__file__).with_name("dashboards_text.js")).read_text(encoding="utf-8")


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.loader = _TextRenderers(env.loader)


class _TextRenderers(BaseLoader):
    """The loader Datasette made, with the text renderers added to the dashboard pages."""

    def __init__(self, loader):
        self.loader = loader

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        if template in TEMPLATES:
            if ANCHOR not in source:
                raise RuntimeError(f"{filename} no longer loads dashboards.js as {ANCHOR}: "
                                   "check its renderers and update plugins/dashboards_text.py")
            source = source.replace(ANCHOR, ANCHOR + "\n  <script>{% raw %}" + SCRIPT + "{% endraw %}</script>", 1)
        return source, filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()
