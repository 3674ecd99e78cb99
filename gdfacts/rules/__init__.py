"""The rules a curated input must satisfy, grouped by what they check.

- `references.py`: the reference lists (regions, indicators, and the sources
  with their seeds);
- `records.py`: one record of a fact file (and the fact file's own source);
- `citations.py`: one citation, and one entry of `unrecorded`;
- `corpus.py`: what holds across fact files.

A rule is a small function named for what must hold. It takes its group's
context (a dataclass: what the rule looks at, and what earlier rules found)
and yields (at, message): `at` is the YAML key of the context's entry whose
line the problem is reported at, or a (path, line) pair. It yields nothing
when what it checks holds, or when it cannot judge because what it looks at
is absent (a key that `spec` reports missing). When what it checks is wrong
but was already reported where it is (a reference list that could not be
read), it yields (at, ALREADY_REPORTED): the group counts that as a failure,
and nothing more is reported.

A group is an ordered tuple of rules, run one of two ways:

- `chain(...)`: the first rule that finds problems ends the group, because
  the later rules rely on the earlier ones (a quote that is not on its line
  cannot be read in its clause);
- `each(...)`: every rule runs and reports what it finds, because they are
  independent (a kind and a qualifier can both be unknown). A rule of such a
  group that can only judge a sound value (the range of a value in a known
  unit) is silent when the value is not: another rule reports that.

`Group.run(context)` says whether every rule held, and gives the problems
found, each at its file and line. The build (`gdfacts/dataset.py`) runs the
groups in order, and decides between them what to check next: where it has
something to do between two rules (read the seed whose path the rules
accepted; leave out a record that no citation's qualifier supports), they
are in two groups, run one after the other.

Each rule carries, with `@explained(...)`, the rows of the README's table of
errors for the messages it gives (readers keep theirs in `MESSAGES`, next to
the code that emits them); `python -m gdfacts.rules --table` prints the table,
and `tests/test_rules.py` keeps the README's copy equal to it. A new rule goes
into the tuple of its group, with its rows, and a case in
`tests/test_rules.py`: a test fails for any rule without one.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable

from ..inputs import REFERENCE_FILES
from ..problems import NOT_ONE_OF, Message, Problem

ALREADY_REPORTED = "(already reported where it is)"

UNKNOWN_REFERENCE = Message(
    "`no region 'x' in data/regions.yml; did you mean 'y'?`", "fix the id, or add the region",
    r"^no (region|indicator|source) '[^']*' in data/")


@dataclass(frozen=True)
class Group:
    name: str
    rules: tuple[Callable, ...]
    chained: bool  # the first rule that finds problems ends the group

    def run(self, context) -> tuple[bool, list[Problem]]:
        """Whether every rule held, and the problems found, each at its place:
        a key of `context.entry` in `context.path`, or a (path, line)."""
        found = []
        for rule in self.rules:
            problems = list(rule(context))
            found += problems
            if problems and self.chained:
                break
        return not found, [Problem(*_place(context, at), message) for at, message in found if message != ALREADY_REPORTED]


def _place(context, at) -> tuple[str, int]:
    return at if isinstance(at, tuple) else (context.path, context.entry.line_of(at))


def chain(name: str, *rules: Callable) -> Group:
    """A group whose later rules rely on the earlier: the first that finds problems ends it."""
    return Group(name, rules, chained=True)


def each(name: str, *rules: Callable) -> Group:
    """A group of independent rules: every one runs and reports."""
    return Group(name, rules, chained=False)


def explained(*messages: Message):
    """Give a rule the rows of the README's table for the messages it yields."""
    def mark(rule):
        rule.messages = messages
        return rule
    return mark


def groups() -> list[Group]:
    """Every group, in the order the build runs them."""
    from . import citations, corpus, records, references

    return [references.REGION_RULES, references.INDICATOR_RULES, references.SOURCE_RULES, references.SEED_PATH_RULES,
            references.SEED_RULES, references.SEEDS_FOLDER_RULES, records.FACT_FILE_RULES, records.RECORD_RULES,
            citations.SOURCE_RULES, citations.QUOTE_RULES, citations.VALUE_RULES, citations.UNRECORDED_RULES,
            records.AGREEMENT_RULES, records.CITED_RULES, records.STATEMENT_RULES, citations.STATEMENT_QUOTE_RULES,
            records.STATED_OUTCOME_RULES, corpus.CORPUS_RULES]


def messages() -> list[Message]:
    """Every row of the table: the readers' (YAML, keys, files, lexicon), then each group's rules', once each."""
    from .. import inputs, lexicon, outcomes, relations, spec, strict_yaml

    rows: list[Message] = []
    every = [*strict_yaml.MESSAGES, *spec.MESSAGES, *inputs.MESSAGES, *lexicon.MESSAGES]
    every += [m for group in groups() for rule in group.rules for m in rule.messages]
    every += [*relations.MESSAGES, *outcomes.MESSAGES]  # checked once every record is read
    for row in every:
        if row not in rows:
            rows.append(row)
    return rows


def table() -> str:
    """The README's table of errors, in Markdown."""
    lines = ["| message | what to do |", "| --- | --- |"]
    lines += [f"| {row.shown} | {row.todo} |" for row in messages()]
    return "\n".join(lines) + "\n"


# -- what several rules check alike --------------------------------------------

def reference_is_known(key: str, value: str | None, listed: dict, what: str, unreadable):
    """(key, message) when `value` names nothing in its reference list, with
    the ids it may have meant; ALREADY_REPORTED when the list itself could
    not be read. Nothing when `value` is absent (spec reports that)."""
    if value is None or value in listed:
        return
    if what + "s" in unreadable:
        yield key, ALREADY_REPORTED
        return
    near = difflib.get_close_matches(value, list(listed), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    yield key, f"no {what} '{value}' in {REFERENCE_FILES[what + 's'][0]}{hint}"


def is_one_of(key: str, value: str | None, allowed, what: str | None = None):
    """(key, message) when `value` is given but is not one of `allowed`."""
    if value is not None and value not in allowed:
        yield key, f"{what or key} '{value}' is not one of: {', '.join(allowed)}"


__all__ = ["ALREADY_REPORTED", "NOT_ONE_OF", "UNKNOWN_REFERENCE", "Group", "chain", "each", "explained", "groups",
           "is_one_of", "messages", "reference_is_known", "table"]
