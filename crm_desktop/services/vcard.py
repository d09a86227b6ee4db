"""Contacts as vCard 3.0 (RFC 2426), text escaped and lines folded as RFC 6350 asks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

TEL_TYPES = {"mobile": "CELL", "cell": "CELL", "work": "WORK", "home": "HOME", "fax": "FAX"}
EMAIL_TYPES = {"work": "WORK", "home": "HOME"}


def vcard(contact: Mapping[str, Any], company_name: str | None = None) -> str:
    """One contact as a vCard 3.0 (CRLF line ends, lines folded at 75 octets)."""
    name = contact.get("name") or ""
    family, given = split_name(name)
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{escape(name)}"]
    lines.append(f"N:{escape(family)};{escape(given)};;;")
    if company_name:
        lines.append(f"ORG:{escape(company_name)}")
    if contact.get("title"):
        lines.append(f"TITLE:{escape(contact['title'])}")
    for phone in contact.get("phones") or []:
        kind = _param(phone.get("label", ""), TEL_TYPES, "VOICE")
        lines.append(f"TEL;TYPE={kind}:{escape(phone.get('number', ''))}")
    for email in contact.get("emails") or []:
        kind = _param(email.get("label", ""), EMAIL_TYPES, "")
        types = f"INTERNET,{kind}" if kind else "INTERNET"
        lines.append(f"EMAIL;TYPE={types}:{escape(email.get('address', ''))}")
    if contact.get("birthday"):
        birthday = contact["birthday"]
        lines.append(f"BDAY:{birthday.isoformat() if isinstance(birthday, date) else birthday}")
    if contact.get("notes"):
        lines.append(f"NOTE:{escape(contact['notes'])}")
    if contact.get("tags"):
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in contact["tags"]))
    lines.append(f"UID:{escape(contact.get('id') or '')}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def _param(label: str, known: dict[str, str], default: str) -> str:
    label = label.strip().lower()
    if label in known:
        return known[label]
    return label.upper() if label.isascii() and label.isalnum() else default


def split_name(name: str) -> tuple[str, str]:
    """(family, given), best effort: "张伟" -> ("张", "伟"); "Ada Lovelace" -> ("Lovelace", "Ada").

    A CJK name without spaces takes its first character as the family name
    (compound surnames such as 欧阳 come out wrong; N is only a hint)."""
    name = name.strip()
    if " " in name:
        given, _, family = name.rpartition(" ")
        return family, given.strip()
    if name and not name.isascii() and len(name) > 1:
        return name[0], name[1:]
    return name, ""


def escape(value: str) -> str:
    """A text value escaped per RFC 6350 §3.4: backslash, comma, semicolon, newline."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """Fold `line` so no physical line exceeds `limit` octets, never inside a UTF-8 character;
    continuation lines start with a space (which counts toward the limit)."""
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if used + size > limit:
            parts.append("".join(current))
            current, used = [" "], 1
        current.append(char)
        used += size
    parts.append("".join(current))
    return "\r\n".join(parts)
