"""Full-text search of Chinese (and Japanese and Korean) with SQLite's stock tokenizer.

FTS5's default unicode61 tokenizer makes a whole run of CJK characters one
token, so 深圳 would never match 深圳市经济. Datasette quotes each word of its
search box as one term, so only the indexed text can be shaped: beside the
original text, `index_text` lists every substring of up to MAX_GRAM characters
of each CJK run as a token of its own. A query of up to MAX_GRAM CJK
characters is then one token equal to an indexed one; English text is
indexed exactly as before.

`cli_query` turns what a person types into an FTS5 query that cannot be a
syntax error: each word (or "quoted phrase") is one quoted term, and a CJK run
longer than MAX_GRAM is split into its overlapping MAX_GRAM-grams, all required.
"""

from __future__ import annotations

import re

MAX_GRAM = 8

# Han ideographs (with 々 and 〇), kana and hangul syllables: letters or numbers
# to unicode61, so a run of them is one token unless we split it.
_CJK = (
    "\u3005\u3007\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\U00020000-\U0003134f"
)
_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(r"[^\W_]+")  # roughly what unicode61 keeps as a token: letters and digits
_PIECE = re.compile(rf"[{_CJK}]+|[^{_CJK}\s]+")
_TERM = re.compile(r'\s+|(".*?")')  # a "quoted phrase" or a word, as Datasette splits its search box


def grams(run: str) -> list[str]:
    """Every substring of `run` of 1 to MAX_GRAM characters, except `run` itself."""
    return [run[i:i + n] for n in range(1, min(MAX_GRAM, len(run) - 1) + 1) for i in range(len(run) - n + 1)]


def index_text(text: str | None) -> str | None:
    """The text to index: the original, then, where it has CJK, the CJK runs set
    apart from adjacent letters and digits, then the runs' n-grams."""
    if text is None:
        return None
    runs = _RUN.findall(text)
    if not runs:
        return text
    parts = [text]
    spaced = _RUN.sub(lambda m: f" {m.group()} ", text)
    if _WORD.findall(spaced) != _WORD.findall(text):  # 深圳市GDP: index 深圳市 and GDP as words too
        parts.append(spaced)
    parts.append(" ".join(dict.fromkeys(g for run in runs for g in grams(run))))
    return "\n".join(parts)


def cli_query(query: str) -> str:
    """An FTS5 MATCH expression for a search typed by a person: every word or
    "phrase" is required; FTS5's operators and syntax are taken as plain words."""
    query = query.replace("\x00", " ")  # FTS5 would read a NUL as the end of the query
    if query.count('"') % 2:
        query += '"'
    terms = []
    for bit in _TERM.split(query):
        if not bit:
            continue
        text = bit[1:-1] if bit.startswith('"') else bit
        if not _RUN.search(text):
            terms.append(text)  # as Datasette does: a word, or a phrase whose words are adjacent
            continue
        for piece in _PIECE.findall(text):  # CJK: each run and each other word, required apart
            if _RUN.fullmatch(piece) and len(piece) > MAX_GRAM:
                terms += [piece[i:i + MAX_GRAM] for i in range(len(piece) - MAX_GRAM + 1)]
            else:
                terms.append(piece)
    terms = [t for t in dict.fromkeys(terms) if t]
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms) or '""'
