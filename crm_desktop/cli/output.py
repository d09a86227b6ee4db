"""Printing: machine-readable JSON (ids, ISO dates) and tables aligned for CJK text."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any


def json_value(value: Any) -> Any:
    """A JSON-safe value: datetimes and dates as ISO 8601 (datetimes in UTC, with offset)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(v) for v in value]
    return value


def stored_time(text: str | None) -> str | None:
    """A datetime as the store writes it ('2026-01-02 03:04:05.000000', UTC) in ISO 8601."""
    if not text:
        return None
    return str(json_value(datetime.fromisoformat(text)))


def print_json(value: Any) -> None:
    # ensure_ascii=False: names stay readable (张伟, not \u5f20\u4f1f); output is UTF-8 anyway.
    json.dump(json_value(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def width(text: str) -> int:
    """Terminal columns of `text`: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clip(text: str, columns: int) -> str:
    if width(text) <= columns:
        return text
    out, used = [], 0
    for char in text:
        used += width(char)
        if used > columns - 1:
            break
        out.append(char)
    return "".join(out) + "…"


def pad(text: str, columns: int) -> str:
    return text + " " * max(columns - width(text), 0)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], max_width: int = 40) -> None:
    """Columns sized to their content (each at most `max_width`), two spaces apart."""
    cells = [[clip(c or "", max_width) for c in row] for row in rows]
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    for row in [list(headers), *cells]:
        line = "  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True))
        print(line.rstrip())


def print_fields(pairs: Sequence[tuple[str, Any]]) -> None:
    """'Label:  value' lines, values aligned; empty values are left out."""
    shown = [(label, str(value)) for label, value in pairs if value not in (None, "", [], {})]
    if not shown:
        return
    columns = max(width(label) for label, _ in shown) + 2
    for label, value in shown:
        print(pad(f"{label}:", columns) + value)
