"""The rules a curated record must satisfy, grouped by what they check.

Each group is an ordered list of small functions, each named for what must
hold. A rule takes the check's context and yields (key, message) pairs, the
key naming the YAML key whose line the problem is reported at; the first rule
of a group that finds a problem ends the group, since later rules rely on the
earlier ones (a quote that is not on its line cannot be read in its clause).
A new rule goes into the list of its group, with a test in
tests/test_rules.py.
"""

from __future__ import annotations


def run(rules, context) -> list[tuple[str, str]]:
    """The problems of the first rule in `rules` that finds any."""
    for rule in rules:
        problems = list(rule(context))
        if problems:
            return problems
    return []
