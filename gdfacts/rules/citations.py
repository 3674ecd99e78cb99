"""The rules for one citation: its source is known, its quote is on its
line, and the words on that line, read in their clause, give the record's
value, sign, unit, hedge and period; or the citation says why the source is
wrong. And for one entry of `unrecorded`: its text, a number, is on its line."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .. import clause, coverage, periods, quantities
from ..lexicon import Lexicon, normal
from ..problems import NOT_ONE_OF, Message
from . import UNKNOWN_REFERENCE, chain, explained, reference_is_known

MAX_LINE_SHOWN = 300


@dataclass
class Citing:
    """One citation (or unrecorded entry) being checked, and what the earlier rules found."""

    entry: object  # spec.Entry of the citation
    path: str  # the fact file
    source_id: str  # the source it names, or its fact file's
    sources: dict  # every source (dataset.Source) by id
    unreadable: frozenset  # the reference lists that could not be read
    lex: Lexicon
    qualifiers: dict  # the qualifier vocabulary
    value: Decimal | None = None  # the record's, when the record itself is sound
    high: Decimal | None = None
    unit: str | None = None
    record_qualifier: str = "exact"
    period: str | None = None
    period_basis: str | None = None
    # found along the way
    text: str = ""
    offset: int = -1
    span: tuple[int, int] | None = None
    reading: clause.Reading | None = None
    qualifier: str = "exact"
    covered: list = field(default_factory=list)
    outcome: str | None = None  # met | missed, what a statement's words say

    def get(self, key, default=None):
        return self.entry.get(key, default)

    @property
    def lines(self) -> list[str]:
        return self.sources[self.source_id].lines

    @property
    def seed(self) -> str:
        return self.sources[self.source_id].entry.get("seed")


@explained(UNKNOWN_REFERENCE)
def source_is_known(c: Citing):
    yield from reference_is_known("source", c.source_id, c.sources, "source", c.unreadable)


@explained(Message("`line N is not in ..., which has lines 1 to M`", "fix the line number", r"^line -?\d+ is not in \S+, which has lines 1 to"))
def cited_line_exists(c: Citing):
    line = c.get("line")
    if not 1 <= line <= len(c.lines):
        yield "line", f"line {line} is not in {c.seed}, which has lines 1 to {len(c.lines)}"
    else:
        c.text = c.lines[line - 1]


@explained(Message("`quote \"...\" is not on line N of ...; it is on line K; the line reads: ...`",
                   "fix the line number or the quote (copy it exactly, curly quotes included)", r'^quote ".*" is not on line \d+ of '))
def quote_is_on_cited_line(c: Citing):
    quote, line = c.get("quote"), c.get("line")
    if quote not in c.text:
        elsewhere = [n for n, other in enumerate(c.lines, 1) if quote in other]
        hint = f"; it is on line {', '.join(map(str, elsewhere))}" if elsewhere else ""
        yield "quote", f'quote "{quote}" is not on line {line} of {c.seed}{hint}; the line reads: {shown(c.text)}'


@explained(Message('`stated words "..." are not in the quote`', "the stated words must be part of the quote",
                   r'^stated words ".*" are not in the quote'))
def stated_words_are_in_quote(c: Citing):
    quote, stated = c.get("quote"), c.get("stated")
    c.offset = quote.find(stated)
    if c.offset < 0:
        yield "stated", f'stated words "{stated}" are not in the quote "{quote}"'
        return
    c.covered = coverage.stated_spans(quote, stated, c.text)
    start = c.text.find(quote) + c.offset
    c.span = (start, start + len(stated))


@explained(
    Message("`cannot read a number in '...': the word 'x' is not in the lexicon (understood: ...)`",
            "state the number as the article does; add the word to `data/lexicon.yml` if it is how numbers are worded, "
            "or list the number under `unrecorded`", r"; state the number as the article does"),
    Message('`the stated words "..." begin inside "..."` / `end inside` / `leave out "yuan" after them`',
            "widen the stated words to the whole number and its unit", r'^the stated words ".*" (begin|end|leave out)'),
    Message('`the stated words "..." are one end of a range`', "state the whole range, and give `value` and `value_high`",
            r'^the stated words ".*" are one end of a range'),
)
def stated_words_read_as_a_number(c: Citing):
    try:
        c.reading = clause.read(c.text, *c.span, c.lex)
    except clause.OffBoundary as e:
        yield "stated", str(e)
    except quantities.Unreadable as e:
        yield "stated", f"{e}; state the number as the article does, e.g. '3.46 trillion yuan', '5.5 per cent', '14.16万亿元', 'first'"


@explained(Message('`the words "..." state percent, not CNY`',
                   "the words name another unit than the record's: fix the record's unit (or indicator), or the stated words",
                   r'^the words ".*" state [\w ]+, not \w+$'))
def unit_is_what_the_words_state(c: Citing):
    units = c.reading.units
    accepted = {c.unit, *c.lex.units[c.unit].accepts} if c.unit in c.lex.units else {c.unit}
    if not units & accepted:
        yield "stated", f'the words "{c.get("stated")}" state {" or ".join(sorted(units))}, not {c.unit}'


@explained(NOT_ONE_OF)
def qualifier_is_known(c: Citing):
    c.qualifier = c.get("qualifier", c.record_qualifier)
    if c.qualifier not in c.qualifiers:
        yield "qualifier", f"qualifier '{c.qualifier}' is not one of: {', '.join(c.qualifiers)}"


@explained(Message('`... make this more_than, but the qualifier is exact` / `nothing around "..." on line N says ...`',
                   "make the qualifier match the words", r'make this \w+, but the qualifier is|^nothing around ".*" on line \d+ says'))
def qualifier_is_what_the_words_say(c: Citing):
    hedge = c.reading.qualifier
    words = _words_read(c)
    if hedge is not None and hedge != c.qualifier:
        yield "stated", f'the words "{words}" make this {hedge}, but the qualifier is {c.qualifier}'
    elif hedge is None and c.qualifier not in ("exact", "approximately"):
        yield "stated", f'nothing around "{c.get("stated")}" on line {c.get("line")} says {c.qualifier}; quote the words that do'


@explained(Message('`line N says "down" with "...": a fall, so the value is -X, not X`',
                   "make the value negative (or correct it, with the reason)", r'^line \d+ says ".*" with ".*": a (fall|rise), so the value is'))
def sign_is_what_the_words_say(c: Citing):
    if c.get("correction") is not None:
        return
    r = c.reading
    if r.direction == "down" and c.value > 0:
        word = r.clause_words[-1] if r.clause_words else r.stated.direction_word
        yield "stated", (f'line {c.get("line")} says "{word}" with "{c.get("stated")}": a fall, so the value is '
                         f'{number(r.value)}, not {number(c.value)}')
    elif r.direction == "up" and c.value < 0:
        word = r.clause_words[-1] if r.clause_words else r.stated.direction_word
        yield "stated", (f'line {c.get("line")} says "{word}" with "{c.get("stated")}": a rise, so the value is '
                         f'{number(r.value)}, not {number(c.value)}')


@explained(Message('`line N gives "..." for "first quarter", but the period is 2024`',
                   "the clause (or a heading clause such as \"1—8月，\") names a part of the year: use it as the period "
                   "(`2024-Q1`), or say in `period_basis` why not", r'^line \d+ gives ".*" for ".*", but the period is'))
def period_is_what_the_clause_says(c: Citing):
    """A number in a clause that names a part of the year ("in the first
    quarter", 上半年) is for that part, unless period_basis says otherwise."""
    if c.period_basis is not None:
        return
    allowed = clause.governing_periods(c.text, *c.span, c.lex)
    if allowed and periods.part(c.period) not in allowed.values():
        words = " or ".join(f'"{w}"' for w in allowed)
        part = next(p for p in allowed.values())
        yield "stated", (f'line {c.get("line")} gives "{c.get("stated")}" for {words}, but the period is {c.period}; '
                         f"write it as {periods.from_part(periods.year(c.period), part) if part else periods.year(c.period)}, "
                         "or say in period_basis why it is otherwise")


@explained(Message('`the words "..." state a range ...` / `state one number, but the record has value_high X`',
                   "give the record `value` (low) and `value_high` (high), or no `value_high` for one number",
                   r'^the words ".*" state (a range|one number, but the record has value_high)'))
def range_is_what_the_words_say(c: Citing):
    if c.get("correction") is not None:
        return
    if c.reading.high is not None and c.high is None:
        yield "stated", (f'the words "{c.get("stated")}" state a range, {number(c.reading.value)} to '
                         f'{number(c.reading.high)}; give the record value: {number(c.reading.value)} and value_high: {number(c.reading.high)}')
    elif c.reading.high is None and c.high is not None:
        yield "stated", f'the words "{c.get("stated")}" state one number, but the record has value_high {number(c.high)}'


@explained(
    Message('`the words "..." give X, but the value is Y`', "fix the value, or record a correction with its reason",
            r'^the words ".*" give .*, but the value is'),
    Message('`the words "..." round to within X of Y`',
            "a rounded restatement must agree with the record within its digits' precision", r'^the words ".*" round to within'),
    Message('`the words "..." say more than X, which the value Y is not`', "a bound must hold for the record's value",
            r'^the words ".*" say (more than|at least|less than|at most) .*, which the value'),
    Message('`the words "..." already give X; remove the correction`', "the correction corrects nothing",
            r'^the words ".*" already give .*; remove the correction'),
    Message("`× scale ... = X, not the value Y`", "the scale and the value disagree", r"× scale \S+ = \S+, not the value"),
    Message("`... (the value × 0.001 would agree: a scale error in the value, or in the source)`",
            "find which figure is mis-scaled, the record's or the article's, and correct it (with the reason if it is the article's)",
            r"\(the value × \S+ would agree: a scale error"),
)
def value_is_what_the_words_say(c: Citing):
    r = c.reading
    correction = c.get("correction")
    stated, unit = c.get("stated"), c.unit
    if correction is not None:
        scale = correction.get("scale")
        if _agrees(c):
            yield "correction", f'the words "{stated}" already give {number(c.value)}; remove the correction'
        elif scale is not None and r.value * scale != c.value:
            yield "correction", (f"the stated {number(r.value)} × scale {number(scale)} = {number(r.value * scale)}, "
                                 f"not the value {number(c.value)}")
        return
    if _agrees(c):
        return
    q, rq = c.qualifier, c.record_qualifier
    hint = _scale_hint(c)
    if q == rq or q not in ("approximately", *_BOUNDS):
        yield "stated", (f'the words "{_words_read(c)}" give {_shown_value(r.value, r.high)} {unit} ({q}), but the value is '
                         f"{_shown_value(c.value, c.high)}{hint}; fix the value, or record a correction with its reason")
    elif q == "approximately":
        yield "stated", (f'the words "{stated}" round to within {number(r.step / 2)} of {number(r.value)}, which '
                         f"{number(c.value)} is not{hint}; a rounded restatement must agree with the record within the precision its digits give")
    else:
        yield "stated", f'the words "{_words_read(c)}" say {q.replace("_", " ")} {number(r.value)}, which the value {number(c.value)} is not{hint}'


# The scales a mis-scaled figure is tried at: 10^-4 to 10^4 (万 for 亿, billion for 亿).
_SCALES = tuple(Decimal(10) ** k for k in (-4, -3, -2, -1, 1, 2, 3, 4))


def _scale_hint(c: Citing) -> str:
    """Where the value, changed by a power of ten, would agree with the words: a likely scale error."""
    value, high = c.value, c.high
    for factor in _SCALES:
        c.value, c.high = value * factor, (high * factor if high is not None else None)
        agrees = _agrees(c)
        c.value, c.high = value, high
        if agrees:
            return f" (the value × {number(factor)} would agree: a scale error in the value, or in the source)"
    return ""


_BOUNDS = {"more_than": lambda v, b: v > b, "at_least": lambda v, b: v >= b,
           "less_than": lambda v, b: v < b, "at_most": lambda v, b: v <= b}


def _agrees(c: Citing) -> bool:
    """Whether the record's value is what this citation's words say.

    A citation with the record's own qualifier states the value itself (a
    bound's value is the stated bound; "about 100 billion" is 100 billion). A
    citation that is a rounded restatement (approximately) agrees within half
    the step its digits give. A citation that gives a bound on a record known
    more precisely agrees when the value lies within the bound."""
    r, value, high = c.reading, c.value, c.high
    if c.qualifier == c.record_qualifier:
        return value == r.value and high == r.high
    if c.qualifier == "approximately":
        return quantities.rounds_to(r.value, r.high, r.step, value, high)
    if c.qualifier in _BOUNDS and c.record_qualifier in ("exact", "approximately") and high is None and r.high is None:
        return _BOUNDS[c.qualifier](value, r.value)
    return False


def _words_read(c: Citing) -> str:
    words = c.get("stated")
    extra = [w for w in c.reading.clause_words]
    return f"{' … '.join(extra)} … {words}" if extra else words


def _shown_value(value, high) -> str:
    return f"{number(value)} to {number(high)}" if high is not None else number(value)


@explained(Message('`"..." is not a word that says a target was met or missed; the lexicon\'s are: ...`',
                   "quote the words that say it, or add them to the lexicon's `outcomes`",
                   r'^".*" is not a word that says a target was met or missed'))
def stated_words_say_an_outcome(c: Citing):
    c.outcome = c.lex.outcomes.get(normal(c.get("stated")))
    if c.outcome is None:
        yield "stated", (f'"{c.get("stated")}" is not a word that says a target was met or missed; the lexicon\'s are: '
                         + ", ".join(sorted(c.lex.outcomes)))


@explained(Message('`"..." is not on line N; the line reads: ...`', "copy the text of the number exactly from that line",
                   r'^".*" is not on line \d+; the line reads: '))
def unrecorded_text_is_on_its_line(c: Citing):
    text, line = c.get("text"), c.get("line")
    c.covered = coverage.spans_of(text, c.text)
    if not c.covered:
        yield "text", f'"{text}" is not on line {line}; the line reads: {shown(c.text)}'


@explained(Message('`"..." holds no number; remove it from unrecorded`', "an `unrecorded` entry must hold a number",
                   r'^".*" holds no number; remove it from unrecorded'))
def unrecorded_text_holds_a_number(c: Citing):
    if not coverage.numerals(c.get("text"), c.lex):
        yield "text", f'"{c.get("text")}" holds no number; remove it from unrecorded'


# The source a citation or an unrecorded entry names (its fact file's by default).
SOURCE_RULES = chain("cited source", source_is_known)

# Whether the quote stands on its line and its stated words can be read there:
# checked for every citation, even of a record with problems of its own.
QUOTE_RULES = chain(
    "quote",
    cited_line_exists,
    quote_is_on_cited_line,
    stated_words_are_in_quote,
    stated_words_read_as_a_number,
)

# Whether the words give the record's value: checked once the record is sound.
VALUE_RULES = chain(
    "value",
    unit_is_what_the_words_state,
    qualifier_is_known,
    qualifier_is_what_the_words_say,
    sign_is_what_the_words_say,
    period_is_what_the_clause_says,
    range_is_what_the_words_say,
    value_is_what_the_words_say,
)

# Whether a statement of an outcome stands on its line and says met or missed.
STATEMENT_QUOTE_RULES = chain(
    "outcome quote",
    cited_line_exists,
    quote_is_on_cited_line,
    stated_words_are_in_quote,
    stated_words_say_an_outcome,
)

# Whether an entry of unrecorded names a number on its line.
UNRECORDED_RULES = chain(
    "unrecorded",
    cited_line_exists,
    unrecorded_text_is_on_its_line,
    unrecorded_text_holds_a_number,
)


def shown(text: str) -> str:
    return text if len(text) <= MAX_LINE_SHOWN else text[:MAX_LINE_SHOWN] + "…"


def number(value: Decimal | float) -> str:
    value = Decimal(repr(value)) if isinstance(value, float) else value
    return format(value.normalize(), "f") if abs(value) < Decimal("1e21") else str(value)
