"""Contacts as vCard 3.0 (RFC 2426), text escaped and lines folded as RFC 6350 asks;
and reading vCard 2.1, 3.0 and 4.0 files for import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crm_desktop.domain.text import has_cjk
from crm_desktop.errors import CrmError

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


# -- reading (import) -------------------------------------------------------------------
# A small parser of our own: vobject (0.9.9) fails on vCard 2.1 quoted-printable soft
# line breaks, which every Android phone and Outlook export writes, and ignores CHARSET.

VCARD_EXTENSIONS = (".vcf", ".vcard")
_TEL_LABELS = {"CELL": "mobile", "WORK": "work", "HOME": "home", "FAX": "fax", "MAIN": "work"}
_EMAIL_LABELS = {"WORK": "work", "HOME": "home"}
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}
_KNOWN = frozenset(
    [
        "BEGIN",
        "END",
        "VERSION",
        "FN",
        "N",
        "ORG",
        "TITLE",
        "TEL",
        "EMAIL",
        "ADR",
        "BDAY",
        "NOTE",
        "CATEGORIES",
        "UID",
    ]
)


@dataclass
class VCardCard:
    """One card read from a file: its number in the file, first line and contact values."""

    number: int
    line: int
    values: dict[str, Any]
    ignored: list[str] = field(default_factory=list)


@dataclass
class VCardFile:
    """The cards of a file; `skipped` lists broken cards as (card number, reason)."""

    cards: list[VCardCard]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = "utf-8"


def looks_like_vcard(data: bytes, name: str = "") -> bool:
    """Whether a file is vCard, by extension or by content (BEGIN:VCARD first)."""
    if name.lower().endswith(VCARD_EXTENSIONS):
        return True
    head = data[:4096]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(codec, "ignore").encode()
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head[:11].upper() == b"BEGIN:VCARD"


def read_vcards(data: bytes) -> VCardFile:
    """Parse every card of a vCard 2.1, 3.0 or 4.0 file (several per file).

    Unknown properties are ignored; a card that cannot be read is reported in
    `skipped` with its number and the reason, and the other cards still come out.
    """
    raw, encoding = _as_utf8_bytes(data)
    lines = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    result = VCardFile([], encoding=encoding)
    card: list[tuple[int, bytes]] | None = None
    start = number = 0
    for index, line in enumerate(lines, start=1):
        stripped = line.strip()
        upper = stripped.upper()
        if upper == b"BEGIN:VCARD":
            if card is not None:
                result.skipped.append((number, f"line {start}: the card has no END:VCARD"))
            number += 1
            card, start = [], index
            continue
        if card is None:
            if stripped and not (result.cards or result.skipped) and index > 50:
                break
            continue
        if upper == b"END:VCARD":
            try:
                values, ignored = _card_values(_unfold(card))
            except _CardError as exc:
                result.skipped.append((number, f"line {exc.line or start}: {exc}"))
            else:
                result.cards.append(VCardCard(number, start, values, ignored))
            card = None
            continue
        card.append((index, line))
    if card is not None:
        result.skipped.append((number, f"line {start}: the card has no END:VCARD"))
    if number == 0:
        raise CrmError(
            "import.unreadable",
            "Cannot import the file: it holds no vCard (no BEGIN:VCARD line).",
            reason="no BEGIN:VCARD",
        )
    return result


class _CardError(ValueError):
    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


def _as_utf8_bytes(data: bytes) -> tuple[bytes, str]:
    """UTF-16 files become UTF-8 bytes; 8-bit files stay bytes (each value has its charset)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16").encode("utf-8"), "utf-16"
    if b"\x00" in data[:200] and len(data) > 1:
        codec = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        try:
            return data.decode(codec).encode("utf-8"), codec
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data, "gb18030"
    return data, "utf-8"


@dataclass
class _Property:
    line: int
    name: str
    params: dict[str, list[str]]
    value: bytes


def _unfold(lines: list[tuple[int, bytes]]) -> list[_Property]:
    """Logical properties: RFC folding (a leading space or tab) and 2.1 QP soft breaks."""
    logical: list[tuple[int, bytes]] = []
    for number, line in lines:
        if line[:1] in (b" ", b"\t") and logical:
            first, text = logical[-1]
            # A fold drops exactly the one whitespace character that marks it.
            logical[-1] = (first, text + line[1:])
        elif not line.strip():
            continue
        elif logical and _qp_open(logical[-1][1]):
            first, text = logical[-1]
            logical[-1] = (first, text[:-1] + line)
        else:
            logical.append((number, line))
    props = []
    for number, text in logical:
        props.append(_parse_property(number, text))
    return props


def _qp_open(text: bytes) -> bool:
    """A quoted-printable value ending in '=' continues on the next line."""
    if not text.rstrip(b" \t").endswith(b"="):
        return False
    head = text.split(b":", 1)[0].upper()
    return b"QUOTED-PRINTABLE" in head


def _parse_property(number: int, text: bytes) -> _Property:
    colon = _unquoted_colon(text)
    if colon < 0:
        shown = text[:40].decode("utf-8", "replace")
        raise _CardError(f"'{shown}' is not a property (no ':')", number)
    head, value = text[:colon], text[colon + 1 :]
    parts = _split_params(head.decode("utf-8", "replace"))
    name = parts[0].strip().upper().rpartition(".")[2]  # drop a group ("item1.TEL")
    if not name:
        raise _CardError("a property has no name", number)
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, sep, val = part.partition("=")
        if sep:
            values = [v.strip().strip('"') for v in val.split(",")]
            params.setdefault(key.strip().upper(), []).extend(values)
        elif key.strip():  # 2.1 bare parameter: TEL;CELL;QUOTED-PRINTABLE
            bare = key.strip().upper()
            if bare in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"):
                params.setdefault("ENCODING", []).append(bare)
            else:
                params.setdefault("TYPE", []).append(bare)
    return _Property(number, name, params, value)


def _unquoted_colon(text: bytes) -> int:
    quoted = False
    for index, byte in enumerate(text):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            return index
    return -1


def _split_params(head: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in head:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _text(prop: _Property, version: str) -> str:
    """The property's value as text: quoted-printable decoded, then its CHARSET."""
    import quopri

    encoding = {e.upper() for e in prop.params.get("ENCODING", [])}
    value = prop.value
    if "QUOTED-PRINTABLE" in encoding:
        value = quopri.decodestring(value)
    charset = (prop.params.get("CHARSET") or [""])[0].strip().lower()
    if charset:
        codec = _CHARSET_ALIASES.get(charset, charset)
        try:
            return value.decode(codec).replace("\r\n", "\n")
        except LookupError:
            raise _CardError(f"unknown character set {charset!r}", prop.line) from None
        except UnicodeDecodeError:
            raise _CardError(
                f"{prop.name} is not valid {charset.upper()} text", prop.line
            ) from None
    for codec in ("utf-8", "gb18030"):
        try:
            return value.decode(codec).replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue
    return value.decode("latin-1").replace("\r\n", "\n")


def _unescape(text: str) -> str:
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append("\n" if nxt in ("n", "N") else nxt)
        else:
            out.append(char)
    return "".join(out)


def _split(text: str, sep: str) -> list[str]:
    """Split on `sep` not escaped by a backslash, then unescape each part."""
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == sep:
            parts.append(_unescape("".join(current)))
            current = []
        else:
            current.append(char)
    parts.append(_unescape("".join(current)))
    return parts


def _card_values(props: list[_Property]) -> tuple[dict[str, Any], list[str]]:
    version = next(
        (p.value.strip().decode("ascii", "replace") for p in props if p.name == "VERSION"), "3.0"
    )
    values: dict[str, Any] = {}
    phones: list[dict[str, str]] = []
    emails: list[dict[str, str]] = []
    tags: list[str] = []
    notes: list[str] = []
    ignored: list[str] = []
    family = given = ""
    for prop in props:
        name = prop.name
        if name not in _KNOWN:
            ignored.append(name)
            continue
        if "BASE64" in {e.upper() for e in prop.params.get("ENCODING", [])} or "B" in {
            e.upper() for e in prop.params.get("ENCODING", [])
        }:
            continue
        text = _text(prop, version).strip()
        if not text:
            continue
        types = {t.upper() for t in prop.params.get("TYPE", []) for t in t.split(",")}
        if name == "FN":
            values["name"] = _unescape(text)
        elif name == "N":
            parts = [*_split(text, ";"), "", ""]
            family, given = parts[0].strip(), parts[1].strip()
        elif name == "ORG":
            company = _split(text, ";")[0].strip()
            if company:
                values["company"] = company
        elif name == "TITLE":
            values["title"] = _unescape(text)
        elif name == "TEL":
            number = _unescape(text)
            number = number[4:] if number.lower().startswith("tel:") else number
            label = next((_TEL_LABELS[t] for t in _TEL_LABELS if t in types), "mobile")
            phones.append({"label": label, "number": number.strip()})
        elif name == "EMAIL":
            address = _unescape(text)
            address = address[7:] if address.lower().startswith("mailto:") else address
            label = next((_EMAIL_LABELS[t] for t in _EMAIL_LABELS if t in types), "work")
            emails.append({"label": label, "address": address.strip()})
        elif name == "ADR":
            address = _address(_split(text, ";"))
            if address and "address" not in values:
                values["address"] = address
        elif name == "BDAY":
            birthday = _birthday(text)
            if birthday:
                values["birthday"] = birthday
        elif name == "NOTE":
            notes.append(_unescape(text))
        elif name == "CATEGORIES":
            tags.extend(t.strip() for t in _split(text, ",") if t.strip())
    if not values.get("name") and (family or given):
        values["name"] = family + given if has_cjk(family + given) else f"{given} {family}".strip()
    if phones:
        values["phones"] = phones
    if emails:
        values["emails"] = emails
    if tags:
        values["tags"] = list(dict.fromkeys(tags))
    if notes:
        values["notes"] = "\n".join(notes)
    return values, ignored


def _address(parts: list[str]) -> str:
    """ADR's (po box; extended; street; locality; region; postal code; country) as one line."""
    parts = [p.strip() for p in parts + [""] * 7][:7]
    pobox, extended, street, locality, region, postal, country = parts
    if has_cjk("".join(parts)):  # Chinese order: country, region, city, street
        return "".join(p for p in (country, region, locality, street, extended, pobox) if p)
    city = " ".join(p for p in (postal, locality) if p)
    return ", ".join(p for p in (pobox, extended, street, city, region, country) if p)


def _birthday(text: str) -> str | None:
    """BDAY as YYYY-MM-DD (19800115, 1980-01-15, 1980-01-15T00:00:00Z); None without a year."""
    day = text.strip().split("T")[0].replace("-", "")
    if len(day) == 8 and day.isdigit():
        return f"{day[:4]}-{day[4:6]}-{day[6:]}"
    return None
