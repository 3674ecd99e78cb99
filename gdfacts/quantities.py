"""Reading the words that state a number ("3.46 trillion yuan", "down 8.5%").

`read_stated` turns the words a citation quotes into a value in base units,
the units those words can mean, the hedge they carry and the precision they
are given to. It refuses what it cannot read rather than guess. The word
lists here are the one place that says which words mean what; the unit ids
match the `units` table of schema.sql (tests/test_quantities.py checks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# Hedges, longest first so that "surpass a milestone of" wins over "surpass".
HEDGES = {
    "about": "approximately",
    "around": "approximately",
    "approximately": "approximately",
    "roughly": "approximately",
    "nearly": "approximately",
    "almost": "approximately",
    "some": "approximately",
    "more than": "more_than",
    "over": "more_than",
    "above": "more_than",
    "exceeded": "more_than",
    "exceeding": "more_than",
    "exceeds": "more_than",
    "exceed": "more_than",
    "surpassed": "more_than",
    "surpassing": "more_than",
    "surpass": "more_than",
    "surpass a milestone of": "more_than",
    "at least": "at_least",
    "no less than": "at_least",
    "not less than": "at_least",
    "less than": "less_than",
    "under": "less_than",
    "below": "less_than",
    "at most": "at_most",
    "up to": "at_most",
    "no more than": "at_most",
    "not more than": "at_most",
}

# Words of direction before a change: a fall is negative.
SIGNS = {
    "up": 1, "rose": 1, "rising": 1, "increased": 1, "increased by": 1, "grew": 1, "grew by": 1,
    "down": -1, "fell": -1, "fell by": -1, "falling": -1, "decreased": -1, "decreased by": -1,
    "declined": -1, "declined by": -1, "dropped": -1, "dropped by": -1, "a decrease of": -1,
    "a decline of": -1, "a drop of": -1,
}

SCALES = {
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "万": Decimal(10) ** 4,
    "亿": Decimal(10) ** 8,
}

CARDINALS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
}

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
}

# Words that state a rank of 1 without a number.
FIRST_PLACE = ("top-ranking", "top", "largest", "biggest", "highest", "led", "leading", "leader")

CURRENCY_BEFORE = {"us$": "USD", "usd": "USD", "$": "USD", "rmb": "CNY", "¥": "CNY", "cny": "CNY"}
CURRENCY_AFTER = {
    "yuan": "CNY", "rmb": "CNY", "renminbi": "CNY", "元": "CNY", "cny": "CNY",
    "us dollars": "USD", "dollars": "USD", "usd": "USD",
}
PERCENT_AFTER = {"%": "percent", "percent": "percent", "per cent": "percent", "pct": "percent",
                 "percentage points": "percentage_points", "percentage point": "percentage_points",
                 "pp": "percentage_points"}
MINUS_SIGNS = ("-", "\u2212")  # hyphen-minus, and the minus sign

UNITS = ("CNY", "USD", "percent", "percentage_points", "count", "rank")

# What a value in each unit may be: (lowest, highest, whole numbers only).
BOUNDS = {
    "CNY": (Decimal("-1e16"), Decimal("1e16"), False),
    "USD": (Decimal("-1e16"), Decimal("1e16"), False),
    "percent": (Decimal(-100), Decimal(100000), False),
    "percentage_points": (Decimal(-100), Decimal(100), False),
    "count": (Decimal(0), Decimal("1e12"), True),
    "rank": (Decimal(1), Decimal(100000), True),
}

_DIGITS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_ORDINAL_DIGITS = re.compile(r"([0-9]+)(st|nd|rd|th)")


class Unreadable(ValueError):
    """The words do not state a number this reader knows how to read."""


@dataclass(frozen=True)
class Stated:
    value: Decimal
    units: frozenset  # the units these words can be in
    qualifier: str | None  # the hedge the words carry, if any
    step: Decimal  # the precision given: "1.3 trillion" is to the nearest 0.1 trillion
    direction: str | None = None  # the word of direction the words carry ("down"), if any

    def agrees_with(self, value: Decimal, qualifier: str) -> bool:
        """Whether a curated value and qualifier say what these words say."""
        if qualifier == "exact":
            return value == self.value
        if qualifier == "approximately":
            return abs(value - self.value) * 2 <= self.step
        if qualifier == "more_than":
            return value >= self.value
        if qualifier == "at_least":
            return value >= self.value
        if qualifier in ("less_than", "at_most"):
            return value <= self.value
        raise ValueError(f"unknown qualifier {qualifier}")


def _is_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _take_prefix(text: str, words) -> tuple[str | None, str]:
    """Split off the longest of `words` that `text` starts with, as a whole word."""
    for word in sorted(words, key=len, reverse=True):
        if text.startswith(word) and (
            len(text) == len(word) or not _is_word_char(text[len(word)]) or not _is_word_char(word[-1])
        ):
            return word, text[len(word):].lstrip()
    return None, text


def _take_suffix(text: str, words) -> tuple[str | None, str]:
    """Split off the longest of `words` that `text` ends with, as a whole word."""
    for word in sorted(words, key=len, reverse=True):
        if text.endswith(word) and (
            len(text) == len(word) or not _is_word_char(text[-len(word) - 1]) or not _is_word_char(word[0])
        ):
            return word, text[: -len(word)].rstrip()
    return None, text


def hedge_before(text: str) -> str | None:
    """The hedge that `text` ends with ("... exceeded"), if any."""
    word, _ = _take_suffix(text.lower().rstrip(), HEDGES)
    return HEDGES[word] if word else None


def sign_before(text: str) -> str | None:
    """The word of direction that `text` ends with ("..., down"), if any."""
    word, _ = _take_suffix(text.lower().rstrip(), SIGNS)
    return word


def hedges_in(text: str) -> set[str]:
    """Every qualifier that a hedge word anywhere in `text` supports."""
    lower = text.lower()
    return {q for word, q in HEDGES.items() if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", lower)}


def read_stated(words: str) -> Stated:
    """Read the words that state one number. Raises Unreadable."""
    text = " ".join(words.split()).lower()
    if not text:
        raise Unreadable("no words to read")

    hedge, text = _take_prefix(text, HEDGES)
    sign_word, text = _take_prefix(text, SIGNS)
    sign = SIGNS[sign_word] if sign_word else 1
    if text.startswith(MINUS_SIGNS):
        if sign_word:
            raise Unreadable(f"cannot read a number in '{words}': '{sign_word}' and a minus sign")
        sign, text = -1, text[1:].lstrip()
    rank_word, text = _take_prefix(text, ("rank",))

    currency_word, text = _take_prefix(text, CURRENCY_BEFORE)
    units: set[str] = set()
    if currency_word:
        units.add(CURRENCY_BEFORE[currency_word])
    else:
        word, text = _take_suffix(text, CURRENCY_AFTER)
        if word:
            units.add(CURRENCY_AFTER[word])
        else:
            word, text = _take_suffix(text, PERCENT_AFTER)
            if word:
                units.add(PERCENT_AFTER[word])

    scale_word, text = _take_suffix(text, SCALES)
    scale = SCALES[scale_word] if scale_word else Decimal(1)

    if (m := _DIGITS.fullmatch(text)) is not None:
        number = Decimal(m.group(0).replace(",", ""))
        digits_after_point = len(m.group(0).split(".")[1]) if "." in m.group(0) else 0
        if digits_after_point:
            step = Decimal(10) ** -digits_after_point
        else:
            whole = m.group(0).replace(",", "")
            step = Decimal(10) ** (len(whole) - len(whole.rstrip("0"))) if whole.strip("0") else Decimal(1)
        kinds = {"count"}
    elif (m := _ORDINAL_DIGITS.fullmatch(text)) is not None:
        number, step, kinds = Decimal(m.group(1)), Decimal(1), {"rank", "count"}
    elif text in CARDINALS:
        number, step, kinds = Decimal(CARDINALS[text]), Decimal(1), {"count"}
    elif text in ORDINALS:
        number, step, kinds = Decimal(ORDINALS[text]), Decimal(1), {"rank", "count"}
    elif text in FIRST_PLACE:
        number, step, kinds = Decimal(1), Decimal(1), {"rank"}
    else:
        raise Unreadable(f"cannot read a number in '{words}'")

    if rank_word:
        if kinds != {"count"} or units or scale_word or "." in text:
            raise Unreadable(f"cannot read a number in '{words}'")
        kinds = {"rank"}
    if units:
        if kinds != {"count"} or (units & {"percent", "percentage_points"} and scale_word):
            raise Unreadable(f"cannot read a number in '{words}'")
    else:
        units = kinds
        if scale_word and kinds != {"count"}:
            raise Unreadable(f"cannot read a number in '{words}'")

    return Stated(
        value=sign * number * scale,
        units=frozenset(units),
        qualifier=HEDGES[hedge] if hedge else None,
        step=step * scale,
        direction=sign_word,
    )


_SCALE_NAMES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))
UNIT_LABELS = {"CNY": "CNY", "USD": "USD", "percent": "%", "percentage_points": "pp", "count": "", "rank": "rank"}


def format_quantity(value: Decimal | float, unit: str) -> str:
    """A value for people: 3.46 trillion CNY, 6.0 %, 170,000, rank 1."""
    number = Decimal(str(value))
    if unit in ("CNY", "USD"):
        for size, name in _SCALE_NAMES:
            if abs(number) >= size:
                return f"{_plain(number / size)} {name} {unit}"
        return f"{_plain(number)} {unit}"
    if unit == "percent":
        return f"{_plain(number, minimum_decimals=1)} %"
    if unit == "percentage_points":
        return f"{_plain(number, minimum_decimals=1)} pp"
    if unit == "rank":
        return f"rank {_plain(number)}"
    return f"{int(number):,}" if number == number.to_integral_value() else _plain(number)


def _plain(number: Decimal, minimum_decimals: int = 0) -> str:
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if minimum_decimals and "." not in text:
        text += "." + "0" * minimum_decimals
    return text
