"""Fixtures: a small dataset of one article, built in tmp_path, to break at will."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from gdfacts.build import main

REPO = Path(__file__).resolve().parent.parent

SEED_TEXT = (
    "Shenzhen Daily reports on the city's work report.\n"
    "Shenzhen's GDP grew 6 percent in 2023 to 3.46 trillion yuan.\n"
    "Exports of the city fell last year, down 8.5%, and trade exceeded 3.87 trillion yuan.\n"
)

SOURCES = """\
- id: mini_source
  seed: seeds/000_mini.txt
  sha256: {sha256}
  title: A small article
  title_is_editorial: true
  publisher: Shenzhen Daily
  author:
  published: '2024-01-24'
  published_basis: test fixture
  url:
"""

REGIONS = """\
- id: guangdong
  name: Guangdong
  name_zh: 广东省
  level: province
  parent:
  division_code: '440000'
- id: shenzhen
  name: Shenzhen
  name_zh: 深圳市
  level: city
  parent: guangdong
  division_code: '440300'
"""

INDICATORS = """\
- id: gdp
  name: GDP
  description: Gross domestic product.
  unit: CNY
  category: output
  better: higher
- id: gdp_growth
  name: GDP growth
  description: Growth of GDP.
  unit: percent
  category: output
  better: higher
- id: exports_growth
  name: Export growth
  description: Growth of exports.
  unit: percent
  category: trade
  better: higher
- id: trade
  name: Trade
  description: Imports and exports.
  unit: CNY
  category: trade
  better: higher
"""

FACTS = """\
source: mini_source
records:
  - region: shenzhen
    indicator: gdp_growth
    period: '2023'
    kind: actual
    value: 6
    citations:
      - line: 2
        quote: GDP grew 6 percent in 2023
        stated: 6 percent
  - region: shenzhen
    indicator: gdp
    period: '2023'
    kind: actual
    value: 3.46e12
    citations:
      - line: 2
        quote: to 3.46 trillion yuan
        stated: 3.46 trillion yuan
  - region: shenzhen
    indicator: exports_growth
    period: '2023'
    period_basis: '"last year" in a report of January 2024'
    kind: actual
    value: -8.5
    citations:
      - line: 3
        quote: down 8.5%
        stated: down 8.5%
  - region: shenzhen
    indicator: trade
    period: '2023'
    period_basis: '"last year" in a report of January 2024'
    kind: actual
    value: 3.87e12
    qualifier: more_than
    citations:
      - line: 3
        quote: trade exceeded 3.87 trillion yuan
        stated: exceeded 3.87 trillion yuan
"""

FACTS_FILE = "data/facts/000_mini.yml"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Mini:
    root: Path

    @property
    def db(self) -> Path:
        return self.root / "guangdong_facts.db"

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"fixture {rel} has no {old!r}"
        self.write(rel, text.replace(old, new, 1))

    def build(self, capsys, *args: str) -> tuple[int, str, str]:
        code = main(["--root", str(self.root), *args])
        out, err = capsys.readouterr()
        return code, out, err


def make_mini(root: Path) -> Mini:
    mini = Mini(root)
    shutil.copy(REPO / "schema.sql", root / "schema.sql")
    mini.write("seeds/000_mini.txt", SEED_TEXT)
    mini.write("data/sources.yml", SOURCES.format(sha256=hashlib.sha256(SEED_TEXT.encode()).hexdigest()))
    mini.write("data/regions.yml", REGIONS)
    mini.write("data/indicators.yml", INDICATORS)
    mini.write(FACTS_FILE, FACTS)
    return mini


@pytest.fixture
def mini(tmp_path) -> Mini:
    """A valid one-article dataset in tmp_path, not yet built."""
    return make_mini(tmp_path)


@pytest.fixture
def built_mini(mini, capsys) -> Mini:
    """The small dataset, built once: a previous database that must survive."""
    code, _, err = mini.build(capsys)
    assert code == 0, err
    return mini


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    """The real data, built once per session (with its inspect file beside it)."""
    from gdfacts.build import build

    path = tmp_path_factory.mktemp("published") / "guangdong_facts.db"
    build(REPO, path)
    return path
