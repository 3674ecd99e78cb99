"""Reading the words that state a number ("3.46 trillion yuan", "同比下降2.4%").

`read_stated(words, lexicon)` turns the words a citation quotes into a value
in base units (and a high end, for a range), the units those words can mean,
the hedge and the direction they carry, and the precision they are given to.
It refuses what it cannot read rather than guess, naming the word it did not
understand. Every word it knows comes from the lexicon (data/lexicon.yml and
data/units.yml); the only words of its own are those `format_quantity`
writes ("rank 3"), so that it reads back everything it prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from .lexicon import Lexicon, default, normal

_DIGITS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)(?![a-z0-9])")
MINUS_SIGNS = ("-", "\u2212")
RANK_WORD = "rank"  # the formatter's "rank 3"


class Unreadable(ValueError):
    """The words do not state a number this reader knows how to read."""


@dataclass(frozen=True)
class Stated:
    value: Decimal
    units: frozenset  # the units these words can be in
    qualifier: str | None  # the hedge the words carry, if any
    step: Decimal  # the precision given: "1.3 trillion" is to the nearest 0.1 trillion
    direction: str | None = None  # "up" or "down", when the words carry a word of direction
    direction_word: str | None = None
    high: Decimal | None = None  # the high end of a range ("5 to 5.5 percent")
    multiple: bool = False  # "1.08 times", "1.08倍": a ratio, or growth when a word of growth governs it
    hedge_word: str | None = None

    def restates(self, value: Decimal, high: Decimal | None = None) -> bool:
        """Whether these words are a rounded statement of `value`."""
        return rounds_to(self.value, self.high, self.step, value, high)


def rounds_to(stated: Decimal, stated_high: Decimal | None, step: Decimal, value: Decimal, high: Decimal | None) -> bool:
    """Whether a value (and high end) lies within half the step that stated
    digits give: 1.3 trillion covers 1.25 to 1.35 trillion."""
    if (stated_high is None) != (high is None):
        return False
    return abs(value - stated) * 2 <= step and (high is None or abs(high - stated_high) * 2 <= step)


@dataclass
class _Token:
    kind: str  # number | ordinal | phrase | minus | unknown
    text: str
    value: Decimal | None = None
    step: Decimal | None = None
    roles: frozenset = frozenset()


def tokens(text: str, lex: Lexicon) -> list[_Token]:
    """Split normalised text into numbers and the lexicon's phrases, longest first."""
    roles = _roles(lex)
    sizes = phrase_sizes(lex, backwards=False)
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == " ":
            i += 1
            continue
        if text[i] in MINUS_SIGNS and text[i + 1:i + 2].isdigit() and not any(t.kind == "number" for t in out):
            out.append(_Token("minus", text[i]))
            i += 1
            continue
        phrase = None
        for size in sizes.get(text[i], ()):  # longest first: only the lengths of phrases that begin with this character
            if size > n - i:
                continue
            candidate = text[i:i + size]
            if candidate in roles and (_ends_a_word(text, i + size, candidate)
                                       or ("currency_before" in roles[candidate] and text[i + size:i + size + 1].isdigit())):
                phrase = candidate
                break
        chinese = _chinese_run(text, i, lex)
        if (m := _DIGITS.match(text, i)) is not None and (phrase is None or len(phrase) <= len(m.group(0))):
            digits = m.group(0)
            value = Decimal(digits.replace(",", ""))
            j = m.end()
            if (s := _ORDINAL_SUFFIX.match(text, j)) is not None:
                out.append(_Token("ordinal", text[i:s.end()], value, Decimal(1)))
                i = s.end()
                continue
            out.append(_Token("number", digits, value, _step(digits)))
            i = j
        elif chinese and (phrase is None or len(chinese) > len(phrase)):
            value, step = chinese_number(chinese, lex)
            out.append(_Token("number", chinese, value, step))
            i += len(chinese)
        elif phrase is not None:
            out.append(_Token("phrase", phrase, roles=frozenset(roles[phrase])))
            i += len(phrase)
        elif text[i] in MINUS_SIGNS:
            out.append(_Token("minus", text[i]))
            i += 1
        else:
            j = i + 1
            if text[i].isascii() and text[i].isalnum():
                while j < n and text[j].isascii() and (text[j].isalnum() or text[j] in "-'"):
                    j += 1
            out.append(_Token("unknown", text[i:j]))
            i = j
    return out


def _roles(lex: Lexicon) -> dict[str, set[str]]:
    """The lexicon's phrases with their roles, and the formatter's own "rank"."""
    return lex.cached("reader_roles", lambda: {**lex.roles(), RANK_WORD: {"rank_word"}})


def phrase_sizes(lex: Lexicon, backwards: bool) -> dict[str, tuple[int, ...]]:
    """The lengths of the phrases of `_roles`, longest first, by their first
    character (by their last, `backwards`): where a phrase may start (end),
    only these lengths can be one."""
    def make():
        sizes: dict[str, set[int]] = {}
        for phrase in filter(None, _roles(lex)):
            sizes.setdefault(phrase[-1] if backwards else phrase[0], set()).add(len(phrase))
        return {c: tuple(sorted(found, reverse=True)) for c, found in sizes.items()}
    return lex.cached(f"reader_sizes:{backwards}", make)


def _ends_a_word(text: str, end: int, phrase: str) -> bool:
    """A phrase ending in a letter or digit must not run on into another word."""
    if not (phrase[-1].isascii() and phrase[-1].isalnum()):
        return True
    return end >= len(text) or not (text[end].isascii() and text[end].isalnum())


def _step(digits: str) -> Decimal:
    plain = digits.replace(",", "")
    if "." in plain:
        return Decimal(10) ** -len(plain.split(".")[1])
    zeros = len(plain) - len(plain.rstrip("0"))
    return Decimal(10) ** zeros if plain.strip("0") else Decimal(1)


def _chinese_run(text: str, i: int, lex: Lexicon) -> str:
    """The Chinese numeral that starts at i ("三十五", "两万", "三点五"), or ''."""
    digits, units = lex.chinese_digits, lex.chinese_units
    big = lex.cached("reader_big_units", lambda: {w for w in lex.scales if len(w) == 1 and not w.isascii()} - set(units))
    if i >= len(text) or (text[i] not in digits and text[i] not in units):
        return ""
    j = i
    while j < len(text) and (text[j] in digits or text[j] in units or text[j] in big
                             or (text[j] == lex.chinese_point and j + 1 < len(text) and text[j + 1] in digits)):
        j += 1
    run = text[i:j]
    while run and run[-1] in big:  # 万 and 亿 after a numeral are read as scales
        run = run[:-1]
    return run if any(c in digits or c in units for c in run) else ""


def chinese_number(run: str, lex: Lexicon) -> tuple[Decimal, Decimal]:
    """The value of a Chinese numeral and the step of its last digit."""
    digits, units = lex.chinese_digits, lex.chinese_units
    if lex.chinese_point in run:
        whole, fraction = run.split(lex.chinese_point, 1)
        value, _ = chinese_number(whole, lex) if whole else (Decimal(0), Decimal(1))
        if not fraction or any(c not in digits for c in fraction):
            raise Unreadable(f"cannot read the Chinese numeral '{run}'")
        frac = Decimal("0." + "".join(str(digits[c]) for c in fraction))
        return value + frac, Decimal(10) ** -len(fraction)
    big_units = {w: p for w, p in lex.scales.items() if len(w) == 1 and not w.isascii() and w not in units}
    if all(c in digits for c in run):  # digits in a row (二〇二四) read place by place
        return Decimal("".join(str(digits[c]) for c in run)), Decimal(1)
    total, section, digit = Decimal(0), Decimal(0), None
    step = None
    for c in run:
        if c in digits:
            digit = digits[c]
        elif c in units:
            place = Decimal(10) ** units[c]
            section += (Decimal(digit) if digit is not None else Decimal(1)) * place
            step = place
            digit = None
        elif c in big_units:
            place = Decimal(10) ** big_units[c]
            total += (section + (digit or 0)) * place
            step = (step or Decimal(1)) * place if digit is None else place
            section, digit = Decimal(0), None
    if digit is not None:
        section += digit
        step = Decimal(1) if digit else (step or Decimal(1))
    return total + section, step or Decimal(1)


# -- the grammar of stated words ------------------------------------------------------

def read_stated(words: str, lex: Lexicon | None = None) -> Stated:
    """Read the words that state one number. Raises Unreadable."""
    lex = lex or default()
    text = normal(words)
    if not text:
        raise Unreadable("no words to read")
    toks = tokens(text, lex)
    for t in toks:
        if t.kind == "unknown":
            raise Unreadable(_not_understood(words, t.text, toks))
    p = _Parser(words, toks, lex)
    return p.read()


def _not_understood(words: str, word: str, toks: list[_Token]) -> str:
    known = [t.text for t in toks if t.kind in ("phrase", "number", "ordinal")]
    listing = ", ".join(f"'{k}'" for k in known) if known else "nothing"
    return (f"cannot read a number in '{words}': the word '{word}' is not in the lexicon "
            f"(understood: {listing}); add it to data/lexicon.yml if it words a number, "
            "or list the number under unrecorded with the reason")


class _Parser:
    def __init__(self, words: str, toks: list[_Token], lex: Lexicon):
        self.words, self.toks, self.lex, self.i = words, toks, lex, 0

    def peek(self, *roles) -> _Token | None:
        if self.i < len(self.toks):
            t = self.toks[self.i]
            if t.kind == "phrase" and t.roles & set(roles):
                return t
        return None

    def take(self, *roles) -> _Token | None:
        t = self.peek(*roles)
        if t is not None:
            self.i += 1
        return t

    def fail(self, why: str = "") -> Unreadable:
        return Unreadable(f"cannot read a number in '{self.words}'" + (f": {why}" if why else ""))

    def read(self) -> Stated:
        lex = self.lex
        hedge = direction = None
        while (t := self.take("hedge_before", "direction_before", "filler")) is not None:
            if "hedge_before" in t.roles and hedge is None and not (direction and "direction_before" in t.roles):
                hedge = t.text
            elif "direction_before" in t.roles and direction is None:
                direction = t.text
        minus = False
        if self.i < len(self.toks) and self.toks[self.i].kind == "minus":
            if direction:
                raise self.fail(f"'{direction}' and a minus sign")
            minus, self.i = True, self.i + 1
        first = self.quantity()
        high = None
        if self.peek("range") and self.i + 1 < len(self.toks) and self.toks[self.i + 1].kind in ("number", "phrase", "minus"):
            self.i += 1
            high = self.quantity()
            if first.scale is None and first.unit_word is None and first.currency is None and not first.multiple:
                factor = high.value / high.bare if high.bare else Decimal(1)
                first = replace(first, value=first.value * factor, step=first.step * factor, units=high.units,
                                scale=high.scale, unit_word=high.unit_word, currency=high.currency, multiple=high.multiple)
            if first.units != high.units:
                raise self.fail("the two ends of the range are in different units")
        after_hedge = None
        while (t := self.take("hedge_after", "direction_after", "filler")) is not None:
            if "hedge_after" in t.roles and after_hedge is None:
                after_hedge = t.text
            elif "direction_after" in t.roles and direction is None:
                direction = t.text
        if self.i < len(self.toks):
            raise self.fail(f"'{self.toks[self.i].text}' is not where a number's words can stand")
        hedge_word = hedge or first.hedge or after_hedge
        qualifier = None
        if hedge:
            qualifier = lex.lookup("hedges_before", hedge)
        elif first.hedge or after_hedge:
            qualifier = lex.lookup("hedges_after", first.hedge or after_hedge)
        sense = None
        if direction:
            sense = lex.lookup("directions_before", direction) or lex.lookup("directions_after", direction)
        value, step = first.value, first.step
        top = high.value if high else None
        if high is not None:
            step = min(step, high.step) if first.scale == high.scale else high.step
            if top <= value:
                raise self.fail("a range must go from low to high")
        sign = Decimal(-1) if (minus or sense == "down") else Decimal(1)
        if first.units & {"rank"} and (minus or sense):
            raise self.fail("a position cannot rise or fall")
        return Stated(value=sign * value if top is None or sign > 0 else -top, units=first.units, qualifier=qualifier,
                      step=step, direction=sense or ("down" if minus else None), direction_word=direction,
                      high=(top if sign > 0 else -value) if top is not None else None, multiple=first.multiple,
                      hedge_word=hedge_word)

    def quantity(self) -> "_Quantity":
        lex = self.lex
        currency = self.take("currency_before")
        units: set[str] = set()
        if currency:
            units.add(lex.lookup("currency_before", currency.text))
        if self.take("rank_word"):
            t = self.next_number()
            if t.kind != "number" or currency or t.value != t.value.to_integral_value() or "." in t.text:
                raise self.fail()
            if self.i < len(self.toks) and self.toks[self.i].kind == "phrase" and self.toks[self.i].roles & {"scale", "unit_after", "multiple"}:
                raise self.fail()
            return _Quantity(t.value, Decimal(1), frozenset({"rank"}))
        if self.take("chinese_percent"):
            t = self.next_number()
            if currency:
                raise self.fail()
            return _Quantity(t.value, t.step, frozenset({"percent"}))
        if (t := self.take("ordinal")) is not None:
            if currency:
                raise self.fail()
            return _Quantity(Decimal(lex.lookup("ordinals", t.text)), Decimal(1), frozenset({"rank", "count"}))
        if self.take("first_place") is not None:
            if currency:
                raise self.fail()
            return _Quantity(Decimal(1), Decimal(1), frozenset({"rank"}))
        if (t := self.take("cardinal")) is not None:
            value = Decimal(lex.lookup("cardinals", t.text))
            return self.tail(value, Decimal(1), units, currency)
        if (t := self.take("fraction")) is not None:
            return _Quantity(Decimal(lex.lookup("fractions", t.text)), Decimal(1), frozenset({"percent"}))
        if self.i < len(self.toks) and self.toks[self.i].kind == "ordinal":
            t = self.toks[self.i]
            self.i += 1
            if currency:
                raise self.fail()
            return _Quantity(t.value, Decimal(1), frozenset({"rank", "count"}))
        if self.take("chinese_ordinal"):
            t = self.next_number()
            if currency or t.value != t.value.to_integral_value() or t.value < 1:
                raise self.fail()
            return _Quantity(t.value, Decimal(1), frozenset({"rank", "count"}))
        t = self.next_number()
        return self.tail(t.value, t.step, units, currency)

    def next_number(self) -> _Token:
        if self.i >= len(self.toks) or self.toks[self.i].kind != "number":
            what = f"'{self.toks[self.i].text}'" if self.i < len(self.toks) else "the end"
            raise self.fail(f"a number was expected at {what}")
        t = self.toks[self.i]
        self.i += 1
        return t

    def tail(self, value, step, units, currency) -> "_Quantity":
        """What follows a number: scales, a Chinese hedge (多, 余), then a unit or a multiple."""
        lex = self.lex
        power, scale_words, hedge = 0, [], None
        while (t := self.take("scale", "hedge_after")) is not None:
            if "scale" in t.roles:
                power += lex.lookup("scales", t.text)
                scale_words.append(t.text)
                continue
            if hedge is None and "hedge_after" in t.roles:
                # 多 and 余 between a number and its scale or unit ("1000多亿元")
                if self.peek("scale", "unit_after", "multiple") is None:
                    self.i -= 1
                    break
                hedge = t.text
                continue
            self.i -= 1
            break
        scale = Decimal(10) ** power
        unit_word = None
        multiple = False
        if (t := self.take("unit_after")) is not None:
            if currency:
                raise self.fail(f"two currencies, '{currency.text}' and '{t.text}'")
            unit_word = t.text
            unit = lex.lookup("unit_after", t.text)
            units = {unit}
        elif (t := self.take("multiple")) is not None:
            if currency or scale_words:
                raise self.fail()
            multiple = True
            units = {"times"}
        elif not units:
            units = {u.id for u in lex.units.values() if u.stated_by == "number"}
        units |= {u.id for u in lex.units.values() if set(u.accepts) & units}
        stated_by = {lex.units[u].stated_by for u in units if u in lex.units}
        if scale_words and stated_by & {"ordinal"}:
            raise self.fail()
        if scale_words and units & {"percent", "percentage_points"}:
            raise self.fail("a percent cannot have a scale")
        return _Quantity(value * scale, step * scale, frozenset(units), scale=tuple(scale_words) or None,
                         unit_word=unit_word, currency=currency.text if currency else None, multiple=multiple,
                         hedge=hedge, bare=value)


@dataclass(frozen=True)
class _Quantity:
    value: Decimal
    step: Decimal
    units: frozenset
    scale: tuple | None = None
    unit_word: str | None = None
    currency: str | None = None
    multiple: bool = False
    hedge: str | None = None
    bare: Decimal | None = None  # the number before its scale


# -- writing numbers for people ---------------------------------------------------------

_SCALE_NAMES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))
UNIT_LABELS = {"CNY": "CNY", "USD": "USD", "HKD": "HKD", "percent": "%", "percentage_points": "pp", "count": "",
               "rank": "rank", "times": "times", "persons": "people", "enterprises": "enterprises",
               "tonnes": "tonnes", "teu": "TEU", "kwh": "kWh", "cny_per_person": "yuan per person",
               "cny_per_usd": "yuan per US dollar", "cny_per_hkd": "yuan per Hong Kong dollar"}
# In words, as a sentence would say it: the words before and after the number
# (a rank is an ordinal, 1st). Every one of them is a word the reader knows.
UNIT_WORDS = {"CNY": ("", "yuan"), "USD": ("US$", ""), "HKD": ("HK$", ""), "percent": ("", "percent"),
              "percentage_points": ("", "percentage points"), "count": ("", ""), "times": ("", "times"),
              "persons": ("", "people"), "enterprises": ("", "enterprises"), "tonnes": ("", "tonnes"),
              "teu": ("", "TEU"), "kwh": ("", "kWh"), "cny_per_person": ("", "yuan per person"),
              "cny_per_usd": ("", "yuan per US dollar"), "cny_per_hkd": ("", "yuan per Hong Kong dollar")}
CURRENCY_NAMES = {"USD": "US dollars", "HKD": "Hong Kong dollars"}
QUALIFIER_WORDS = {"exact": "", "approximately": "about", "more_than": "more than", "at_least": "at least",
                   "less_than": "less than", "at_most": "at most"}


def format_quantity(value: Decimal | float, unit: str, high: Decimal | float | None = None, *,
                    words: bool = False, qualifier: str | None = None) -> str:
    """A value for people: 3.46 trillion CNY, 6.0 %, 170,000, rank 1, 5.0 to 5.5 %;
    with `words`, as a sentence says it: 3.46 trillion yuan, US$482 billion,
    6 percent, 1st, 5 to 5.5 percent, "more than 1 trillion yuan" with its qualifier."""
    if qualifier and QUALIFIER_WORDS[qualifier]:
        return f"{QUALIFIER_WORDS[qualifier]} {format_quantity(value, unit, high, words=words)}"
    if high is not None and words:  # 5 to 5.5 percent, 0.9 to 1.2 trillion yuan, US$1 billion to US$2 billion
        scale = _scale(Decimal(str(high))) if unit not in _UNSCALED else None
        low_text = _in_words(Decimal(str(value)), unit, scale)
        high_text = _in_words(Decimal(str(high)), unit)
        low_number, _, low_rest = low_text.partition(" ")
        if low_rest and high_text.partition(" ")[2] == low_rest and low_number[:1].isdigit():
            low_text = low_number
        return f"{low_text} to {high_text}"
    if high is not None:
        low_text, high_text = format_quantity(value, unit), format_quantity(high, unit)
        label = UNIT_LABELS.get(unit, unit)
        if label and low_text.endswith(" " + label) and high_text.endswith(" " + label):
            low_text = low_text[: -len(label) - 1]
        return f"{low_text} to {high_text}"
    number = Decimal(str(value))
    if words:
        return _in_words(number, unit)
    label = UNIT_LABELS.get(unit, unit)
    if unit == "percent":
        return f"{_plain(number, minimum_decimals=1)} %"
    if unit == "percentage_points":
        return f"{_plain(number, minimum_decimals=1)} pp"
    if unit == "rank":
        return f"rank {_plain(number)}"
    if unit == "times":
        return f"{_plain(number)} times"
    if (scaled := _scaled(number)) is not None:
        return f"{scaled} {label}".rstrip()
    if unit in ("CNY", "USD", "HKD"):
        return f"{_plain(number)} {label}"
    text = f"{int(number):,}" if number == number.to_integral_value() else _plain(number)
    return f"{text} {label}".rstrip()


_UNSCALED = ("percent", "percentage_points", "times", "rank")


def _in_words(number: Decimal, unit: str, scale: tuple | None = None) -> str:
    if unit == "rank":
        return _ordinal(number)
    before, after = UNIT_WORDS.get(unit, ("", unit))
    if unit == "percentage_points" and abs(number) == 1:
        after = "percentage point"
    if before and number < 0:  # a sign cannot stand before US$: -5 billion US dollars
        before, after = "", CURRENCY_NAMES[unit]
    scale = scale or (None if unit in _UNSCALED else _scale(number))
    digits = f"{_plain(number / scale[0])} {scale[1]}" if scale else _grouped(number)
    return f"{before}{digits} {after}".rstrip()


def _scale(number: Decimal) -> tuple | None:
    """The scale a million or more is written in: (10**12, "trillion")."""
    return next(((size, name) for size, name in _SCALE_NAMES if abs(number) >= size), None)


def _scaled(number: Decimal) -> str | None:
    """A million or more in its scale word: 3.46 trillion, 1.5 million."""
    if (scale := _scale(number)) is None:
        return None
    return f"{_plain(number / scale[0])} {scale[1]}"


def _grouped(number: Decimal) -> str:
    """Thousands grouped: 170,000; 52,000.5; -8.5."""
    whole, _, fraction = _plain(abs(number)).partition(".")
    return ("-" if number < 0 else "") + f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def _ordinal(number: Decimal) -> str:
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_ZH_SCALES = ((Decimal(10) ** 12, "万亿"), (Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
_ZH_UNITS = {"CNY": "元", "USD": "美元", "HKD": "港元", "percent": "%", "percentage_points": "个百分点", "count": "",
             "persons": "人", "enterprises": "家", "tonnes": "吨", "teu": "标箱", "kwh": "千瓦时", "times": "倍"}


def format_quantity_zh(value: Decimal | float, unit: str) -> str:
    """A value as a Chinese report writes it: 14.16万亿元, 5.5%, 0.2个百分点, 第3."""
    number = Decimal(str(value))
    if unit == "rank":
        return f"第{_plain(number)}"
    if unit in ("percent", "percentage_points", "times"):
        return f"{_plain(number)}{_ZH_UNITS[unit]}"
    sign, number = ("-", -number) if number < 0 else ("", number)
    for size, name in _ZH_SCALES:
        if number >= size:
            return f"{sign}{_plain(number / size)}{name}{_ZH_UNITS.get(unit, '')}"
    return f"{sign}{_plain(number)}{_ZH_UNITS.get(unit, '')}"


def _plain(number: Decimal, minimum_decimals: int = 0) -> str:
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if minimum_decimals and "." not in text:
        text += "." + "0" * minimum_decimals
    return text
