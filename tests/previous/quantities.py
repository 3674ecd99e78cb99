"""The functions of gdfacts/quantities.py that issue 14 made faster, as they
were before (commit 5938a79), verbatim."""

from __future__ import annotations

from decimal import Decimal

from gdfacts.lexicon import Lexicon
from gdfacts.quantities import _DIGITS, _ORDINAL_SUFFIX, MINUS_SIGNS, _ends_a_word, _roles, _step, _Token, chinese_number


def tokens(text: str, lex: Lexicon) -> list[_Token]:
    """Split normalised text into numbers and the lexicon's phrases, longest first."""
    roles = _roles(lex)
    longest = max(map(len, roles))
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
        for size in range(min(longest, n - i), 0, -1):
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


def _chinese_run(text: str, i: int, lex: Lexicon) -> str:
    """The Chinese numeral that starts at i ("三十五", "两万", "三点五"), or ''."""
    digits, units = lex.chinese_digits, lex.chinese_units
    big = {w for w in lex.scales if len(w) == 1 and not w.isascii()} - set(units)
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
