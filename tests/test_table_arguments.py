"""A table page's arguments that Datasette cannot use are answered 400 with
what was wrong (plugins/table_arguments.py), never 500: the URLs of issue 12
first, then every kind of table (a text key, a compound key, a rowid table, a
view, a full-text index) against arguments of every kind, in every format."""

from __future__ import annotations

import pytest

from conftest import served

DB = "guangdong_facts"
# Datasette leaves a page's facet coroutines unawaited when a 400 cuts the page short
pytestmark = pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")


@pytest.fixture(scope="module")
def site(real_db):
    with served(real_db) as site:
        yield site


ISSUE_12 = {
    "/facts?_sort=nope": "_sort: facts has no column 'nope' to sort by",
    "/facts?_sort_desc=nope": "_sort_desc: facts has no column 'nope' to sort by",
    "/evidence?_sort=rowid": "_sort: evidence has no column 'rowid' to sort by",
    "/target_outcomes?_next=abc": "_next: on the view target_outcomes, _next is the number of rows to skip, not 'abc'",
    "/facts?_sort=value&_sort_desc=id": "use _sort or _sort_desc, not both",
}


@pytest.mark.parametrize("url", ISSUE_12)
@pytest.mark.parametrize("fmt", ["", ".json"])
def test_the_bad_arguments_of_issue_12_are_a_400_saying_what_is_wrong(site, url, fmt):
    path, query = url.split("?")
    response = site.get(f"/{DB}{path}{fmt}?{query}")

    assert response.status_code == 400
    message = response.json()["error"] if fmt == ".json" else response.text
    assert ISSUE_12[url] in message.replace("&#39;", "'")


def test_the_message_lists_the_columns_a_table_can_be_sorted_by(site):
    error = site.get(f"/{DB}/regions.json?_sort=nope").json()["error"]
    assert error.endswith("it can be sorted by id, name, name_zh, level, parent_id, division_code")


@pytest.mark.parametrize("url", ["/facts?_sort=value", "/facts?_sort_desc=id", "/evidence?_next=20",
                                 "/evidence?_sort=period", "/check_records?_sort=rowid", "/facts?_timelimit=500",
                                 '/regions?_through={"table":"facts","column":"indicator_id","value":"gdp"}',
                                 '/facts?region_id__in=["shenzhen","guangdong"]', "/facts?region_id__in=shenzhen,guangdong"])
def test_good_arguments_still_work(site, url):
    assert site.get(f"/{DB}{url}").status_code == 200


TABLES = ["facts", "source_lines", "check_records", "evidence", "target_outcomes", "facts_fts"]
ARGUMENTS = [
    "_sort=nope", "_sort_desc=nope", "_sort=rowid", "_sort_desc=rowid", "_sort=value&_sort_desc=id",
    "_next=abc", "_next=-5", "_next=1.5", "_next=a,b,c", "_next=$null", "_next=$null,$null", "_sort=line&_next=a,b,c",
    "_sort=id&_next=a,b,c,d", "_sort_desc=line&_next=$null", "_size=abc", "_size=-1", "_size=100000", "_size=0",
    "_size=max", "_facet=nope", "_facet_size=abc", "_facet_size=-3", "_facet_date=nope", "_facet_array=nope",
    "_search=%22", "_search=a%20OR", "_search=*", "_col=nope", "_nocol=nope", "_labels=abc", "_shape=nope",
    "_shape=objects&_json=nope", "_timelimit=abc", "_timelimit=-1", "_ttl=abc", "value__gt=abc", "line__in=%5B",
    "line__in=%5B1", "line__in=1,2", "nope__exact=1", "id__nope=1", "_where=nope", "_where=1)%20union%20select%201",
    "_where=length(zeroblob(1000000))", "_through=nope", "_through=%7B%7D", "_through=%5B%5D",
    '_through={"table":"nope","column":"x","value":1}', '_through={"table":"facts","column":"nope","value":1}',
    "_sort_by_desc=1", "_nofacet=1", "_nocount=1", "_extra=nope", "_stream=1", "_dl=1", "_fts_table=nope",
    "_fts_pk=nope", "_hash=1", "_trace=1", "%00=1", "_sort=%00",
]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("fmt", ["", ".json", ".csv"])
def test_no_argument_makes_a_500(site, table, fmt):
    failures = []
    for argument in ARGUMENTS:
        response = site.get(f"/{DB}/{table}{fmt}?{argument}")
        if response.status_code >= 500:
            failures.append((argument, response.status_code, response.text[:200]))
        elif response.status_code == 400 and fmt == ".json":
            assert response.json()["error"], argument
    assert failures == []
