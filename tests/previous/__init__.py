"""The readers as they were before issue 14 made the checks faster, kept
here (never in the package) so that tests/test_check_equivalence.py can hold
the current ones to the same results.

`installed()` puts them in place of the current functions, in the modules
that call them, so that a higher-level check (clause.read,
clause.governing_periods, coverage.uncovered) runs as it did before.
"""

from __future__ import annotations

from contextlib import contextmanager

import gdfacts.clause
import gdfacts.coverage
import gdfacts.quantities

from . import clause, coverage, quantities


@contextmanager
def installed():
    replaced = [
        (gdfacts.coverage, "numerals", coverage.numerals),
        (gdfacts.clause, "named_periods", clause.named_periods),
        (gdfacts.clause, "_scan_before", clause._scan_before),
        (gdfacts.clause, "_scan_after", clause._scan_after),
        (gdfacts.quantities, "tokens", quantities.tokens),
    ]
    current = [(module, name, getattr(module, name)) for module, name, _ in replaced]
    try:
        for module, name, previous in replaced:
            setattr(module, name, previous)
        yield
    finally:
        for module, name, function in current:
            setattr(module, name, function)
