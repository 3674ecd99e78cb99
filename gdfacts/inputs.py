"""Reading the build's input files: every byte the build reads is read here.

Each function returns what it read together with the problems that stop it
(a file missing, a link, too large; YAML that is not well-formed or keys that
do not fit their spec; a schema that does not run), so that a file that
cannot be read is reported once, at the file, and what depends on it is left
unchecked rather than reported again. `Inputs` records the SHA-256 of every
file it reads: the build_inputs table, and the key of the fact-file cache.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from . import dictionary, lexicon, periods, spec, strict_yaml
from .problems import USED_TWICE, Message, Problem

DATA_DIR = "data"
FACTS_DIR = "data/facts"
SEEDS_DIR = "seeds"
SCHEMA_FILE = "schema.sql"
METADATA_FILE = "metadata.yml"  # the descriptions of every table and column
CITATION_FILE = "CITATION.cff"  # the dataset's version, release date and licence
REFERENCE_FILES = {
    "sources": ("data/sources.yml", spec.SOURCE),
    "regions": ("data/regions.yml", spec.REGION),
    "indicators": ("data/indicators.yml", spec.INDICATOR),
}
SEED_CHECKSUMS = "SHA256SUMS"
LEXICON_FILES = (lexicon.LEXICON_FILE, lexicon.UNITS_FILE)
MAX_INPUT_BYTES = 8 * 2**20  # the largest curated file is a few hundred KiB

MESSAGES = (
    Message("`is a link` / `is N MiB; an input file may be at most 8 MiB`",
            "data files are plain files in the repository; split a huge one",
            r"is a link; input files must be plain files|MiB; an input file may be at most"),
    Message("`is missing` / `cannot be read: ...`", "restore the file, or make it readable",
            r"(^|\s)is missing$|cannot be read: "),
    Message("`is not read: fact files are named *.yml`", "rename the file", r"^is not read: fact files are named"),
    Message("`holds no fact files (*.yml)`", "add a fact file for each source (see Adding an article)",
            r"^holds no fact files"),
    Message("`does not run in SQLite: ...`", "`schema.sql` is the project's own: restore it, or fix the SQL",
            r"^does not run in SQLite: "),
    USED_TWICE,
    Message("`date-released 'D' is not a day of the calendar` / `must be a mapping of keys to values (the Citation File Format)`",
            "CITATION.cff gives the version and its release date: fix it (see How to cite)",
            r"^date-released '[^']*' is not a day of the calendar|\(the Citation File Format\)$"),
)


def read_input(root: Path, rel: str) -> tuple[bytes | None, str | None]:
    """The bytes of an input file, or why it cannot be read."""
    path = root / rel
    try:
        if path.is_symlink():
            return None, "is a link; input files must be plain files in the repository"
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            return None, f"is {size / 2**20:.0f} MiB; an input file may be at most {MAX_INPUT_BYTES // 2**20} MiB, so split it"
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, "is missing"
    except OSError as e:
        return None, f"cannot be read: {e.strerror}"


def lines_of(text: str) -> list[str]:
    """A seed's lines, numbered as the build, source_lines and an editor
    number them: split at line feeds, a final one ending the last line."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


class Inputs:
    """The input files under `root`, and the SHA-256 of each one read so far."""

    def __init__(self, root: Path):
        self.root = root
        self.digests: dict[str, str] = {}

    def read(self, rel: str, at: tuple[str, int] | None = None) -> tuple[bytes | None, list[Problem]]:
        """The bytes of an input file; or None, with why it cannot be read: at
        the file itself, or at `at` (path, line) after the file's name."""
        data, why = read_input(self.root, rel)
        if why is not None:
            return None, [Problem(rel, 1, why) if at is None else Problem(at[0], at[1], f"{rel} {why}")]
        self.digests[rel] = hashlib.sha256(data).hexdigest()
        return data, []

    def yaml(self, rel: str) -> tuple[strict_yaml.Node | None, list[Problem]]:
        """The file's YAML tree; it could not be read when there are problems."""
        data, problems = self.read(rel)
        if data is None:
            return None, problems
        return strict_yaml.load(data, rel)

    def lexicon(self) -> tuple[lexicon.Lexicon | None, list[Problem]]:
        data, problems = {}, []
        for rel in LEXICON_FILES:
            data[rel], why = self.read(rel)
            problems += why
        if problems:
            return None, problems
        return lexicon.load(data)

    def schema(self) -> tuple[tuple[str, dict[str, dict[str, str]]] | None, list[Problem]]:
        """schema.sql and the vocabularies it defines (kinds, qualifiers, categories, levels)."""
        data, problems = self.read(SCHEMA_FILE)
        if data is None:
            return None, problems
        schema_sql = data.decode("utf-8")
        db = sqlite3.connect(":memory:")
        try:
            db.executescript(schema_sql)
            vocab = {
                "kinds": dict(db.execute("select id, record from kinds")),
                "qualifiers": dict(db.execute("select id, id from qualifiers")),
                "categories": dict(db.execute("select id, id from categories")),
                "levels": dict(db.execute("select id, id from region_levels")),
            }
        except sqlite3.Error as e:
            return None, [Problem(SCHEMA_FILE, 1, f"does not run in SQLite: {e}")]
        finally:
            db.close()
        return (schema_sql, vocab), []

    def reference(self, name: str) -> tuple[dict[str, spec.Entry] | None, list[Problem]]:
        """A reference list (sources, regions, indicators) by id; None when
        the file cannot be read, so that nothing is reported against it."""
        rel, item = REFERENCE_FILES[name]
        node, problems = self.yaml(rel)
        if problems:
            return None, problems
        entries, problems = spec.read_list(node, item, rel, name)
        by_id: dict[str, spec.Entry] = {}
        for entry in entries:
            entry.values["_file"] = rel
            ident = entry.get("id")
            if ident is None:
                continue
            if ident in by_id:
                problems.append(Problem(rel, entry.line_of("id"), f"id '{ident}' is used twice (first on line {by_id[ident].line_of('id')})"))
                continue
            by_id[ident] = entry
        return by_id, problems

    def release(self) -> tuple[dict, list[Problem]]:
        """The dataset's version, release date and licence, as CITATION.cff states them."""
        node, problems = self.yaml(CITATION_FILE)
        if problems:
            return {}, problems
        if not isinstance(node, strict_yaml.Mapping):
            return {}, [Problem(CITATION_FILE, getattr(node, "line", 1),
                                "must be a mapping of keys to values (the Citation File Format)")]
        read = [key for key in node.items if key in spec.RELEASE]  # the Citation File Format says what the others are
        entry, problems = spec.read_map(strict_yaml.Mapping({k: node.items[k] for k in read}, node.line,
                                                            {k: node.key_lines[k] for k in read}),
                                        spec.RELEASE, CITATION_FILE, "citation")
        if entry is None or problems:
            return {}, problems
        if periods.problem(entry["date-released"]) is not None:  # the periods' own calendar rule
            return {}, [Problem(CITATION_FILE, entry.line_of("date-released"),
                                f"date-released '{entry['date-released']}' is not a day of the calendar")]
        return dict(entry.values), []

    def dictionary(self, schema_sql: str) -> tuple[list[tuple], list[Problem]]:
        """The rows of data_dictionary: every table and column of the schema with its description from metadata.yml."""
        data, problems = self.read(METADATA_FILE)
        if data is None:
            return [], problems
        return dictionary.rows(data, METADATA_FILE, schema_sql)

    def fact_files(self) -> tuple[list[str], list[Problem]]:
        """The fact files (data/facts/*.yml, in path order), and a problem for
        every other file there, which is not read."""
        folder = self.root / FACTS_DIR
        entries = sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
        if not entries:
            return [], [Problem(FACTS_DIR, 1, "holds no fact files (*.yml)")]
        problems = [Problem(f"{FACTS_DIR}/{p.name}", 1, f"is not read: fact files are named *.yml; rename it to {p.stem}.yml")
                    for p in entries if p.suffix != ".yml"]
        return [f"{FACTS_DIR}/{p.name}" for p in entries if p.suffix == ".yml"], problems

    def seed_checksums(self) -> list[Problem]:
        """seeds/SHA256SUMS, where there is one: read only to be recorded among the inputs."""
        folder = self.root / SEEDS_DIR
        if not any(p.name == SEED_CHECKSUMS for p in folder.glob("*")):
            return []
        return self.read(f"{SEEDS_DIR}/{SEED_CHECKSUMS}")[1]
