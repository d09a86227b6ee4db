"""What the full-text index stores for a record, and how a user's query matches it.

Pure functions, no database. The FTS table ``search_fts(name, alt, body)`` uses
the ``unicode61`` tokenizer, which splits on punctuation and spaces but keeps a
run of Chinese characters as one token, and trigram cannot match queries under
three characters (DESIGN §8). So every CJK ideograph is written as a token of
its own, on both sides: a 1- or 2-character query is then a single token or a
phrase of adjacent tokens, answered from the index.

Columns:
    name: the record's name, folded (case and accents), ideographs split.
    alt: other spellings of the name: pinyin joined, per syllable and as
        initials ("zhangwei zhang wei zw"); Latin initials ("js"). Then the
        same forms and the name's words again, marked (below).
    body: everything else worth finding the record by (company, emails, phone
        digits, tags, address, notes).

Marked tokens: a column filter (``{name alt} : "vip"*``) is applied while
walking the term's whole doclist, so a word common in bodies but rare in names
("vip", a city, an email domain) scans every body that has it: linear in the
store, tens of milliseconds at a million contacts. So the name's words and
pinyin forms are also written with a private-use prefix (`NAME_MARK`), and the
full pinyin with `START_MARK`: distinct terms, whose doclists hold names only.
Queries never produce those characters from user input (they are not letters).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from crm_desktop.domain.text import char_pinyin, digits, fold, is_cjk

# Bounds the work a pasted essay can cause; no real search needs more.
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 8

_WORD = re.compile(r"[^\W_]+")  # letters and digits, as unicode61 sees tokens
# The ranges of `is_cjk`, for C-speed scans.
_CJK_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
_PINYIN_QUERY = re.compile(r"[a-z]+(?: [a-z]+)*")
_PHONE_PUNCTUATION = frozenset("+-()./ ")

_PREFIX_INDEX_CHARS = 3  # the FTS table's prefix = '1 2 3'
NAME_MARK = "\ue000"  # prefixes a word of the name or of its pinyin forms
START_MARK = "\ue001"  # prefixes the name's full pinyin: "the pinyin starts with"


class _Segmenter(dict[int, str]):
    """`str.translate` table putting spaces around each ideograph, filled on demand.

    Translating through a lazily filled dict costs ~70 ns a character, several
    times less than a regex substitution, and holds only characters seen.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = f" {char} " if is_cjk(char) else char
        self[code] = value
        return value


_SEGMENTER = _Segmenter()


# -- text normalisation --------------------------------------------------------
def fold_text(text: str) -> str:
    """`fold()` with fast paths: ASCII text, and text with nothing to decompose.

    Differs from `fold()` only by keeping a stray combining mark that composes
    with nothing. Index and queries both go through here, so they always agree.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Nothing decomposed means no accents to drop; skips fold's per-character loop.
    if unicodedata.is_normalized("NFC", decomposed):
        return decomposed
    return fold(text)


def segment(text: str) -> str:
    """Put spaces around every CJK ideograph so the tokenizer indexes each alone."""
    return text if text.isascii() else text.translate(_SEGMENTER)


def index_text(text: str) -> str:
    """Folded, segmented form of free text, as stored in the index."""
    return segment(fold_text(text))


def name_key(name: str) -> str:
    """The form of a name compared for exact and prefix matches ('  Zoë  Li' -> 'zoe li')."""
    return " ".join(fold_text(name).split())


# -- index columns ---------------------------------------------------------------
class DocTexts(NamedTuple):
    """What one record contributes to the index."""

    key: str  # search_doc.name_key
    name: str  # search_fts.name
    alt: str  # search_fts.alt
    body: str  # search_fts.body


@lru_cache(maxsize=16384)  # common names recur by the thousand ("张伟")
def name_columns(name: str) -> tuple[str, str, str]:
    """(name_key, name column, alt column) of a name, folding it once.

    The name column holds the folded words and one token per ideograph; alt
    holds the pinyin forms of the ideographs and the initials of a multi-word
    Latin name, then the marked forms (see the module docstring).
    """
    key = name_key(name)
    if key.isascii():  # the common Latin case: no ideographs, no pinyin
        return key, key, _alt(_latin_forms(key.split()), _WORD.findall(key), "")
    text = " ".join(segment(key).split())
    syllables = [p for p in map(char_pinyin, _CJK_CHAR.findall(key)) if p]
    forms = _pinyin_forms(syllables) if syllables else []
    forms.extend(_latin_forms(_CJK_CHAR.sub(" ", key).split()))
    return key, text, _alt(forms, _WORD.findall(text), "".join(syllables))


def _alt(forms: list[str], words: list[str], pinyin: str) -> str:
    # The name's words first and in order: a marked phrase ("张 伟") needs them adjacent.
    marked = [NAME_MARK + w for w in words + forms]
    if pinyin:
        marked.append(START_MARK + pinyin)
    return " ".join(forms + marked)


def name_text(name: str) -> str:
    """The `name` column: folded Latin words and one token per ideograph."""
    return name_columns(name)[1]


def alt_text(name: str) -> str:
    """The `alt` column: pinyin forms of CJK names, initials of multi-word Latin names."""
    return name_columns(name)[2]


def _pinyin_forms(syllables: list[str]) -> list[str]:
    """Full pinyin, given name, syllables, initials."""
    forms = ["".join(syllables)]
    if len(syllables) > 1:
        if len(syllables) > 2:
            forms.append("".join(syllables[1:]))  # the given name, typed on its own
        forms.extend(syllables)
        forms.append("".join([s[0] for s in syllables]))
    # pypinyin writes ü as v ("lv"); many people type u ("lu").
    if "v" in forms[0]:
        forms.extend([f.replace("v", "u") for f in forms if "v" in f])
    return forms


def _latin_forms(chunks: list[str]) -> list[str]:
    """Initials of a multi-word name; "o'brien" joined as "obrien" (indexed as "o brien")."""
    words: list[str] = []
    joined: list[str] = []
    for chunk in chunks:
        parts = [chunk] if chunk.isalnum() else _WORD.findall(chunk)
        words.extend(parts)
        if len(parts) > 1:
            joined.append("".join(parts))
    forms = ["".join(w[0] for w in words)] if len(words) > 1 else []
    return forms + joined


def phone_tokens(number: str) -> list[str]:
    """Digit strings a phone number is found by.

    E.164 digits without '+', the national number, and the last four digits,
    e.g. "+8613812345678" -> ["8613812345678", "13812345678", "5678"].
    """
    tail = number[1:]
    if number[:1] == "+" and tail.isascii() and tail.isdigit():
        all_digits = tail  # stored E.164: skip the per-character scan
    else:
        all_digits = digits(fold_text(number))
    if not all_digits:
        return []
    tokens = [all_digits]
    national = _national_digits(number, all_digits)
    if national and national != all_digits:
        tokens.append(national)
    if len(all_digits) > 4:
        tokens.append(all_digits[-4:])
    return tokens


def _national_digits(number: str, all_digits: str) -> str:
    """The national significant number of an international number, else ''.

    Peels the country code off with phonenumbers' own table the way its parser
    does; `phonenumbers.parse` (~35 µs) would dominate a bulk insert. Leading
    zeros (Italy) are kept, as people type them.
    """
    if not number.lstrip().startswith("+"):
        return ""
    codes = _country_codes()
    for size in (1, 2, 3):
        if all_digits[:size] in codes:
            return all_digits[size:]
    return ""


@cache
def _country_codes() -> frozenset[str]:
    # Imported when first needed: phonenumbers costs ~20 ms, and the app's
    # start (which imports this module) indexes no phone number.
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    return frozenset(str(code) for code in COUNTRY_CODE_TO_REGION_CODE)


def contact_texts(row: Mapping[str, Any], company_name: str | None) -> DocTexts:
    """The index texts of a contact row (JSON columns decoded to lists)."""
    body = [_repeated_text(company_name), _repeated_text(row["title"])]
    for email in row["emails"] or ():
        body.append(_free_text(_item(email, "address")))
    for phone in row["phones"] or ():
        body += phone_tokens(_item(phone, "number"))
    for tag in row["tags"] or ():
        body.append(_repeated_text(tag))
    body.append(_repeated_text(row["address"]))
    body.append(_free_text(row["notes"]))
    return DocTexts(*name_columns(row["name"] or ""), "\n".join([p for p in body if p]))


def company_texts(row: Mapping[str, Any]) -> DocTexts:
    """The index texts of a company row."""
    body = [_repeated_text(row[f]) for f in ("industry", "city", "country")]
    body += [_free_text(row[f]) for f in ("website", "email", "address", "notes")]
    body += phone_tokens(row["phone"] or "")
    body += [_repeated_text(tag) for tag in row["tags"] or ()]
    return DocTexts(*name_columns(row["name"] or ""), "\n".join([p for p in body if p]))


def _item(value: Any, key: str) -> str:
    """The field of a {"label", key} entry; tolerates a bare string."""
    if type(value) is dict or isinstance(value, Mapping):
        return str(value.get(key) or "")
    return str(value or "")


def _free_text(text: str | None) -> str:
    """Index form of a body field. ASCII goes in as is: the tokenizer folds its case."""
    if not text:
        return ""
    return text if text.isascii() else segment(fold_text(text))


# Company names, titles, tags and cities repeat across thousands of contacts.
_repeated_text = lru_cache(maxsize=8192)(_free_text)


# -- queries -------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedQuery:
    """A user's query, ready for the tiers of a search.

    Attributes:
        key: the `name_key` form, for exact and name-prefix look-ups.
        expression: FTS5 MATCH expression over all columns; "" if the query has
            nothing indexable (only punctuation).
        name_expression: the same terms matched against the name's marked words
            and pinyin forms only, every word but the last whole; "" for a
            phone number.
        pinyin_prefix: MATCH expression "the name's full pinyin starts with the
            query", when the query is all lower-case ASCII letters (maybe pinyin:
            "zhang wei" -> "zhangwei"); else "".
        phone: the query is a phone number (only digits and phone punctuation).
    """

    key: str
    expression: str
    name_expression: str
    pinyin_prefix: str
    phone: bool


def parse_query(query: str) -> ParsedQuery:
    """Parse a user's search text; never fails, whatever the text."""
    # Lone surrogates (broken clipboard text) cannot be encoded for SQLite.
    text = query.encode("utf-8", "replace").decode("utf-8").strip()[:MAX_QUERY_CHARS]
    folded = fold_text(text)
    key = name_key(text)
    if _is_phone(folded):
        return ParsedQuery(key, _phone_expression(digits(folded)), "", "", phone=True)
    plain = " ".join(text.split())
    pinyin = plain.replace(" ", "") if _PINYIN_QUERY.fullmatch(plain) else ""
    return ParsedQuery(
        key,
        _words_expression(folded, ""),
        _words_expression(folded, NAME_MARK),
        f"{quote(START_MARK + pinyin)}*" if pinyin else "",
        phone=False,
    )


def match_expression(query: str, columns: Sequence[str] | None = None) -> str:
    """An FTS5 MATCH expression for a user's query ("" when nothing to match).

    Words become prefix terms, all required; a word with inner punctuation
    ("o'brien", an email) becomes a phrase; CJK becomes a phrase of single
    characters; a phone number becomes a digits prefix. Every term is quoted,
    so operators, quotes and other syntax in the query are plain text.

    Args:
        query: the text the user typed.
        columns: restrict the match to these columns (default: all).
    """
    expression = parse_query(query).expression
    return column_filter(expression, columns) if columns else expression


def column_filter(expression: str, columns: Sequence[str]) -> str:
    """Restrict a MATCH expression to `columns` ("" stays "")."""
    if not expression:
        return ""
    return f"{{{' '.join(columns)}}} : ({expression})"


def quote(token: str) -> str:
    """An FTS5 string literal: any text, double quotes doubled."""
    return '"' + token.replace('"', '""') + '"'


def _is_phone(folded: str) -> bool:
    has_digit = False
    for char in folded:
        if char.isdecimal():
            has_digit = True
        elif char not in _PHONE_PUNCTUATION:
            return False
    return has_digit


def _phone_expression(number: str) -> str:
    terms = [number]
    # "010 …" (trunk prefix) and "0086 …" (international prefix) are stored
    # without their leading zeros.
    stripped = number.lstrip("0")
    if stripped and stripped != number:
        terms.append(stripped)
    return " OR ".join(f"{quote(t)}*" for t in terms)


def _words_expression(folded: str, mark: str) -> str:
    """Each word a term, all required; with a `mark`, only the last word is a prefix.

    A marked prefix is one character longer than the user's, past FTS5's
    3-character prefix index for a 3-letter word, and FTS5 then gathers every
    matching term's doclist before returning a row: three common syllables
    ("gao ming fan") took ~50 ms at 1M contacts. A word followed by a space is
    finished, so the name tier matches it whole; the catch-all tier (no mark)
    still treats every word as a prefix.
    """
    phrases = [tokens for word in folded.split() if (tokens := _WORD.findall(segment(word)))]
    phrases = phrases[:MAX_QUERY_TERMS]
    if not phrases:
        return ""
    if not mark:
        return " AND ".join(_phrase(tokens, "", prefix=True) for tokens in phrases)
    *whole, last = phrases
    terms = [_phrase(tokens, mark, prefix=False) for tokens in whole]
    # The whole words already pin the record by its name: a short last prefix
    # can go unmarked, where the prefix index streams it.
    last_mark = "" if whole and _fits_prefix_index(last) else mark
    terms.append(_phrase(last, last_mark, prefix=True))
    return " AND ".join(terms)


def _fits_prefix_index(tokens: list[str]) -> bool:
    word = tokens[-1]
    return len(tokens) == 1 and len(word) <= _PREFIX_INDEX_CHARS and not is_cjk(word[0])


def _phrase(tokens: list[str], mark: str, *, prefix: bool) -> str:
    # An ideograph is a whole token; only a trailing Latin/digit token is a prefix.
    star = "*" if prefix and not is_cjk(tokens[-1][0]) else ""
    return quote(" ".join(mark + t for t in tokens)) + star
