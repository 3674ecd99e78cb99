"""A synthetic corpus for the benchmarks: valid input that exercises every
check the real build makes.

    .venv/bin/python bench/synth.py N ROOT

writes ROOT/schema.sql (with metadata.yml and CITATION.cff), ROOT/data/ and ROOT/seeds/ with N records (about 10%
targets, the rest facts) in article files of 500 records each, 300 regions
(and 300 more for every further 300,000 records, so that no two records share
a key: `record_key`) and a hundred indicators. Every record is stated on its
own line of its article and cited with the exact quote and words; one in 20
is cited a second time on another line, one in 100 states a mis-scaled
amount that the record corrects, with its reason and scale. The same N gives
the same files.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_FILE = 500
REGIONS = 300
INDICATORS = 100
SYLLABLES = ["ka", "lo", "mi", "ren", "shu", "tai", "wen", "xin", "yao", "zhe", "bei", "dong", "fu", "gan", "hua", "jin"]
YEARS = list(range(2015, 2025))
TARGET_YEAR = "2025"
BLOCK = REGIONS * INDICATORS * len(YEARS)  # records before a key would repeat in the first 300 regions


def regions_for(n: int) -> int:
    """How many regions n records take: 300, and 300 more for each further block."""
    return REGIONS * max(1, -(-n // BLOCK))


def record_key(i: int) -> tuple[int, int, str, str]:
    """Record i's region, indicator, period and kind (its unit is its indicator's).

    Facts take each indicator in turn, then each region, then each year;
    every tenth record is instead a target for 2025, one per region and
    indicator. Each block of records gets its own 300 regions, so keys never
    repeat at any size, and sizes up to one block keep their first regions.
    """
    block = i // BLOCK
    if i % 10 == 9:
        t = i // 10
        return t // INDICATORS % REGIONS + REGIONS * block, t % INDICATORS, TARGET_YEAR, "target"
    return (i // INDICATORS % REGIONS + REGIONS * block, i % INDICATORS,
            str(YEARS[i // (REGIONS * INDICATORS) % len(YEARS)]), "actual")


def name(i: int, parts: int) -> str:
    """A name with no digits in it (numerals in an article must all be cited)."""
    syllables = []
    for _ in range(parts):
        syllables.append(SYLLABLES[i % len(SYLLABLES)])
        i //= len(SYLLABLES)
    return "".join(syllables).capitalize()


def indicator_unit(j: int) -> str:
    return ("CNY", "CNY", "CNY", "percent", "percent", "CNY", "count", "CNY", "percent", "CNY")[j % 10]


def stated_words(i: int, unit: str) -> tuple[str, Decimal]:
    """Words an article would use, and the value they state (in base units)."""
    if unit == "CNY":
        amount = Decimal(i % 9000 + 1000) / 100  # 10.00 to 99.99
        return f"{amount} billion yuan", amount * 10**9
    if unit == "percent":
        rate = Decimal(i % 150) / 10
        if i % 7 == 0 and rate:
            return f"down {rate}%", -rate
        return f"{rate} percent", rate
    return f"{i % 900 + 100:,}", Decimal(i % 900 + 100)


def generate(n: int, root: Path) -> None:
    root = Path(root)
    for sub in ("data/facts", "seeds"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(parents=True, exist_ok=True)
    for shared in ("schema.sql", "metadata.yml", "CITATION.cff", "data/lexicon.yml", "data/units.yml"):
        shutil.copy(ROOT / shared, root / shared)
    regions = ["- id: country\n  name: Synthland\n  name_zh: 合成国\n  level: country\n  parent:\n  division_code:\n"]
    for r in range(regions_for(n)):
        regions.append(f"- id: r{r:03d}\n  name: {name(r, 3)}\n  name_zh: 市{r}\n  level: city\n"
                       f"  parent: country\n  division_code:\n")
    (root / "data/regions.yml").write_text("".join(regions), encoding="utf-8")
    indicators = []
    for j in range(INDICATORS):
        indicators.append(f"- id: i{j:03d}\n  name: {name(j, 2)} output\n  description: A synthetic measure.\n"
                          f"  unit: {indicator_unit(j)}\n  category: output\n  better: higher\n")
    (root / "data/indicators.yml").write_text("".join(indicators), encoding="utf-8")

    sources = []
    for a, first in enumerate(range(0, n, PER_FILE)):
        lines, records = [f"A synthetic work report, number {name(a, 3)}."], []
        for i in range(first, min(n, first + PER_FILE)):
            r, j, period, kind = record_key(i)
            unit = indicator_unit(j)
            target = kind == "target"
            words, value = stated_words(i, unit)
            place, what = name(r, 3), f"{name(j, 2).lower()} output"
            verb = "aims for" if target else "reached"
            quote = f"{what} {verb} {words}"
            citations = []
            correction = ""
            if unit == "CNY" and i % 100 == 7:  # the article drops a factor of ten: "1.234 billion" for 12.34
                wrong = value / 10
                words = f"{wrong / 10**9} billion yuan"
                quote = f"{what} {verb} {words}"
                correction = ("        correction:\n          reason: the article drops a factor of ten "
                              "(synthetic)\n          scale: 10\n")
            when = f"in {period}"
            lines.append(f"{place}'s {quote} {when}.")
            citations.append(f"      - line: {len(lines)}\n        quote: {quote}\n        stated: '{words}'\n{correction}")
            if i % 20 == 0 and not correction:
                lines.append(f"As noted, {place}'s {quote} {when}.")
                citations.append(f"      - line: {len(lines)}\n        quote: {quote}\n        stated: '{words}'\n")
            records.append(f"  - region: r{r:03d}\n    indicator: i{j:03d}\n    period: '{period}'\n"
                           f"    kind: {kind}\n    value: {value}\n    citations:\n" + "".join(citations))
        ident = f"synth_{a:04d}"
        seed = f"seeds/{a:04d}_synth.txt"
        text = "\n".join(lines) + "\n"
        (root / seed).write_text(text, encoding="utf-8")
        sources.append(f"- id: {ident}\n  seed: {seed}\n  sha256: {hashlib.sha256(text.encode()).hexdigest()}\n"
                       f"  title: Synthetic report {a}\n  title_is_editorial: true\n  publisher: Synthetic Daily\n"
                       f"  author:\n  published: '2025-03-01'\n  published_basis:\n  url:\n")
        (root / f"data/facts/{a:04d}_synth.yml").write_text(f"source: {ident}\nrecords:\n" + "".join(records),
                                                            encoding="utf-8")
    (root / "data/sources.yml").write_text("".join(sources), encoding="utf-8")


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
