"""Relations between records (data/relations.yml): each kind flags an error
injected consistently into an article and its curation, the same data
without the error builds, the error's place and scale are proposed, and the
real data's known source errors are found from the stated values alone."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import REPO, make_mini
from gdfacts import relations, spec, strict_yaml

HERE = REPO / "tests" / "relations"
SEED = "seeds/001_relations.txt"
FACTS = "data/facts/001_relations.yml"


def relations_dataset(root: Path):
    """The mini dataset with tests/relations' article, its records and its relations."""
    mini = make_mini(root)
    shutil.copyfile(HERE / "article.txt", root / SEED)
    shutil.copyfile(HERE / "facts.yml", root / FACTS)
    shutil.copyfile(HERE / "relations.yml", root / "data/relations.yml")
    with open(root / "data/indicators.yml", "a", encoding="utf-8") as f:
        f.write("\n" + (HERE / "indicators_added.yml").read_text(encoding="utf-8"))
    with open(root / "data/sources.yml", "a", encoding="utf-8") as f:
        f.write(f"""
- id: relations_source
  seed: {SEED}
  sha256: {'0' * 64}
  title: Guangdong's economy in 2023
  title_is_editorial: true
  published: '2024-02'
""")
    reseal(root)
    return mini


def reseal(root: Path) -> None:
    """Record the article's checksum, as a curator does after reviewing a change to it."""
    digest = hashlib.sha256((root / SEED).read_bytes()).hexdigest()
    text = (root / "data/sources.yml").read_text(encoding="utf-8")
    (root / "data/sources.yml").write_text(
        re.sub(r"(seed: seeds/001_relations.txt\n  sha256: )[0-9a-f]{64}", rf"\g<1>{digest}", text), encoding="utf-8")


def inject(root: Path, old: str, new: str, value: tuple[str, str] | None = None) -> None:
    """Change a figure consistently: the article's words, the quote and stated words that cite them, and the value."""
    for rel in (SEED, FACTS):
        text = (root / rel).read_text(encoding="utf-8")
        assert old in text, f"{rel} has no {old!r}"
        text = text.replace(old, new)  # every occurrence: the article's words, the quote and the stated words
        if rel == FACTS and value is not None:
            assert f"value: {value[0]}," in text
            text = text.replace(f"value: {value[0]},", f"value: {value[1]},")
        (root / rel).write_text(text, encoding="utf-8")
    reseal(root)


def record_line(root: Path, indicator: str, unit: str | None = None) -> int:
    """The line of the record of an indicator in the test's fact file."""
    for number, line in enumerate((root / FACTS).read_text(encoding="utf-8").splitlines(), 1):
        if f"indicator: {indicator}," in line and (unit is None) == ("unit:" not in line) and (unit is None or f"unit: {unit}" in line):
            return number
    raise AssertionError(indicator)


def test_the_article_builds_and_every_relation_is_checked_or_derived(tmp_path, capsys):
    mini = relations_dataset(tmp_path)
    code, _, err = mini.build(capsys)
    assert code == 0, err
    db = sqlite3.connect(mini.db)
    verdicts = dict(db.execute("select relation_id, group_concat(distinct verdict) from checks group by relation_id"))
    assert verdicts == {"trade_sum": "holds", "trade_growth_levels": "holds", "manufacturing_share": "holds",
                        "exports_above_trade": "holds", "entities_within_stock": "holds", "dollar_equivalents": "holds",
                        "citations_agree": "holds"}
    # every record a check involves is linked to it
    linked = {r for (r,) in db.execute("select coalesce(fact_id, target_id) from check_records where check_id in "
                                       "(select id from checks where relation_id = 'trade_sum')")}
    assert linked == {"guangdong-trade-2023-actual", "guangdong-exports-2023-actual", "guangdong-imports-2023-actual"}
    # the rates the equivalents imply are derived, never facts
    rates = db.execute("select low, high from derived where indicator_id = 'exchange_rate_usd' order by period").fetchall()
    assert len(rates) == 2 and all(6.9 < low < high < 7.2 for low, high in rates)
    assert not db.execute("select 1 from facts where indicator_id = 'exchange_rate_usd'").fetchall()


INJECTED = [
    # kind, (old words, new words), (old value, new value), the relation that must flag it, the record flagged
    ("sum", ("2.83 trillion", "3.83 trillion"), ("2.83e12", "3.83e12"), "trade_sum", ("imports", None)),
    ("growth", ("8.28 trillion", "7.28 trillion"), ("8.28e12", "7.28e12"), "trade_growth_levels", ("trade_growth", None)),
    ("share", ("32.4 percent", "23.4 percent"), ("32.4", "23.4"), "manufacturing_share",
     ("manufacturing_share_of_gdp", None)),
    ("difference", ("2.2 percentage points", "1.2 percentage points"), ("2.2", "1.2"), "exports_above_trade",
     ("exports_growth_above_trade", None)),
    ("at_most", ("1.2 million", "21.2 million"), ("1.2e6", "2.12e7"), "entities_within_stock", ("business_entities_added", None)),
    ("exchange_rate", ("1.18 trillion", "11.8 trillion"), ("1.18e12", "1.18e13"), "dollar_equivalents", ("trade", "USD")),
]


@pytest.mark.parametrize("kind, words, value, relation, flagged", INJECTED, ids=[case[0] for case in INJECTED])
def test_an_error_injected_consistently_is_flagged_by_its_relation(tmp_path, capsys, kind, words, value, relation, flagged):
    mini = relations_dataset(tmp_path)
    inject(tmp_path, *words, value)
    code, _, err = mini.build(capsys)
    assert code == 1
    line = record_line(tmp_path, *flagged)
    assert re.search(rf"^{re.escape(FACTS)}:{line}: relation {relation} does not hold for guangdong 2023", err, re.M), err
    assert "every citation verified" not in err


def test_a_growth_rate_against_a_revised_base_holds_within_the_revision_band(tmp_path, capsys):
    """8.30 trillion, up 0.3 percent, from 8.20 trillion as first published: the base was revised by 1 %."""
    mini = relations_dataset(tmp_path)
    inject(tmp_path, "8.28 trillion", "8.20 trillion", ("8.28e12", "8.20e12"))
    code, _, err = mini.build(capsys)
    assert code == 0, err
    verdict, arithmetic = sqlite3.connect(mini.db).execute(
        "select verdict, arithmetic from checks where relation_id = 'trade_growth_levels'").fetchone()
    assert verdict == "holds"
    assert "the base as revised: within 5 % of trade 2022" in arithmetic
    # without the band, the same figures are a violation
    relations_file = tmp_path / "data/relations.yml"
    relations_file.write_text(relations_file.read_text(encoding="utf-8").replace("revision: 0.05", "revision: 0"), encoding="utf-8")
    code, _, err = mini.build(capsys)
    assert code == 1 and "relation trade_growth_levels does not hold for guangdong 2023" in err


def test_a_restatement_that_disagrees_is_refused_at_its_citation(tmp_path, capsys):
    mini = relations_dataset(tmp_path)
    inject(tmp_path, "13.6 trillion", "16.3 trillion")
    code, _, err = mini.build(capsys)
    assert code == 1
    at = re.search(rf"^{re.escape(FACTS)}:(\d+): the words \"about 16.3 trillion yuan\"", err, re.M)
    assert at and record_line(tmp_path, "gdp") <= int(at.group(1)) < record_line(tmp_path, "gdp", "USD"), err


def test_the_error_is_located_by_its_power_of_ten(tmp_path, capsys):
    mini = relations_dataset(tmp_path)
    inject(tmp_path, "2.83 trillion", "28.3 trillion", ("2.83e12", "2.83e13"))
    code, _, err = mini.build(capsys)
    assert code == 1
    line = record_line(tmp_path, "imports")
    assert re.search(rf"^{re.escape(FACTS)}:{line}: .*Changing this value × 0\.1 would make every relation hold", err, re.M), err
    # the other records of the sum point at the imports
    total = record_line(tmp_path, "trade")
    assert re.search(rf"^{re.escape(FACTS)}:{total}: .*Changing guangdong-imports-2023-actual × 0\.1 would", err, re.M), err


def test_a_flipped_sign_is_located(tmp_path, capsys):
    mini = relations_dataset(tmp_path)
    inject(tmp_path, "up 2.5 percent", "down 2.5 percent", ("2.5", "-2.5"))
    code, _, err = mini.build(capsys)
    assert code == 1
    line = record_line(tmp_path, "exports_growth")
    assert re.search(rf"^{re.escape(FACTS)}:{line}: .*this value × −1 \(the sign\)", err, re.M), err


def test_an_acknowledgement_covers_its_own_deviation_and_no_other(tmp_path, capsys):
    mini = relations_dataset(tmp_path)
    inject(tmp_path, "2.83 trillion", "2.93 trillion", ("2.83e12", "2.93e12"))
    ack = """
acknowledged:
  - relation: trade_sum
    region: guangdong
    period: '2023'
    deviation: {deviation}
    reason: The article's parts do not add up to its total.
"""
    with open(tmp_path / "data/relations.yml", "a", encoding="utf-8") as f:
        f.write(ack.format(deviation="-1.0e11"))
    code, _, err = mini.build(capsys)
    assert code == 0, err
    db = sqlite3.connect(mini.db)
    assert db.execute("select verdict, reason from checks where relation_id = 'trade_sum'").fetchall() == [
        ("acknowledged", "The article's parts do not add up to its total.")]
    db.close()
    text = (tmp_path / "data/relations.yml").read_text(encoding="utf-8")
    (tmp_path / "data/relations.yml").write_text(text.replace("-1.0e11", "-2.0e11"), encoding="utf-8")
    code, _, err = mini.build(capsys)
    assert code == 1 and "the acknowledgement at data/relations.yml" in err and "deviation of -2.0e+11, not this one" in err


def test_an_acknowledgement_of_nothing_is_refused(tmp_path, capsys):
    mini = relations_dataset(tmp_path)
    with open(tmp_path / "data/relations.yml", "a", encoding="utf-8") as f:
        f.write("acknowledged:\n  - {relation: trade_sum, region: guangdong, period: '2023', deviation: 1e9, reason: none}\n")
    code, _, err = mini.build(capsys)
    assert code == 1
    assert re.search(r"^data/relations.yml:\d+: acknowledges a violation of trade_sum for guangdong 2023 that the data does not show", err, re.M)


@pytest.mark.parametrize("entry, message", [
    ("{id: x, kind: ratio, why: w}", "kind 'ratio' is not one of"),
    ("{id: x, kind: sum, total: trade, why: w}", "a relation of kind sum names its parts"),
    ("{id: x, kind: sum, total: trade, parts: [exports, importz], why: w}", "no indicator 'importz'"),
    ("{id: x, kind: growth, level: trade, growth: exports, revision: 0.05, why: w}", "is in CNY; a growth's growth is in percent"),
    ("{id: x, kind: sum, total: trade, parts: [exports, trade_growth], why: w}", "the members of a sum are in one unit"),
    ("{id: x, kind: exchange_rate, currency: CNY, equivalent: percent, rate: exchange_rate_usd, band: 1.25, why: w}",
     "equivalent 'percent' is not a currency"),
    ("{id: x, kind: at_most, part: exports, whole: trade, total: trade, why: w}", "a relation of kind at_most has no 'total'"),
    ("{id: x, kind: growth, level: trade, growth: trade_growth, why: w}", "a relation of kind growth names its revision"),
    ("{id: x, kind: growth, level: trade, growth: trade_growth, revision: 5, why: w}", "revision is a fraction from 0 up to 1"),
])
def test_a_relation_that_cannot_apply_is_refused_at_its_line(tmp_path, capsys, entry, message):
    mini = relations_dataset(tmp_path)
    text = (tmp_path / "data/relations.yml").read_text(encoding="utf-8")
    (tmp_path / "data/relations.yml").write_text(text.replace("relations:\n", f"relations:\n  - {entry}\n", 1), encoding="utf-8")
    code, _, err = mini.build(capsys)
    assert code == 1
    assert re.search(rf"^data/relations.yml:2: .*{re.escape(message)}", err, re.M), err


# -- the real data ---------------------------------------------------------------

def real_copy(root: Path) -> Path:
    for part in ("data", "seeds"):
        shutil.copytree(REPO / part, root / part)
    for shared in ("schema.sql", "metadata.yml", "CITATION.cff"):
        shutil.copy(REPO / shared, root / shared)
    return root


def _records(path: Path):
    doc, problems = spec.read_map(strict_yaml.load(path.read_bytes(), str(path))[0], spec.FACT_FILE, str(path), "fact file")
    assert not problems
    return doc.get("records")


def stripped_of_corrections(path: Path) -> list[tuple[str, int, float]]:
    """Remove every correction from a fact file, each record's value set to the value as stated.
    Returns (indicator, the record's line in the stripped file, the scale removed) of each record changed."""
    text = path.read_text(encoding="utf-8")
    changed = [(record.get("indicator"), float(c.get("correction").get("scale")))
               for record in _records(path) for c in record.get("citations") if c.get("correction") is not None]
    stripped = re.sub(r"\n        correction:\n          reason: >-\n(?:            .*\n)+          scale: [0-9.e-]+", "", text)
    for indicator, scale in changed:
        stripped = re.sub(rf"(indicator: {indicator}\n(?:    .*\n)*?    value: )([0-9.e]+)",
                          lambda m: m.group(1) + str(Decimal(m.group(2)) / Decimal(repr(scale))), stripped, count=1)
    path.write_text(stripped, encoding="utf-8")
    lines = {record.get("indicator"): record.line for record in _records(path)}
    return [(indicator, lines[indicator], scale) for indicator, scale in changed]


def test_the_source_errors_of_seed_003_are_found_from_the_stated_values_alone(tmp_path, capsys):
    root = real_copy(tmp_path)
    facts = next((root / "data/facts").glob("003_*.yml"))
    changed = stripped_of_corrections(facts)
    assert len(changed) >= 4
    from gdfacts.build import main
    code = main(["--root", str(root), "--check"])
    err = capsys.readouterr().err
    assert code == 1
    rel = f"data/facts/{facts.name}"
    for indicator, line, scale in changed:
        # the record is named at its place, and the scale that undoes the error is proposed there
        block = [p for p in err.splitlines() if p.startswith(f"{rel}:") and line <= int(p.split(":")[1]) <= line + 40]
        proposal = f"× {relations.shown(scale, 'count').strip()}"
        assert any(p.startswith(f"{rel}:{line}:") for p in block) or any("would agree" in p for p in block), (indicator, err)
        assert any(proposal in p for p in block), (indicator, proposal, err)


def test_the_real_data_passes_and_every_complete_relation_is_checked(real_db):
    db = sqlite3.connect(real_db)
    declared = yaml.safe_load((REPO / "data/relations.yml").read_text(encoding="utf-8"))
    assert {r for (r,) in db.execute("select id from relations")} == {r["id"] for r in declared["relations"]}
    for relation in declared["relations"]:
        if relation["kind"] != "sum":
            continue
        members = [relation["total"], *relation["parts"]]
        complete = db.execute(
            f"select region_id, period from facts where indicator_id in ({','.join('?' * len(members))}) and unit = 'CNY' "
            f"group by region_id, period having count(distinct indicator_id) = ?", (*members, len(members))).fetchall()
        for region, period in complete:
            assert db.execute("select 1 from checks where relation_id = ? and region_id = ? and period = ?",
                              (relation["id"], region, period)).fetchone(), (relation["id"], region, period)
    for verdict, reason in db.execute("select verdict, reason from checks"):
        assert verdict in relations.VERDICTS
        assert (reason is not None) == (verdict in ("acknowledged", "resolved_by_correction"))
    # a corrected record that any relation checks is borne out by one: it fails on the value as stated
    for (ident,) in db.execute("select id from facts where corrected = 1").fetchall():
        verdicts = {v for (v,) in db.execute("select verdict from record_checks where record_id = ?", (ident,))}
        assert not verdicts or verdicts & {"resolved_by_correction", "acknowledged"}, (ident, verdicts)
