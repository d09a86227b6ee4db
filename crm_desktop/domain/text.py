"""Text normalisation shared by sorting, search and duplicate checks.

Chinese characters map to pinyin one character at a time through a cache:
names are short and draw on a few thousand characters, so after warm-up a
name costs a few dictionary look-ups instead of a pypinyin call (~60 µs).
pypinyin itself is imported on first use (~0.3 s), never at start-up.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def is_cjk(char: str) -> bool:
    """Whether `char` is a CJK ideograph (the ranges Chinese names use)."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0xF900 <= code <= 0xFAFF
    )


def has_cjk(text: str) -> bool:
    return any(is_cjk(c) for c in text)


@lru_cache(maxsize=65536)
def char_pinyin(char: str) -> str:
    """The most common reading of one ideograph, lower-case, no tone ('张' -> 'zhang')."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.NORMAL, errors="ignore")[0] if is_cjk(char) else ""


def pinyin_syllables(text: str) -> list[str]:
    """Pinyin of each ideograph in `text`, other characters dropped."""
    return [p for p in (char_pinyin(c) for c in text if is_cjk(c)) if p]


def fold(text: str) -> str:
    """Case- and accent-insensitive form of Latin text ('Zoë' -> 'zoe')."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)  # common Chinese names recur by the thousand in an import
def sort_key(name: str) -> str:
    """Key that sorts Chinese names by pinyin among Latin names ('张伟' near 'Zhang')."""
    if name.isascii():
        return " ".join(name.lower().split())
    parts: list[str] = []
    for char in name.strip():
        if is_cjk(char):
            parts.append(char_pinyin(char) or char)
            parts.append(" ")
        else:
            parts.append(char)
    return " ".join(fold("".join(parts)).split())


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())
