"""Installing the package prints no deprecation warning: its metadata is built
offline, as `pip install -e .` builds it, by a setuptools that pyproject.toml's
build-system accepts, with every warning shown."""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version

from packaging.requirements import Requirement

from conftest import REPO
from gdfacts import __version__


def test_the_package_metadata_builds_without_a_deprecation_warning(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(REPO / "gdfacts", project / "gdfacts", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "meta").mkdir()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = next(Requirement(r) for r in pyproject["build-system"]["requires"] if Requirement(r).name == "setuptools")
    assert wanted.specifier.contains(version("setuptools")), "the tests' setuptools is not one pip would build with"

    result = subprocess.run(
        [sys.executable, "-W", "always", "-c",
         "import sys; from setuptools import build_meta; "
         "print(build_meta.prepare_metadata_for_build_editable(sys.argv[1]))", str(tmp_path / "meta")],
        cwd=project, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert "deprecat" not in (result.stdout + result.stderr).lower(), result.stderr
    assert "Warning" not in result.stderr, result.stderr
    dist_info = tmp_path / "meta" / result.stdout.splitlines()[-1]
    metadata = email.message_from_string((dist_info / "METADATA").read_text(encoding="utf-8"))
    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "MIT AND CC-BY-4.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert (dist_info / "licenses" / "LICENSE").read_bytes() == (REPO / "LICENSE").read_bytes()
