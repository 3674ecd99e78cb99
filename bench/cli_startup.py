"""Median wall time of gdfacts query commands against `python -c pass`.

    .venv/bin/python bench/cli_startup.py [runs]
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    'python -c "import click, sqlite3"': [sys.executable, "-c", "import click, sqlite3"],
    "gdfacts facts --region shenzhen": [str(BIN / "gdfacts"), "facts", "--region", "shenzhen", "--json"],
    "gdfacts query 'select 1'": [str(BIN / "gdfacts"), "query", "select 1", "--json"],
}


def median_ms(argv, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    print(f"| command | median of {runs} runs |\n| --- | --- |")
    for name, argv in COMMANDS.items():
        print(f"| `{name}` | {median_ms(argv, runs):.0f} ms |")


if __name__ == "__main__":
    main()
