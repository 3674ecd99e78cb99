"""Rebuilds check again only what changed (a cache keyed by content) and write
only what changed (a record of the previous build: nothing when nothing
changed, the rows of the fact files that changed when only fact files did),
and the result is byte for byte that of a clean build, whatever kind of input
changed."""

from __future__ import annotations

import os
import pickle
import re
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

import gdfacts.build
import gdfacts.cache
from conftest import FACTS_FILE, REPO, Mini, sha256
from gdfacts import build_state, dataset, numbering, publication
from gdfacts.build import PATCHED, UNCHANGED, WHOLE, main


def clean_build(mini, capsys, monkeypatch) -> str:
    """The same inputs built with no cache, into another file: its SHA-256."""
    with monkeypatch.context() as m:
        m.setenv("GDFACTS_CACHE", "off")
        code = main(["--root", str(mini.root), "-o", str(mini.root / "clean" / "guangdong_facts.db")])
    assert code == 0, capsys.readouterr().err
    return sha256(mini.root / "clean" / "guangdong_facts.db")


def counting_checks(monkeypatch) -> list[str]:
    checked: list[str] = []
    real = dataset._check_file

    def counted(job):
        checked.append(job[0])
        return real(job)

    monkeypatch.setattr(dataset, "_check_file", counted)
    return checked


# -- the check cache, on the small dataset -------------------------------------------

CHANGES = {
    "a fact file": lambda m: m.edit(FACTS_FILE, "  - region: shenzhen\n    indicator: gdp\n",
                                     "  - region: shenzhen\n    indicator: gdp\n    note: an edit\n"),
    "a seed": lambda m: (m.edit("seeds/000_mini.txt", "reports on", "reports briefly on"), m.reseal()),
    "a reference list": lambda m: m.edit("data/regions.yml", "name: Shenzhen", "name: Shenzhen City"),
    "the schema": lambda m: m.write("schema.sql", m.read("schema.sql").replace(
        "PRAGMA foreign_keys = ON;", "PRAGMA foreign_keys = ON;\n-- an edit\n", 1)),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_after_a_change_the_rebuild_equals_a_clean_build(change, built_mini, capsys, monkeypatch):
    before = sha256(built_mini.db)
    CHANGES[change](built_mini)
    checked = counting_checks(monkeypatch)

    code, _, err = built_mini.build(capsys)

    assert code == 0, err
    assert checked == [FACTS_FILE]  # each of these changes is one the fact file's check depends on
    assert sha256(built_mini.db) != before
    assert sha256(built_mini.db) == clean_build(built_mini, capsys, monkeypatch)


def test_an_unchanged_fact_file_is_not_checked_again(built_mini, capsys, monkeypatch):
    (built_mini.root / "data/facts/001_other.yml").write_text("source: nowhere\n", encoding="utf-8")
    checked = counting_checks(monkeypatch)

    code, _, err = built_mini.build(capsys)

    assert code == 1
    assert checked == ["data/facts/001_other.yml"]
    assert "data/facts/001_other.yml:1: no source 'nowhere'" in err


def test_a_damaged_cache_entry_is_checked_again(built_mini, capsys, monkeypatch, check_cache):
    built_mini.edit(FACTS_FILE, "quote: to 3.46 trillion yuan", "quote: 3.46 trillion yuan")  # so that it is read
    for entry in check_cache.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    checked = counting_checks(monkeypatch)

    code, _, err = built_mini.build(capsys)

    assert code == 0, err
    assert checked == [FACTS_FILE]
    assert sha256(built_mini.db) == clean_build(built_mini, capsys, monkeypatch)


def test_an_entry_whose_records_are_damaged_fails_one_build_and_not_the_next(built_mini, capsys, monkeypatch, tmp_path):
    """An entry's summary reads, its records do not (cut short, as a crash or a full disk can leave a file):
    the build that needs them fails and says to build again; built again, the file is checked again."""
    monkeypatch.setenv("GDFACTS_CACHE", str(tmp_path / "cache"))  # a cache of its own: one entry, this file's
    assert built_mini.build(capsys, "--whole")[0] == 0
    [entry] = (tmp_path / "cache").glob("??/*")
    data = entry.read_bytes()
    with open(entry, "rb") as f:
        pickle.load(f)  # the summary
        entry.write_bytes(data[:f.tell() + 10])
    before = sha256(built_mini.db)

    code, _, err = built_mini.build(capsys, "--whole")  # the writer reads the records of every file

    assert code == 1
    assert f"{FACTS_FILE}: its check left the cache" in err and "build again" in err
    assert sha256(built_mini.db) == before
    checked = counting_checks(monkeypatch)
    code, _, err = built_mini.build(capsys, "--whole")
    assert code == 0, err
    assert checked == [FACTS_FILE]
    assert sha256(built_mini.db) == clean_build(built_mini, capsys, monkeypatch)


def test_an_entry_that_cannot_be_written_leaves_no_file_behind(tmp_path, monkeypatch):
    """A write that fails part way (a full disk, say) only costs the next build time: no entry, and no
    temporary file left in the cache's folder, where nothing else would remove it."""
    class FullDisk:
        def __reduce__(self):
            raise OSError(28, "No space left on device")

    monkeypatch.setenv("GDFACTS_CACHE", str(tmp_path / "cache"))
    key = "ab" + "0" * 62
    assert gdfacts.cache.put(key, ["written first"], FullDisk()) is False
    assert gdfacts.cache.get(key) is None
    assert [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_the_cache_can_be_turned_off(built_mini, capsys, monkeypatch):
    monkeypatch.setenv("GDFACTS_CACHE", "off")
    checked = counting_checks(monkeypatch)

    assert built_mini.build(capsys)[0] == 0
    assert built_mini.build(capsys)[0] == 0
    assert checked == [FACTS_FILE, FACTS_FILE]
    assert os.environ["GDFACTS_CACHE"] == "off"


# -- what is written, on a copy of the real data ----------------------------------------

EDITED = "data/facts/000_shenzhen_report_2024.yml"
STATEMENT_FILE = "data/facts/002_scmp_shenzhen_report_2025.yml"
RENAMED = ("data/facts/004_chinadaily_guangdong_report_2025.yml", "data/facts/005_chinadaily_guangdong_report_2025.yml")
ARTICLE = ("chinadaily_guangdong_report_2025", "seeds/004_8f005e191d5a6f7f.txt", RENAMED[0])


@pytest.fixture
def real(tmp_path) -> Mini:
    """A copy of the real dataset (every table has rows), built."""
    for name in ("data", "seeds"):
        shutil.copytree(REPO / name, tmp_path / name)
    for shared in ("schema.sql", "metadata.yml", "CITATION.cff"):
        shutil.copy(REPO / shared, tmp_path / shared)
    assert gdfacts.build.build(tmp_path)["written"] == WHOLE
    return Mini(tmp_path)


def rows_of(db, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def reseal(m: Mini, seed: str, old: str) -> None:
    """Record a changed seed's SHA-256 where the old one was (sources.yml and SHA256SUMS)."""
    new = sha256(m.root / seed)
    for rel in ("data/sources.yml", "seeds/SHA256SUMS"):
        m.edit(rel, old, new)


def without_article(m: Mini) -> None:
    """The article ARTICLE taken out: its fact file, seed, checksum and entry in sources.yml."""
    ident, seed, facts = ARTICLE
    (m.root / facts).unlink()
    (m.root / seed).unlink()
    m.write("seeds/SHA256SUMS", "".join(line for line in m.read("seeds/SHA256SUMS").splitlines(keepends=True)
                                        if not line.endswith(os.path.basename(seed) + "\n")))
    sources = m.read("data/sources.yml")
    start = sources.index(f"- id: {ident}\n")
    end = sources.find("\n- id: ", start)
    m.write("data/sources.yml", sources[:start] + (sources[end + 1:] if end >= 0 else ""))


def with_article(m: Mini) -> None:
    ident, seed, facts = ARTICLE
    for rel in (facts, seed, "seeds/SHA256SUMS", "data/sources.yml"):
        shutil.copy(REPO / rel, m.root / rel)


def fewer_periods(m: Mini) -> None:
    """An outcome statement that speaks for two years instead of three: statements and statuses change."""
    m.edit(STATEMENT_FILE, "periods: ['2022', '2023', '2024']", "periods: ['2023', '2024']")


def record_in_a_check_unrecorded(m: Mini) -> str:
    """A record that a relation's check involves taken out of its fact file, its numbers listed as unrecorded."""
    ident, rel, line = rows_of(m.db, "SELECT f.id, f.data_file, f.data_line FROM facts f JOIN check_records r ON r.fact_id = f.id"
                                     " WHERE (SELECT count(*) FROM citations WHERE fact_id = f.id) = 1 ORDER BY f.id LIMIT 1")[0]
    cited, quote = rows_of(m.db, f"SELECT line, quote FROM citations WHERE fact_id = '{ident}'")[0]
    lines = m.read(rel).splitlines(keepends=True)
    end = next(i for i in range(line, len(lines)) if lines[i].startswith(("  - ", "unrecorded:", "outcomes:"))
               or not lines[i].startswith(" "))
    del lines[line - 1:end]
    text = "".join(lines)
    entry = f"  - line: {cited}\n    text: {quote}\n    reason: taken out for a test\n"
    text = text.replace("unrecorded:\n", "unrecorded:\n" + entry, 1) if "unrecorded:\n" in text else text + "unrecorded:\n" + entry
    m.write(rel, text)
    return rel


def seed_changed(m: Mini) -> None:
    seed = ARTICLE[1]
    old = sha256(m.root / seed)
    m.write(seed, (m.root / seed).read_bytes() + b"A closing line with no numbers.\n")
    reseal(m, seed, old)


KINDS = {
    "a fact file edited": (lambda m: m.edit(EDITED, "      for them.\n", "      for them (an edit).\n"), PATCHED),
    "an outcome statement edited": (fewer_periods, PATCHED),
    "a record taken out of its fact file": (record_in_a_check_unrecorded, PATCHED),
    "a fact file renamed": (lambda m: os.rename(m.root / RENAMED[0], m.root / RENAMED[1]), PATCHED),
    "two fact files edited": (lambda m: (fewer_periods(m), m.edit(RENAMED[0], "\nrecords:\n", "\n# an edit\nrecords:\n")),
                              PATCHED),
    "an article removed": (without_article, WHOLE),
    "a seed": (seed_changed, WHOLE),
    "a reference list": (lambda m: m.edit("data/regions.yml", "name: Shenzhen\n", "name: Shenzhen City\n"), WHOLE),
    "the schema": (lambda m: m.edit("schema.sql", "PRAGMA foreign_keys = ON;", "PRAGMA foreign_keys = ON;\n-- an edit\n"),
                   WHOLE),
    "the lexicon": (lambda m: m.write("data/lexicon.yml", m.read("data/lexicon.yml") + "# an edit\n"), WHOLE),
    "metadata.yml": (lambda m: m.write("metadata.yml", m.read("metadata.yml") + "# an edit\n"), WHOLE),
    "CITATION.cff": (lambda m: m.edit("CITATION.cff", 'version: "', 'version: "9'), WHOLE),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_of_change_gives_the_bytes_of_a_clean_build(kind, real, capsys, monkeypatch):
    change, how = KINDS[kind]
    before = sha256(real.db)
    tables = {t: rows_of(real.db, f"SELECT * FROM {t} ORDER BY 1") for t in ("checks", "target_status", "sources")}
    change(real)

    result = gdfacts.build.build(real.root)

    assert result["written"] == how
    assert sha256(real.db) != before
    assert sha256(real.db) == clean_build(real, capsys, monkeypatch)
    assert publication.inspect_file(real.db).read_text() == publication.inspect_text(real.db)
    if kind == "an outcome statement edited":  # the tables every fact file decides are written again
        assert rows_of(real.db, "SELECT * FROM target_status ORDER BY 1") != tables["target_status"]
    if kind == "a record taken out of its fact file":
        assert rows_of(real.db, "SELECT * FROM checks ORDER BY 1") != tables["checks"]
    if kind == "a fact file renamed":  # the source's own fact file, in a table patched in place
        assert rows_of(real.db, "SELECT * FROM sources ORDER BY 1") != tables["sources"]


def test_an_article_added_back_gives_the_bytes_of_a_clean_build(real, capsys, monkeypatch):
    without_article(real)
    assert gdfacts.build.build(real.root)["written"] == WHOLE
    with_article(real)

    assert gdfacts.build.build(real.root)["written"] == WHOLE
    assert sha256(real.db) == clean_build(real, capsys, monkeypatch)


def test_patches_in_a_row_give_the_bytes_of_a_clean_build(real, capsys, monkeypatch):
    """Each patch starts from the one before: the database stays that of a clean build."""
    rel = RENAMED[0]
    for n in range(3):
        real.edit(rel, "\nrecords:\n", f"\n# edit {n}\nrecords:\n")
        assert gdfacts.build.build(real.root)["written"] == PATCHED
    assert sha256(real.db) == clean_build(real, capsys, monkeypatch)


# -- nothing changed ------------------------------------------------------------------

def status(path) -> tuple:
    s = os.stat(path)
    return s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns


def test_when_nothing_changed_nothing_is_written(real, capsys):
    files = (real.db, publication.inspect_file(real.db))
    before = [(status(p), sha256(p)) for p in files]

    code, out, err = real.build(capsys)

    assert code == 0, err
    assert re.fullmatch(rf"Up to date: {re.escape(str(real.db))} holds \d+ facts, \d+ targets, \d+ citations from "
                        r"\d+ sources, built from the same inputs; nothing was written.\n", out), out
    assert [(status(p), sha256(p)) for p in files] == before


def test_when_nothing_changed_the_checks_are_not_even_imported(real):
    """The comparison alone: Python, the record and a status or hash per file."""
    script = ("import sys; from gdfacts.build import main; main(['--root', sys.argv[1]]);"
              " print(' '.join(sorted(m for m in ('gdfacts.dataset', 'gdfacts.rows', 'yaml') if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", script, str(real.root)], capture_output=True, text=True, check=True)

    assert result.stdout.startswith("Up to date: ")
    assert result.stdout.splitlines()[-1] == ""  # none of them


def test_a_file_touched_but_not_changed_is_hashed_again_and_nothing_is_written(real, monkeypatch):
    before = status(real.db)
    os.utime(real.root / RENAMED[0])

    assert gdfacts.build.build(real.root)["written"] == UNCHANGED
    assert status(real.db) == before


def test_a_file_changed_with_its_size_and_mtime_kept_is_seen(real, capsys, monkeypatch):
    """Statuses are trusted, the margin set to nothing, yet an edit that keeps
    the size and puts back the mtime (as some editors and `touch -r` do)
    changes the ctime, which no one can set."""
    monkeypatch.setattr(build_state, "MARGIN_NS", 0)
    path = real.root / RENAMED[0]
    real.write(RENAMED[0], "# edit a\n" + real.read(RENAMED[0]))
    assert gdfacts.build.build(real.root)["written"] == PATCHED
    hashed = []
    real_sha256_of = build_state.sha256_of
    monkeypatch.setattr(build_state, "sha256_of", lambda p: hashed.append(p) or real_sha256_of(p))
    assert gdfacts.build.build(real.root)["written"] == UNCHANGED  # the database hashed again, the inputs trusted
    assert hashed == [real.db, publication.inspect_file(real.db)]
    hashed.clear()
    assert gdfacts.build.build(real.root)["written"] == UNCHANGED
    assert hashed == []  # every status trusted: no file read
    kept = os.stat(path)
    time.sleep(0.05)  # past a tick of the file system's clock
    real.edit(RENAMED[0], "# edit a\n", "# edit b\n")
    os.utime(path, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    assert (os.stat(path).st_size, os.stat(path).st_mtime_ns) == (kept.st_size, kept.st_mtime_ns)

    result = gdfacts.build.build(real.root)

    assert path in hashed
    assert result["written"] == PATCHED and result["changed"] == [RENAMED[0]]
    assert sha256(real.db) == clean_build(real, capsys, monkeypatch)


def test_a_fact_file_added_to_a_linked_facts_folder_is_seen(built_mini, capsys, tmp_path):
    """data/facts a link to a folder elsewhere (the build reads through it): a file added there is read by the
    next build, as it would be by a check, and not taken for nothing changed."""
    elsewhere = tmp_path / "elsewhere"
    shutil.move(built_mini.root / "data/facts", elsewhere)
    os.symlink(elsewhere, built_mini.root / "data/facts")
    assert built_mini.build(capsys)[0] == 0
    shutil.copy(elsewhere / "000_mini.yml", elsewhere / "001_again.yml")  # a second fact file for the same source

    code, out, err = built_mini.build(capsys)

    assert code == 1, out
    assert "data/facts/001_again.yml:1: source 'mini_source' already has its fact file, data/facts/000_mini.yml" in err


def test_a_link_in_data_that_loops_is_listed_once(built_mini, capsys):
    os.symlink("..", built_mini.root / "data/facts/loop")
    names = build_state.listing(built_mini.root)["data"]
    assert "data/facts/loop" in names and not any(name.startswith("data/facts/loop/") for name in names)


@pytest.mark.parametrize("damage", ["not JSON", "[1, 2]", '{"format": 1, "database": "elsewhere"}'])
def test_a_damaged_record_of_the_previous_build_is_not_used(damage, real, capsys, monkeypatch):
    build_state._record_path(real.db).write_text(damage)
    real.edit(RENAMED[0], "\nrecords:\n", "\n# an edit\nrecords:\n")

    assert gdfacts.build.build(real.root)["written"] == WHOLE
    assert sha256(real.db) == clean_build(real, capsys, monkeypatch)


def test_a_database_changed_after_its_build_is_written_whole_again(real, capsys, monkeypatch):
    clean = clean_build(real, capsys, monkeypatch)
    os.chmod(real.db, 0o644)
    conn = sqlite3.connect(real.db)
    conn.execute("UPDATE facts SET value = value + 1 WHERE rowid = (SELECT min(rowid) FROM facts)")
    conn.commit()
    conn.close()
    os.chmod(real.db, 0o444)
    assert sha256(real.db) != clean

    assert gdfacts.build.build(real.root)["written"] == WHOLE  # the copy is not the database recorded
    assert sha256(real.db) == clean


def test_a_database_removed_after_its_build_is_written_whole_again(real, capsys, monkeypatch):
    clean = clean_build(real, capsys, monkeypatch)
    real.db.unlink()

    assert gdfacts.build.build(real.root)["written"] == WHOLE
    assert sha256(real.db) == clean


def test_whole_writes_the_database_whole_whatever_changed(real, capsys):
    before = sha256(real.db)

    code, out, err = real.build(capsys, "--whole", "--timings")

    assert code == 0, err
    assert "integrity and foreign-key checks passed" in out
    assert sha256(real.db) == before
    assert re.search(r"^ +\d+\.\d{3} s +\d+ MiB peak  compact \(VACUUM INTO\)$", err, re.M), err  # the steps it took


def test_a_missing_inspect_file_is_written_again(real, capsys, monkeypatch):
    inspect = publication.inspect_file(real.db)
    text = inspect.read_text()
    inspect.unlink()

    assert gdfacts.build.build(real.root)["written"] == PATCHED  # from the database in place, no fact file changed
    assert inspect.read_text() == text


# -- the numbers, and what the writer refuses ------------------------------------------

def test_records_and_citations_are_numbered_in_their_fact_files_span_in_written_order(real):
    for table, key in (("facts", "fact_id"), ("targets", "target_id")):
        numbered = rows_of(real.db, f"SELECT rowid, data_file, data_line FROM {table} ORDER BY rowid")
        assert numbered and all(numbering.span(rel)[0] < rowid <= numbering.span(rel)[1] for rowid, rel, _ in numbered)
        for rel in {rel for _, rel, _ in numbered}:
            lines = [line for _, r, line in numbered if r == rel]
            assert lines == sorted(lines)  # in the file's order
        cited = rows_of(real.db, f"SELECT c.id, r.data_file FROM citations c JOIN {table} r ON r.id = c.{key}")
        assert cited and all(numbering.span(rel)[0] < ident <= numbering.span(rel)[1] for ident, rel in cited)
    twice = rows_of(real.db, "SELECT fact_id, group_concat(line) FROM (SELECT * FROM citations ORDER BY id)"
                             " WHERE fact_id IS NOT NULL GROUP BY fact_id HAVING count(*) > 1")
    assert twice  # a record cited twice: its citations' ids follow its fact file's order
    for ident, lines in twice:
        data_file, data_line = rows_of(real.db, f"SELECT data_file, data_line FROM facts WHERE id = '{ident}'")[0]
        after = real.read(data_file).splitlines()[data_line:]
        end = next((i for i, line in enumerate(after) if line.startswith("  - ")), len(after))
        written = [int(m) for m in re.findall(r"^      - line: (\d+)$", "\n".join(after[:end]), re.M)]
        assert written == [int(n) for n in lines.split(",")]


def test_a_change_to_one_fact_file_renumbers_no_other(real):
    def numbers() -> dict:
        """(kind, what) -> (number, fact file) of every record and citation."""
        return {row[:2]: row[2:] for row in rows_of(real.db, """
            SELECT 'record', id, rowid, data_file FROM facts UNION ALL SELECT 'record', id, rowid, data_file FROM targets
            UNION ALL SELECT 'citation', coalesce(c.fact_id, c.target_id) || ':' || c.line || ':' || c.quote, c.id,
                             coalesce(f.data_file, t.data_file)
            FROM citations c LEFT JOIN facts f ON f.id = c.fact_id LEFT JOIN targets t ON t.id = c.target_id""")}

    before = numbers()
    edited = record_in_a_check_unrecorded(real)
    assert gdfacts.build.build(real.root)["written"] == PATCHED
    after = numbers()

    others = {key: number for key, number in before.items() if number[1] != edited}
    assert others and all(after[key] == number for key, number in others.items())
    assert any(after.get(key) != number for key, number in before.items() if number[1] == edited)


@pytest.mark.parametrize("cache", ["off", "on"])
def test_two_fact_files_with_the_same_number_are_refused(cache, real, capsys, monkeypatch):
    before = sha256(real.db)
    real.edit(RENAMED[0], "\nrecords:\n", "\n# an edit\nrecords:\n")
    if cache == "off":
        monkeypatch.setenv("GDFACTS_CACHE", "off")
    monkeypatch.setattr(numbering, "file_number", lambda rel: 7)

    code, _, err = real.build(capsys)

    assert code == 1
    assert re.search(r"^data/facts/001_\S+:1: has the same number in the database as data/facts/000_\S+ \(the first bits "
                     r"of the SHA-256 of its path\), which is rare; rename one of the two files$", err, re.M), err
    assert sha256(real.db) == before


@pytest.mark.parametrize("cache", ["off", "on"])
def test_a_value_outside_its_vocabulary_is_refused_by_the_database(cache, real, capsys, monkeypatch):
    """A qualifier no longer has a CHECK list: the foreign key to `qualifiers`
    refuses it, whether the database is written whole (foreign_key_check) or
    patched (foreign keys checked at the commit)."""
    before = sha256(real.db)
    real.edit(RENAMED[0], "\nrecords:\n", "\n# an edit\nrecords:\n")
    if cache == "off":
        monkeypatch.setenv("GDFACTS_CACHE", "off")
    real_records = dataset.FactFile.records
    qualifier = dataset.ROW_COLUMNS.index("qualifier")

    def roughly(self):
        return [(table, row[:qualifier] + ("roughly",) + row[qualifier + 1:], citations)
                for table, row, citations in real_records(self)]

    monkeypatch.setattr(dataset.FactFile, "records", roughly)
    code, _, err = real.build(capsys)

    assert code == 1
    assert "foreign key" in err.lower(), err
    assert "it was left as it was" in err
    assert sha256(real.db) == before


def test_the_writer_reads_each_files_records_from_the_cache(real, monkeypatch):
    """With the cache on the checked dataset holds no records; the writer reads them back a file at a time."""
    with dataset.load(real.root) as data:
        assert data.files and all(f.held is None and f.cache_key for f in data.files)
        assert sum(len(f.records()) for f in data.files) == sum(f.facts + f.targets for f in data.files)
    monkeypatch.setenv("GDFACTS_CACHE", "off")
    with dataset.load(real.root) as data:
        assert all(f.held is not None for f in data.files)
