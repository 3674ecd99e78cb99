"""The rules for the reference lists: data/regions.yml, data/indicators.yml,
and data/sources.yml with the seed of each source."""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import spec
from ..inputs import REFERENCE_FILES, SEED_CHECKSUMS, SEEDS_DIR, lines_of
from ..problems import Message
from ..strict_yaml import NOT_UTF8
from . import NOT_ONE_OF, UNKNOWN_REFERENCE, chain, each, explained, is_one_of, reference_is_known

# Characters that some tools take for the end of a line and others do not: a
# seed holding one would be numbered differently by the build, by
# source_lines and by an editor, so it is refused with its line.
LINE_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


@dataclass
class Listed:
    """One entry of data/regions.yml or data/indicators.yml being checked."""

    entry: spec.Entry
    vocab: dict  # the vocabularies: levels, units, categories, ...
    regions: dict[str, spec.Entry]

    @property
    def path(self) -> str:
        return self.entry["_file"]


@explained(NOT_ONE_OF)
def level_is_known(r: Listed):
    yield from is_one_of("level", r.entry.get("level"), r.vocab["levels"])


@explained(UNKNOWN_REFERENCE)
def parent_is_a_known_region(r: Listed):
    yield from reference_is_known("parent", r.entry.get("parent"), r.regions, "region", ())


@explained(Message("`region 'x' is its own ancestor`", "a region's parents must end at a region without one: fix a `parent`",
                   r"^region '[^']*' is its own ancestor"))
def region_is_not_its_own_ancestor(r: Listed):
    ident = r.entry.get("id")
    seen, current = {ident}, r.entry.get("parent")
    while current in r.regions:
        if current in seen:
            yield "parent", f"region '{ident}' is its own ancestor"
            return
        seen.add(current)
        current = r.regions[current].get("parent")


@explained(NOT_ONE_OF)
def indicator_unit_is_known(r: Listed):
    yield from is_one_of("unit", r.entry.get("unit"), r.vocab["units"])


@explained(NOT_ONE_OF)
def category_is_known(r: Listed):
    yield from is_one_of("category", r.entry.get("category"), r.vocab["categories"])


@explained(NOT_ONE_OF)
def better_is_higher_or_lower(r: Listed):
    yield from is_one_of("better", r.entry.get("better"), ("higher", "lower"))


@dataclass
class Sourcing:
    """One source of data/sources.yml and its seed being checked."""

    entry: spec.Entry
    root: Path
    seeds_used: dict[str, str]  # the seeds of the sources before it: path -> source id
    # found along the way
    rel: str | None = None  # the seed's path, once it is well-formed
    data: bytes = b""  # its bytes, once read
    text: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.entry["_file"]


@explained(Message("`published 'D' is not a date in the calendar`", "fix the date (there is no 2024-02-30)",
                   r"^published '[^']*' is not a date in the calendar"))
def published_is_a_date_in_the_calendar(s: Sourcing):
    published = s.entry.get("published")
    if published is None:
        return
    parts = [int(p) for p in published.split("-")]
    if len(parts) == 3 and parts[2] > calendar.monthrange(parts[0], parts[1])[1]:
        yield "published", f"published '{published}' is not a date in the calendar"


SEED_PATH = Message("`seed '...' must be a file directly in seeds/` / `is a link`", "seeds are plain files in `seeds/`",
                    r"^seed '.*' (must be a file directly in|is a link)")


@explained(SEED_PATH)
def seed_is_a_file_directly_in_seeds(s: Sourcing):
    seed = s.entry.get("seed")
    pure = PurePosixPath(seed)
    if pure.is_absolute() or "\\" in seed or ".." in pure.parts or len(pure.parts) != 2 or pure.parts[0] != SEEDS_DIR:
        yield "seed", f"seed '{seed}' must be a file directly in {SEEDS_DIR}/, such as {SEEDS_DIR}/000_name.txt"
    else:
        s.rel = str(pure)


@explained(SEED_PATH)
def seed_is_not_a_link(s: Sourcing):
    full = s.root / s.rel
    if full.is_symlink() or (full.exists() and full.resolve().parent != (s.root / SEEDS_DIR).resolve()):
        yield "seed", f"seed '{s.entry.get('seed')}' is a link; seeds must be plain files in {SEEDS_DIR}/"


@explained(Message("`seed ... is already the seed of source 'x'`", "each article is one source: merge the two entries",
                   r"^seed \S+ is already the seed of source '"))
def seed_is_the_seed_of_one_source(s: Sourcing):
    if s.rel in s.seeds_used:
        yield "seed", f"seed {s.rel} is already the seed of source '{s.seeds_used[s.rel]}'"


@explained(Message("`seed ... has SHA-256 ..., not the ... recorded here`",
                   "the article changed: restore it, or review every citation before recording the new checksum",
                   r"^seed \S+ has SHA-256 [0-9a-f]+, not the [0-9a-f]+ recorded here"))
def seed_matches_its_checksum(s: Sourcing):
    digest = hashlib.sha256(s.data).hexdigest()
    recorded = s.entry.get("sha256")
    if recorded is not None and digest != recorded:
        yield "sha256", (f"seed {s.rel} has SHA-256 {digest}, not the {recorded} recorded here: the article has changed. "
                         "Restore it byte for byte, or review every citation of it before recording the new checksum")


@explained(NOT_UTF8)
def seed_is_utf8(s: Sourcing):
    try:
        s.text = s.data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = s.data[: e.start].count(b"\n") + 1
        yield "seed", f"seed {s.rel} is not UTF-8 (line {line})"


@explained(Message("`seed ... line N holds U+2028, which some tools take for the end of a line`",
                   "replace it with a line feed or a space", r"^seed \S+ line \d+ holds U\+[0-9A-F]+, which some tools take"))
def seed_lines_end_only_at_line_feeds(s: Sourcing):
    lines = lines_of(s.text)
    broken = [(n, c) for n, line in enumerate(lines, 1) for c in LINE_BREAKS if c in line]
    if broken:
        n, c = broken[0]
        yield "seed", (f"seed {s.rel} line {n} holds U+{ord(c):04X}, which some tools take for the end of a line; "
                       "replace it with a line feed or a space so that every tool numbers the lines alike")
    else:
        s.lines = lines


@dataclass
class SeedsFolder:
    """The files in seeds/, against the seeds data/sources.yml names."""

    root: Path
    named: set[str]  # every seed as written
    used: dict[str, str]  # every well-formed seed path -> its source


@explained(Message("`seeds/... is in seeds/ but no source lists it as its seed`",
                   "add its source to data/sources.yml, or remove the file", r"is in seeds/ but no source lists it as its seed"))
def every_file_in_seeds_is_a_seed(f: SeedsFolder):
    folder = f.root / SEEDS_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        rel = f"{SEEDS_DIR}/{path.name}"
        if path.name != SEED_CHECKSUMS and rel not in f.used and rel not in f.named:
            yield (REFERENCE_FILES["sources"][0], 1), f"{rel} is in seeds/ but no source lists it as its seed"


REGION_RULES = each("region", level_is_known, parent_is_a_known_region, region_is_not_its_own_ancestor)
INDICATOR_RULES = each("indicator", indicator_unit_is_known, category_is_known, better_is_higher_or_lower)
SOURCE_RULES = each("source", published_is_a_date_in_the_calendar)
# Where the seed is: a path that is not well-formed is not looked at further.
SEED_PATH_RULES = chain("seed path", seed_is_a_file_directly_in_seeds, seed_is_not_a_link, seed_is_the_seed_of_one_source)
# What the seed holds, once read: the article as recorded, and lines every tool numbers alike.
SEED_RULES = chain("seed", seed_matches_its_checksum, seed_is_utf8, seed_lines_end_only_at_line_feeds)
SEEDS_FOLDER_RULES = each("seeds folder", every_file_in_seeds_is_a_seed)
