"""Two new articles, one English and one Chinese (tests/articles/), curated with
every number recorded, added to a copy of the real dataset as a curator would
add them: the copy builds, and the database holds what the articles say.

The curation is in tests/articles/: the fact files (en_xinhua_style.yml,
zh_communique.yml), the entries to append to data/sources.yml, regions.yml and
indicators.yml (*_added.yml), and existing_records.yml, the statements that
restate records already in data/facts/ (citations to add to those records, and
a record that moves into a new fact file because it states it more precisely).
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import yaml

from conftest import REPO
from gdfacts import spec, strict_yaml
from gdfacts.build import main

ARTICLES = REPO / "tests" / "articles"
# The name of an article in tests/articles/: its seed and its fact file in the dataset.
NEW = {
    "en_xinhua_style": ("seeds/900_en_xinhua_style.txt", "data/facts/900_en_xinhua_style.yml"),
    "zh_communique": ("seeds/901_zh_communique.txt", "data/facts/901_zh_communique.yml"),
}
APPENDED = {
    "sources_added.yml": "data/sources.yml",
    "regions_added.yml": "data/regions.yml",
    "indicators_added.yml": "data/indicators.yml",
}
ZH_FACTS = NEW["zh_communique"][1]


# -- the dataset -----------------------------------------------------------------

def add_new_articles(root: Path) -> None:
    """A copy of the repository's dataset in root, with the two articles added."""
    for shared in ("schema.sql", "metadata.yml", "CITATION.cff"):
        shutil.copy(REPO / shared, root / shared)
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / "seeds", root / "seeds")
    for name, (seed, facts) in NEW.items():
        shutil.copyfile(ARTICLES / f"{name}.txt", root / seed)
        digest = hashlib.sha256((root / seed).read_bytes()).hexdigest()
        _append(root / "seeds" / "SHA256SUMS", f"{digest}  {Path(seed).name}\n")
        shutil.copyfile(ARTICLES / f"{name}.yml", root / facts)
    for added, target in APPENDED.items():
        _append(root / target, "\n" + (ARTICLES / added).read_text(encoding="utf-8"))
    curation = yaml.safe_load((ARTICLES / "existing_records.yml").read_text(encoding="utf-8"))
    _restate_existing_records(root, curation)


def _append(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8")
    if old and not old.endswith("\n"):
        old += "\n"
    path.write_text(old + text, encoding="utf-8")


def _edit(root: Path, edits: dict[str, list[tuple[int, int, list[str]]]]) -> None:
    """Replace lines first to last (1-based, inclusive; last = first - 1 inserts) of each file."""
    for rel, changes in edits.items():
        lines = (root / rel).read_text(encoding="utf-8").split("\n")
        for first, last, new in sorted(changes, reverse=True):
            lines[first - 1:last] = new
        (root / rel).write_text("\n".join(lines), encoding="utf-8")


def _records(root: Path) -> dict[str, list[tuple[str, spec.Entry, int, int]]]:
    """Where each record of data/facts/ is, by id: (file, entry, first line, last line)."""
    found: dict[str, list] = {}
    for path in sorted((root / "data" / "facts").glob("*.yml")):
        rel = f"data/facts/{path.name}"
        node, problems = strict_yaml.load(path.read_bytes(), rel)
        assert not problems, problems
        doc, problems = spec.read_map(node, spec.FACT_FILE, rel, "fact file")
        assert doc is not None and not problems, problems
        lines = path.read_text(encoding="utf-8").split("\n")
        entries = sorted(doc.get("records", []), key=lambda e: e.line)
        stop = doc.line_of("unrecorded") if "unrecorded" in doc.lines else len(lines) + 1
        for i, entry in enumerate(entries):
            last = (entries[i + 1].line if i + 1 < len(entries) else stop) - 1
            while last > entry.line and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")):
                last -= 1
            ident = entry.get("id") or "-".join(
                [entry["region"], entry["indicator"], entry["period"].replace("/", "_"), entry["kind"]]
                + ([entry["unit"].lower()] if entry.get("unit") else []))
            found.setdefault(ident, []).append((rel, entry, entry.line, last))
    return found


def _restate_existing_records(root: Path, curation: dict) -> None:
    """What a curator does by hand: add the citations to the records they
    restate, and take out the records that move into a new fact file."""
    found = _records(root)
    new_files = {facts for _, facts in NEW.values()}

    def existing(ident: str) -> tuple[str, spec.Entry, int, int]:
        places = [place for place in found.get(ident, []) if place[0] not in new_files]
        assert len(places) == 1, f"existing_records.yml: record {ident} is in {[p[0] for p in places] or 'no file'}"
        return places[0]

    edits: dict[str, list[tuple[int, int, list[str]]]] = {}  # file: (first line, last line, new lines)
    for item in curation["cite"]:
        rel, entry, _, last = existing(item["record"])
        assert entry.lines["citations"] == max(entry.lines.values()), f"{rel}:{entry.line}: citations is not the last key"
        first_citation = (root / rel).read_text(encoding="utf-8").split("\n")[entry["citations"][0].line - 1]
        indent = " " * (len(first_citation) - len(first_citation.lstrip(" ")))
        text = yaml.safe_dump(item["citations"], allow_unicode=True, sort_keys=False, width=10**6)
        edits.setdefault(rel, []).append((last + 1, last, [indent + line for line in text.splitlines()]))
    for item in curation["move"]:
        rel, _, first, last = existing(item["record"])
        to = NEW[Path(item["to"]).stem][1]
        assert to in [place[0] for place in found[item["record"]]], f"{to} does not hold {item['record']}"
        edits.setdefault(rel, []).append((first, last + 1, []))  # the record and the blank line after it
    _edit(root, edits)


def build(root: Path, capsys) -> tuple[int, str]:
    code = main(["--root", str(root)])
    out, err = capsys.readouterr()
    return code, out + err


def one(db: sqlite3.Connection, table: str, region: str, indicator: str, period: str, unit: str | None = None):
    rows = db.execute(
        f"select id, period, value, value_high, unit, qualifier from {table} "
        "where region_id = ? and indicator_id = ? and period = ? and (? is null or unit = ?)",
        (region, indicator, period, unit, unit)).fetchall()
    assert len(rows) == 1, (table, region, indicator, period, rows)
    return rows[0]


def cited_by(db: sqlite3.Connection, record_id: str) -> list[tuple[str, str, str]]:
    return db.execute("select source_id, as_stated, stated_qualifier from citations "
                      "where fact_id = ? or target_id = ? order by source_id, line", (record_id, record_id)).fetchall()


# -- the tests -------------------------------------------------------------------

def test_new_articles_build_with_every_number_recorded(tmp_path, capsys):
    add_new_articles(tmp_path)
    code, output = build(tmp_path, capsys)
    assert code == 0, output

    db = sqlite3.connect(tmp_path / "guangdong_facts.db")
    # 1—8月，全省固定资产投资同比下降2.4%: a fall, over January to August.
    assert one(db, "facts", "guangdong", "fixed_asset_investment_growth", "2024-01/2024-08")[1:] == (
        "2024-01/2024-08", -2.4, None, "percent", "exact")
    # 服务机器人产量增长1.08倍: growth by a multiple is 108 percent.
    assert one(db, "facts", "guangdong", "output_growth_service_robots", "2024")[2:5] == (108.0, None, "percent")
    # ... but 是2020年的1.5倍 is a ratio.
    assert one(db, "facts", "guangdong", "rd_expenditure_ratio_to_2020", "2024")[2:5] == (1.5, None, "times")
    # 东莞 5%—5.5%, and "5 to 5.5 percent": one target, a range, cited by both articles.
    ident, _, value, high, unit, qualifier = one(db, "targets", "dongguan", "gdp_growth", "2024")
    assert (value, high, unit, qualifier) == (5.0, 5.5, "percent", "exact")
    assert [c[:2] for c in cited_by(db, ident)] == [("en_xinhua_style", "5 to 5.5 percent"), ("zh_communique", "5%—5.5%")]
    assert one(db, "targets", "foshan", "gdp_growth", "2024")[2:4] == (4.5, 5.0)  # 4.5%-5%
    # 约7.4万家: approximately 74,000 enterprises.
    assert one(db, "facts", "guangdong", "industrial_enterprises_above_size", "2024")[2:] == (
        74000.0, None, "enterprises", "approximately")
    # A quarter, a half and the first three quarters.
    assert one(db, "facts", "guangdong", "gdp_growth", "2024-Q1")[1:3] == ("2024-Q1", 4.4)
    assert one(db, "facts", "guangdong", "gdp_growth", "2024-H1")[1:3] == ("2024-H1", 3.9)
    assert one(db, "facts", "guangdong", "gdp_growth", "2024-01/2024-09")[1:3] == ("2024-01/2024-09", 3.4)
    assert one(db, "facts", "guangdong", "trade_with_asean", "2024-01/2024-09")[2] == 893.3e9
    assert one(db, "facts", "shenzhen", "exports_growth_electric_vehicles", "2024-Q1")[2] == 108.0
    # HK$48.2 billion is in HKD; "about 422 billion U.S. dollars" in USD.
    assert one(db, "facts", "guangdong", "wealth_management_connect_investment", "2024")[2:] == (
        48.2e9, None, "HKD", "exact")
    assert one(db, "facts", "guangzhou", "gdp", "2024", unit="USD")[2:] == (422e9, None, "USD", "approximately")
    # Full-width digits (１２８５万吨), 百分之五, 两万家, 三十五家.
    assert one(db, "facts", "guangdong", "grain_output", "2024")[2] == 12.85e6
    assert one(db, "facts", "foshan", "industrial_value_added_growth", "2024")[2] == 5.0
    assert one(db, "facts", "guangdong", "specialized_new_smes_provincial", "2024")[2] == 20000.0
    assert one(db, "facts", "guangdong", "green_factories_national_added", "2024")[2] == 35.0
    # Bounds: 突破300万辆, 3.5%以上, 1000多亿元, "at least sixty".
    assert one(db, "facts", "guangdong", "output_new_energy_vehicles", "2024")[2:] == (3e6, None, "count", "more_than")
    assert one(db, "facts", "guangdong", "rd_intensity", "2024")[2:] == (3.5, None, "percent", "at_least")
    assert one(db, "facts", "guangdong", "trade_in_sales", "2024")[2:] == (100e9, None, "CNY", "more_than")
    assert one(db, "facts", "guangdong", "major_projects_started", "2024-Q1")[2:] == (60.0, None, "count", "at_least")

    # One record per number across the articles: the precise figure, with the
    # other article's rounded restatement or bound as another citation.
    ident, _, value, _, _, qualifier = one(db, "facts", "shenzhen", "gdp", "2024", unit="CNY")
    assert (value, qualifier) == (3.68e12, "exact")
    assert cited_by(db, ident) == [("en_xinhua_style", "nearly 3.7 trillion yuan", "approximately"),
                                   ("zh_communique", "3.68万亿元", "exact")]
    ident, _, value, _, _, qualifier = one(db, "facts", "guangzhou", "gdp", "2024", unit="CNY")
    assert (value, qualifier) == (3.1e12, "exact")
    assert ("en_xinhua_style", "topping 3 trln yuan", "more_than") in cited_by(db, ident)
    ident, _, value, _, _, _ = one(db, "facts", "guangdong", "port_cargo_throughput", "2024")
    assert value == 2.1e9
    assert cited_by(db, ident) == [("en_xinhua_style", "2.1 billion tonnes", "exact"),
                                   ("zh_communique", "约21亿吨", "approximately")]
    # A record already in data/facts/ gains the new articles' citations...
    ident = one(db, "facts", "guangdong", "gdp_growth", "2024")[0]
    assert {c[0] for c in cited_by(db, ident)} == {"scmp_shenzhen_report_2025", "en_xinhua_style", "zh_communique"}
    # ... and one stated more precisely moves, with its old statement as a bound.
    ident, _, value, _, _, qualifier = one(db, "facts", "guangdong", "trade", "2024", unit="CNY")
    assert (value, qualifier) == (9.11e12, "exact")
    assert ("chinadaily_guangdong_report_2025", "exceeded 9 trillion yuan", "more_than") in cited_by(db, ident)

    # Every line of both articles is stored, and cited where it states a number.
    for source in NEW:
        assert db.execute("select count(*) from source_lines where source_id = ?", (source,)).fetchone()[0] > 15
    assert db.execute("select count(*) from citations where source_id = 'en_xinhua_style'").fetchone()[0] >= 30
    assert db.execute("select count(*) from citations where source_id = 'zh_communique'").fetchone()[0] >= 45


def test_a_misread_number_is_refused_at_its_line(tmp_path, capsys):
    """同比下降2.4% recorded as 2.4: the build names the fact file and line."""
    add_new_articles(tmp_path)
    facts = tmp_path / ZH_FACTS
    lines = facts.read_text(encoding="utf-8").split("\n")
    at = lines.index("    value: -2.4")
    lines[at] = "    value: 2.4"
    stated = next(n for n in range(at, len(lines)) if lines[n].strip().startswith("stated:")) + 1
    facts.write_text("\n".join(lines), encoding="utf-8")

    code, output = build(tmp_path, capsys)
    assert code == 1
    problems = [line for line in output.splitlines() if line.startswith("data/")]
    assert problems == [f'{ZH_FACTS}:{stated}: line 6 says "下降" with "2.4%": a fall, so the value is -2.4, not 2.4'], output
    assert not (tmp_path / "guangdong_facts.db").exists()
