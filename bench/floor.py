"""The floor: only the work no build of this corpus can avoid.

    .venv/bin/python bench/floor.py ROOT OUTPUT.db

Parse every YAML file with the fastest reader of YAML the project has
(`gdfacts.strict_yaml`, whose line reader takes the whole of this corpus:
bench/yaml_readers.py measures it against libyaml), check each quote on its
cited line, insert the rows in one transaction with the project's schema, and
write the full-text tables as the build does. No other validation.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from gdfacts import strict_yaml
from gdfacts.rows import fill_search  # the full-text tables, written as the build writes them


def read(path: Path) -> strict_yaml.Node:
    node, problems = strict_yaml.load(path.read_bytes(), str(path))
    if problems:
        raise SystemExit(str(problems[0]))
    return node


def fields(mapping: strict_yaml.Mapping) -> dict:
    """A mapping's values: text, None where empty, the nodes themselves where they are lists."""
    return {key: (node.value or None) if isinstance(node, strict_yaml.Scalar) else node.items
            for key, node in mapping.items.items()}


def load(path: Path) -> list[dict]:
    return [fields(entry) for entry in read(path).items]


def floor(root: Path, output: Path) -> int:
    regions, indicators = load(root / "data/regions.yml"), load(root / "data/indicators.yml")
    sources = {s["id"]: s for s in load(root / "data/sources.yml")}
    db = sqlite3.connect(output, isolation_level=None)
    db.executescript((root / "schema.sql").read_text(encoding="utf-8"))
    db.execute("BEGIN")
    for u in load(root / "data/units.yml"):
        db.execute("INSERT INTO units VALUES (?,?,?,?,?)", (u["id"], u["name"], u["name_zh"], u["description"], u["stated_by"]))
    for s in sources.values():
        db.execute("INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (s["id"], s["title"], 1, None, s["publisher"], None, s["published"], None, None, s["seed"], s["sha256"], 1, ""))
    for r in regions:
        db.execute("INSERT INTO regions VALUES (?,?,?,?,?,?)", (r["id"], r["name"], r["name_zh"], r["level"], r["parent"], None))
    for i in indicators:
        db.execute("INSERT INTO indicators VALUES (?,?,?,?,?,?,?)", (i["id"], i["name"], None, i["description"], i["unit"], i["category"], i["better"]))
    units = {i["id"]: i["unit"] for i in indicators}
    citation_id = records = 0
    for path in sorted((root / "data/facts").glob("*.yml")):
        doc = fields(read(path))
        source = sources[doc["source"]]
        lines = (root / source["seed"]).read_text(encoding="utf-8").split("\n")
        db.executemany("INSERT INTO source_lines VALUES (?,?,?)", ((source["id"], n, t) for n, t in enumerate(lines[:-1], 1)))
        for r in map(fields, doc["records"]):
            table = "targets" if r["kind"] in ("target", "plan") else "facts"
            ident = f"{r['region']}-{r['indicator']}-{r['period']}-{r['kind']}"
            db.execute(f"INSERT INTO {table} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (ident, r["region"], r["indicator"], r["period"], r["kind"], float(r["value"]), None, units[r["indicator"]],
                        "exact", 0, None, None, None, str(path), 0))
            records += 1
            for c in map(fields, r["citations"]):
                if c["quote"] not in lines[int(c["line"]) - 1]:
                    raise SystemExit(f"{path}: quote not on line {c['line']}")
                citation_id += 1
                db.execute("INSERT INTO citations VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           (citation_id, ident if table == "facts" else None, ident if table == "targets" else None,
                            source["id"], int(c["line"]), c["quote"], c["stated"], 0.0, None, 1.0, None, "exact", 0, None, None))
    fill_search(db)
    db.execute("COMMIT")
    db.close()
    return records


if __name__ == "__main__":
    print(floor(Path(sys.argv[1]), Path(sys.argv[2])), "records")
