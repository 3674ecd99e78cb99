"""Ways to read the corpus' YAML: how long each takes and what each keeps.

    .venv/bin/python bench/yaml_readers.py [N] [ROUNDS]        (default 100000 records, 3 rounds)

Writes a synthetic corpus of N records (bench/synth.py), then reads every
YAML file of it with each reader below, each in a process of its own, the
readers taking turns ROUNDS times: the median seconds of the reading alone
(wall and CPU; start-up and imports excluded) and the largest peak memory
(RSS) of the process. Readers from packages the project does not depend on
are measured where they are installed (`pip install ruamel.yaml rapidyaml
yaml-rs`) and listed as not installed otherwise.

What a reader keeps is what `gdfacts/strict_yaml.py` promises: a line on
every node, values as text with plain and quoted told apart, and the refusal
of tags, anchors, aliases, merge keys, keys given twice, non-text keys,
several documents and deep nesting.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def strict_now(data: bytes):
    from gdfacts import strict_yaml
    return strict_yaml.load(data, "f.yml")


def strict_libyaml(data: bytes):
    from gdfacts import strict_yaml
    return strict_yaml._load_with_libyaml(data.decode("utf-8"), "f.yml")


def libyaml_events(data: bytes):
    import yaml
    for _ in yaml.parse(data.decode("utf-8"), Loader=yaml.CSafeLoader):
        pass


def libyaml_nodes(data: bytes):
    import yaml
    return yaml.compose(data.decode("utf-8"), Loader=yaml.CSafeLoader)


def libyaml_values(data: bytes):
    import yaml
    return yaml.load(data.decode("utf-8"), Loader=yaml.CSafeLoader)


def libyaml_text_values(data: bytes):
    import yaml
    return yaml.load(data.decode("utf-8"), Loader=yaml.CBaseLoader)


def ruamel_events(data: bytes):
    from _ruamel_yaml import CParser
    parser = CParser(data.decode("utf-8"))
    while parser.check_event():
        parser.get_event()


def rapidyaml_walk(data: bytes):
    import ryml
    tree = ryml.parse_in_arena(data)
    for node, _ in ryml.walk(tree):  # what a tree of ours would need of each node, but its line
        if tree.has_key(node):
            bytes(tree.key(node))
        if tree.has_val(node):
            value = tree.val(node)  # None where the value is empty
            value is None or bytes(value), tree.is_val_quoted(node), tree.has_val_anchor(node), tree.has_val_tag(node)


def yaml_rs_values(data: bytes):
    import yaml_rs
    return yaml_rs.loads(data.decode("utf-8"))


def nothing(data: bytes):
    pass


# name: (reader, the module it needs, what it keeps of strict_yaml's promises)
READERS = {
    "read the bytes only": (nothing, "yaml", "nothing read"),
    "strict_yaml now: line reader, libyaml where it gives up": (strict_now, "yaml", "all"),
    "strict_yaml before: libyaml events assembled in Python": (strict_libyaml, "yaml", "all"),
    "libyaml events, no tree (PyYAML CParser)": (libyaml_events, "yaml", "no tree: a floor for any libyaml reader"),
    "libyaml nodes (yaml.compose, CSafeLoader)": (libyaml_nodes, "yaml",
                                                  "lines; aliases resolved unseen, explicit tags not told apart, "
                                                  "keys given twice kept"),
    "libyaml values (yaml.load, CSafeLoader: the floor before)": (libyaml_values, "yaml",
                                                                   "no lines, typed values (2023 a number), "
                                                                   "aliases expanded, keys given twice: last wins"),
    "libyaml text values (yaml.load, CBaseLoader)": (libyaml_text_values, "yaml",
                                                      "no lines, plain and quoted not told apart, aliases expanded"),
    "ruamel.yaml C events, no tree": (ruamel_events, "_ruamel_yaml", "no tree; the same libyaml parser"),
    "rapidyaml: parse, visit every node": (rapidyaml_walk, "ryml",
                                           "no line for any node (the bindings give none); anchors and tags "
                                           "visible; keys given twice kept"),
    "yaml-rs values (yaml_rs.loads)": (yaml_rs_values, "yaml_rs",
                                       "no lines, YAML 1.2 typed values (3.46e12 a float), "
                                       "plain and quoted not told apart"),
}


def child(name: str, root: Path) -> None:
    reader = READERS[name][0]
    paths = sorted(root.glob("data/**/*.yml"))
    reader(paths[0].read_bytes())  # imports, outside the timing
    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        reader(path.read_bytes())
    print(time.perf_counter() - start, time.process_time() - cpu)


def installed(module: str) -> bool:
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def run(name: str, root: Path) -> tuple[float, float, int]:
    process = subprocess.Popen([sys.executable, __file__, "--child", name, str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed:\n{err}")
    wall, cpu = map(float, out.split())
    return wall, cpu, usage.ru_maxrss * 1024


def main(n: int, rounds: int) -> None:
    sys.path.insert(0, str(HERE))
    import synth

    work = Path(tempfile.mkdtemp(prefix="gdfacts-yaml-"))
    try:
        synth.generate(n, work)
        files = list(work.glob("data/**/*.yml"))
        size = sum(p.stat().st_size for p in files)
        print(f"{n:,} records: {len(files):,} YAML files, {size / 2**20:.1f} MiB; median of {rounds} rounds\n")
        names = [name for name, (_, module, _) in READERS.items() if installed(module)]
        results = {name: [] for name in names}
        for _ in range(rounds):
            for name in names:
                results[name].append(run(name, work))
        print("| reader | parse s | CPU s | peak MiB | keeps |")
        print("| --- | ---: | ---: | ---: | --- |")
        for name, (_, module, keeps) in READERS.items():
            if name not in results:
                print(f"| {name} | not installed | | | {keeps} |")
                continue
            wall = statistics.median(r[0] for r in results[name])
            cpu = statistics.median(r[1] for r in results[name])
            peak = max(r[2] for r in results[name])
            print(f"| {name} | {wall:.3g} | {cpu:.3g} | {peak / 2**20:.0f} | {keeps} |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
