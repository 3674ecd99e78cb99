"""A rebuild after one fact file changed checks that file again and reads
every other one's check from the cache; what holds across files is then
decided from the keys database kept from the last build (corpus_keys.py),
where the unchanged files' rows are not written again, and from each file's
cached summary. Each case here edits one file of a two-article dataset so
that a problem (or an outcome) involves a record of the other file, which
the rebuild does not check again, and requires it to be found. Each case is
also run with the kept keys database made wrong in the two ways it could
be (the edited file's rows left as they were before the edit; the
unchanged file's rows gone): the case then finds nothing, so it would catch
either."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from conftest import FACTS_FILE
from gdfacts import corpus_keys, dataset
from gdfacts.problems import BuildFailed

OTHER_SEED = "seeds/001_other.txt"
OTHER_FILE = "data/facts/001_other.yml"
ARTICLE = (
    "Guangdong Daily reports on the province's work report.\n"
    "Guangdong's GDP grew 6 percent in 2023 to 3.46 trillion yuan.\n"
    "Another count said Guangdong's GDP grew 7 percent in 2023.\n"
    "Shenzhen's GDP in 2022 was 2 trillion yuan.\n"
    "Shenzhen aimed for trade of about 3.8 trillion yuan in 2023.\n"
)
SOURCE = """
- id: other_source
  seed: {seed}
  sha256: {sha256}
  title: Another small article
  title_is_editorial: true
  publisher: Guangdong Daily
  author:
  published: '2024-01-25'
  published_basis: test fixture
  url:
"""
FACTS = """source: other_source
records:
  - region: guangdong
    indicator: gdp_growth
    period: '2023'
    kind: actual
    value: 6
    citations:
      - line: 2
        quote: GDP grew 6 percent in 2023
        stated: 6 percent
  - region: guangdong
    indicator: gdp
    period: '2023'
    kind: actual
    value: 3.46e12
    citations:
      - line: 2
        quote: to 3.46 trillion yuan
        stated: 3.46 trillion yuan
  - id: other-count
    region: guangdong
    indicator: gdp_growth
    period: '2023'
    kind: actual
    value: 7
    conflicts_with: guangdong-gdp_growth-2023-actual
    note: two counts of the same growth
    citations:
      - line: 3
        quote: GDP grew 7 percent in 2023
        stated: 7 percent
unrecorded:
  - line: 4
    text: 2 trillion yuan
    reason: not recorded yet
  - line: 5
    text: about 3.8 trillion yuan
    reason: not recorded yet
"""
RELATIONS = """relations:
  - id: gdp_growth_levels
    kind: growth
    level: gdp
    growth: gdp_growth
    revision: 0.05
    why: a nominal series
"""
SHENZHEN_2022 = """  - region: shenzhen
    indicator: gdp
    period: '2022'
    kind: actual
    value: 2e12
    citations:
      - line: 4
        quote: Shenzhen's GDP in 2022 was 2 trillion yuan
        stated: 2 trillion yuan
unrecorded:
  - line: 5
"""
SHENZHEN_TARGET = """  - region: shenzhen
    indicator: trade
    period: '2023'
    kind: target
    value: 3.8e12
    qualifier: approximately
    citations:
      - line: 5
        quote: aimed for trade of about 3.8 trillion yuan in 2023
        stated: about 3.8 trillion yuan
unrecorded:
  - line: 4
    text: 2 trillion yuan
    reason: not recorded yet
"""

# Each edit of the other file, and what the rebuild must then find across the two files.
EDITS = {
    "a record repeating one of the unchanged file": (
        ("  - region: guangdong\n    indicator: gdp_growth\n", "  - region: shenzhen\n    indicator: gdp_growth\n"),
        f"repeats record shenzhen-gdp_growth-2023-actual ({FACTS_FILE}:"),
    "a record conflicting with one of the unchanged file": (
        ("  - id: other-count\n    region: guangdong\n", "  - id: other-count\n    region: shenzhen\n"),
        f"conflicts with record shenzhen-gdp_growth-2023-actual ({FACTS_FILE}:"),
    "an id the unchanged file uses": (
        ("  - id: other-count\n", "  - id: shenzhen-gdp-2023-actual\n"),
        f"id 'shenzhen-gdp-2023-actual' is used twice (first at {FACTS_FILE}:"),
    "a relation's member beside the unchanged file's": (
        ("unrecorded:\n  - line: 4\n    text: 2 trillion yuan\n    reason: not recorded yet\n  - line: 5\n", SHENZHEN_2022),
        "relation gdp_growth_levels does not hold for shenzhen 2023"),
    "a target that the unchanged file's actual decides": (
        ("unrecorded:\n  - line: 4\n    text: 2 trillion yuan\n    reason: not recorded yet\n", SHENZHEN_TARGET),
        ("shenzhen-trade-2023-target", "shenzhen-trade-2023-actual", "met")),  # trade: in no relation
}


@pytest.fixture
def two_articles(mini):
    """The mini dataset with a second article and its fact file, checked once (so that both are cached)."""
    mini.write(OTHER_SEED, ARTICLE)
    digest = hashlib.sha256(ARTICLE.encode()).hexdigest()
    mini.write("data/sources.yml", mini.read("data/sources.yml") + SOURCE.format(seed=OTHER_SEED, sha256=digest))
    mini.write(OTHER_FILE, FACTS)
    mini.write("data/relations.yml", RELATIONS)
    dataset.load(mini.root).close()
    return mini


def found_after(mini, edit: tuple[str, str]):
    """The problems (or, when none, the target statuses) of a rebuild after the edit of the other file."""
    mini.edit(OTHER_FILE, *edit)
    try:
        with dataset.load(mini.root) as data:
            return [(s.target_id, s.outcome_id, s.decision) for s in data.statuses]
    except BuildFailed as failed:
        return [p.message for p in failed.problems]


def kept_keys_made_wrong(monkeypatch, how: str) -> None:
    """The kept keys database as a wrong implementation would leave it."""
    real = corpus_keys.Keys.holds

    def stale(self, file, content_key):  # any content trusted: the edited file's rows stay as they were
        if self.kept and file == OTHER_FILE and file in self.held:
            self.current.add(file)
            return True
        return real(self, file, content_key)

    def missing(self, file, content_key):  # the unchanged file's rows gone, the file taken as held
        held = real(self, file, content_key)
        if held and file == FACTS_FILE:
            self.db.execute("DELETE FROM records WHERE file = ?", (file,))
        return held

    monkeypatch.setattr(corpus_keys.Keys, "holds", {"stale": stale, "missing": missing}[how])


@pytest.mark.parametrize("case", EDITS)
def test_a_rebuild_finds_across_files_what_involves_an_unchanged_file(two_articles, monkeypatch, case):
    edit, expected = EDITS[case]
    checked = []
    real = dataset._check_file
    monkeypatch.setattr(dataset, "_check_file", lambda job: checked.append(job[0]) or real(job))
    kept = []
    real_init = corpus_keys.Keys.__init__

    def noted(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        kept.append(self.kept and bool(self.held))

    monkeypatch.setattr(corpus_keys.Keys, "__init__", noted)
    found = found_after(two_articles, edit)
    assert checked == [OTHER_FILE] and kept == [True]  # the other file checked again; the unchanged one read, its keys kept
    if isinstance(expected, str):
        assert any(message.startswith(expected) for message in found), found
    else:
        assert expected in found
    monkeypatch.setenv("GDFACTS_CACHE", "off")  # and a build from nothing finds the same
    assert found_after(two_articles, ("\n", "\n")) == found


@pytest.mark.parametrize("how", ["stale", "missing"])
@pytest.mark.parametrize("case", EDITS)
def test_each_case_fails_were_the_kept_keys_wrong(two_articles, monkeypatch, case, how):
    edit, expected = EDITS[case]
    kept_keys_made_wrong(monkeypatch, how)
    found = found_after(two_articles, edit)
    if isinstance(expected, str):
        assert not any(message.startswith(expected) for message in found), found
    else:
        assert expected not in found


def test_the_dataset_checks_as_it_is_before_any_edit(two_articles):
    """The cases start from a dataset that builds, where the other file's records stand on their own."""
    with dataset.load(two_articles.root) as data:
        assert [f.rel for f in data.files] == [FACTS_FILE, OTHER_FILE]
        assert [(s.target_id, s.decision) for s in data.statuses] == []


def kept_or_not(monkeypatch) -> list[bool]:
    """Whether each keys database opened from now on is the kept one."""
    kept = []
    real_init = corpus_keys.Keys.__init__

    def noted(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        kept.append(self.kept)

    monkeypatch.setattr(corpus_keys.Keys, "__init__", noted)
    return kept


def test_a_build_that_cannot_lock_the_kept_keys_checks_with_a_temporary_table(two_articles, monkeypatch):
    """Another build of the same root holds the kept database: this one reads every file's records instead."""
    path = corpus_keys.Keys.kept_at(Path(os.environ["GDFACTS_CACHE"]), two_articles.root)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    kept = kept_or_not(monkeypatch)
    try:
        edit, expected = EDITS["a record conflicting with one of the unchanged file"]
        found = found_after(two_articles, edit)
    finally:
        other.close()
    assert kept == [False] and any(message.startswith(expected) for message in found), found


def test_a_kept_keys_database_that_cannot_be_written_mid_check_is_checked_again_without_it(two_articles, monkeypatch):
    """Its disk fills while the rows of the edited file go in (SQLite says so as it writes them): the check
    starts again with a temporary database, and finds across files what it would have found."""
    real_connect = sqlite3.connect

    class Full(sqlite3.Connection):
        def executemany(self, sql, rows):
            raise sqlite3.OperationalError("database or disk is full")

    def connect(path, *args, **kwargs):
        return real_connect(path, *args, factory=Full, **kwargs) if path != "" else real_connect(path, *args, **kwargs)

    monkeypatch.setattr(corpus_keys.sqlite3, "connect", connect)
    kept = kept_or_not(monkeypatch)
    edit, expected = EDITS["a record conflicting with one of the unchanged file"]

    found = found_after(two_articles, edit)

    assert kept == [True, False] and any(message.startswith(expected) for message in found), found
    monkeypatch.undo()
    assert found_after(two_articles, ("\n", "\n")) == found  # and the kept database, written at last, agrees


@pytest.mark.parametrize("damage", ["not a database", "cut short"])
def test_a_damaged_kept_keys_database_is_made_afresh(two_articles, monkeypatch, damage):
    """Random bytes in its place, or its pages cut short: the build removes it and keeps a new one, which the
    next build uses, and what holds across files is found as before."""
    path = corpus_keys.Keys.kept_at(Path(os.environ["GDFACTS_CACHE"]), two_articles.root)
    data = path.read_bytes()
    path.write_bytes(os.urandom(len(data)) if damage == "not a database" else data[:4096] + os.urandom(4096))
    kept = kept_or_not(monkeypatch)
    edit, expected = EDITS["a record conflicting with one of the unchanged file"]

    found = found_after(two_articles, edit)
    again = found_after(two_articles, ("\n", "\n"))

    assert kept == [True, True], kept
    assert any(message.startswith(expected) for message in found) and again == found, found
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_kept_keys_database_found_damaged_while_read_is_checked_again_without_it_and_made_afresh(
        two_articles, monkeypatch):
    """It opens, but its pages turn out malformed as a question is answered: the check starts again with a
    temporary database and finds across files what it would have found; the damaged file is removed, and
    the next build keeps a new one."""
    real_connect = sqlite3.connect

    class Malformed:  # the rows of records, as a damaged page gives them
        def fetchmany(self, size=1):
            raise sqlite3.DatabaseError("database disk image is malformed")

        fetchone = fetchall = fetchmany

        def __iter__(self):
            self.fetchmany()

    class Damaged(sqlite3.Connection):
        def execute(self, sql, *args):
            cursor = super().execute(sql, *args)
            return Malformed() if sql.lstrip().upper().startswith("SELECT") and "FROM records" in sql else cursor

    def connect(path, *args, **kwargs):
        return real_connect(path, *args, factory=Damaged, **kwargs) if path != "" else real_connect(path, *args, **kwargs)

    path = corpus_keys.Keys.kept_at(Path(os.environ["GDFACTS_CACHE"]), two_articles.root)
    monkeypatch.setattr(corpus_keys.sqlite3, "connect", connect)
    kept = kept_or_not(monkeypatch)
    edit, expected = EDITS["a record conflicting with one of the unchanged file"]

    found = found_after(two_articles, edit)

    assert kept == [True, False] and any(message.startswith(expected) for message in found), found
    assert not path.exists()
    monkeypatch.undo()
    kept = kept_or_not(monkeypatch)
    assert found_after(two_articles, ("\n", "\n")) == found and kept == [True] and path.exists()
