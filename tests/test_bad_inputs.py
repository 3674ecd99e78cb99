"""The corpus of bad contributions (tests/bad_inputs): each is refused with
exactly its expected message, in bounded time and memory, executing nothing,
and the previous database is left byte for byte as it was."""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import REPO, make_mini, sha256
from gdfacts.build import main

CORPUS = REPO / "tests" / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
MEMORY_CAP = 1 << 30  # address space: a build that tried to expand a document would hit it
CPU_SECONDS = 30
PROBLEM_LINE = re.compile(r"^[\w./-]+(:\d+)?: \S")


def lay_over(root: Path, case: Path) -> None:
    contribution = case / "contribution"
    for path in sorted(contribution.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        target = root / path.relative_to(contribution)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()
        if path.is_symlink():
            target.symlink_to(os.readlink(path))
        else:
            shutil.copyfile(path, target)
    removed = case / "removed.txt"
    if removed.exists():
        for rel in removed.read_text(encoding="utf-8").split():
            (root / rel).unlink()


def files_in(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def capped():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run_build(root: Path):
    """build_db.py in its own process, capped; its exit code, output and peak memory (bytes)."""
    out, err = root.parent / "stdout.txt", root.parent / "stderr.txt"
    with open(out, "wb") as o, open(err, "wb") as e:
        process = subprocess.Popen([sys.executable, str(REPO / "build_db.py"), "--root", "."], cwd=root,
                                   stdout=o, stderr=e, preexec_fn=capped)
    watchdog = threading.Timer(2 * CPU_SECONDS, process.kill)  # wall-clock bound, should it ever block
    watchdog.start()
    _, status, usage = os.wait4(process.pid, 0)
    watchdog.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, out.read_text(), err.read_text(encoding="utf-8"), usage.ru_maxrss * 1024


@pytest.mark.parametrize("name", CASES)
def test_a_bad_contribution_is_refused_with_its_message(name, tmp_path, capsys):
    case = CORPUS / name
    root = tmp_path / "repo"
    root.mkdir()
    make_mini(root)
    assert main(["--root", str(root)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    before = sha256(root / "guangdong_facts.db")
    lay_over(root, case)
    present = files_in(root)

    code, out, err, peak = run_build(root)

    assert code == 1, err
    assert out == ""
    assert err == (case / "expected.txt").read_text(encoding="utf-8")
    *problems, summary = err.splitlines()
    assert problems and all(PROBLEM_LINE.match(line) for line in problems)
    assert summary == f"Build failed: {len(problems)} problem(s); guangdong_facts.db was left as it was."
    assert sha256(root / "guangdong_facts.db") == before
    assert files_in(root) == present  # nothing created: no file from a YAML tag, no temporary left
    assert peak < 256 * 2**20


def test_every_case_is_a_complete_contribution():
    for name in CASES:
        case = CORPUS / name
        assert (case / "expected.txt").is_file(), name
        assert (case / "contribution").is_dir() or (case / "removed.txt").is_file(), name


def test_an_oversized_file_is_refused_before_it_is_read(mini, capsys):
    facts = mini.root / "data/facts/000_mini.yml"
    with open(facts, "a", encoding="utf-8") as f:
        f.write("# padding\n" * (1 << 20))  # 10 MiB of comments

    code, _, err = mini.build(capsys)

    assert code == 1
    assert err.splitlines()[0] == "data/facts/000_mini.yml:1: is 10 MiB; an input file may be at most 8 MiB, so split it"
