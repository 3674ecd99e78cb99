"""Fixtures: a small dataset of one article (tests/mini), built in tmp_path, to break at will."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, settings

from gdfacts.build import main

# Property tests run the same examples on every run (CI included), within a budget.
settings.register_profile(
    "repeatable", derandomize=True, database=None, max_examples=1000, deadline=5000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("repeatable")

REPO = Path(__file__).resolve().parent.parent

MINI = REPO / "tests" / "mini"  # a valid one-article dataset: one seed and its four data files
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

    def reseal(self, seed: str = "seeds/000_mini.txt") -> None:
        """Record a seed's new checksum in sources.yml, as a curator does after reviewing it."""
        text = self.read("data/sources.yml")
        old = next(line.split()[-1] for line in text.splitlines() if line.strip().startswith("sha256:"))
        self.edit("data/sources.yml", old, sha256(self.root / seed))

    def build(self, capsys, *args: str) -> tuple[int, str, str]:
        code = main(["--root", str(self.root), *args])
        out, err = capsys.readouterr()
        return code, out, err


def make_mini(root: Path) -> Mini:
    shutil.copytree(MINI, root, dirs_exist_ok=True)
    for shared in ("schema.sql", "metadata.yml", "CITATION.cff", "data/lexicon.yml", "data/units.yml"):  # the repository's own
        shutil.copy(REPO / shared, root / shared)
    return Mini(root)


@pytest.fixture(scope="session", autouse=True)
def check_cache(tmp_path_factory):
    """Builds in the tests cache their checks in a folder of the session, not in ~/.cache."""
    import os

    folder = tmp_path_factory.mktemp("gdfacts-cache")
    previous = os.environ.get("GDFACTS_CACHE")
    os.environ["GDFACTS_CACHE"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["GDFACTS_CACHE"]
    else:
        os.environ["GDFACTS_CACHE"] = previous


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


@contextlib.contextmanager
def served(db: Path):
    """Datasette in process on a built database, configured exactly as `gdfacts serve`
    configures it: .get(path, **params) for a response, .json(...) for its JSON."""
    import yaml
    from datasette.app import Datasette

    from gdfacts import publication

    ds = Datasette(
        immutables=[str(db)],
        metadata=yaml.safe_load(publication.METADATA.read_text(encoding="utf-8")),
        inspect_data=json.loads(publication.inspect_file(db).read_text()),
        plugins_dir=str(publication.PLUGINS_DIR),
        template_dir=str(publication.TEMPLATE_DIR),
        settings=publication.SETTINGS,
    )
    loop = asyncio.new_event_loop()
    loop.run_until_complete(ds.invoke_startup())

    class Site:
        def get(self, path, **params):
            if params:
                path += ("&" if "?" in path else "?") + urlencode(params)
            return loop.run_until_complete(ds.client.get(path))

        def json(self, path, **params):
            response = self.get(path, **params)
            assert response.status_code == 200, (path, response.text[:500])
            return response.json()

    try:
        yield Site()
    finally:
        loop.close()
