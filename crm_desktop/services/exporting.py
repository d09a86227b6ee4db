"""Export contacts, companies, deals or activities to CSV, JSON or vCard.

Records are read in keyset pages ordered by id (`PAGE_SIZE` rows, one read
transaction each), so a million-row table never sits in memory. A path
target is written to a temporary file beside it and renamed at the end: a
failed export leaves no half-written file behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from sqlalchemy import Connection, Table, select, text

from crm_desktop.domain.models import (
    Activity,
    Company,
    Contact,
    CustomField,
    CustomValue,
    Deal,
    Pipeline,
    Stage,
)
from crm_desktop.errors import ValidationError
from crm_desktop.services.vcard import vcard
from crm_desktop.store.changes import table_of
from crm_desktop.store.engine import Store
from crm_desktop.store.wire import to_wire

PAGE_SIZE = 2_000
FORMATS = ("csv", "json", "vcard")
LIST_SEPARATOR = "; "
Progress = Callable[[int, int], None]  # (records written, total)
Row = dict[str, Any]

# Readable CSV columns per entity: (header, source). A source is a column name,
# or "@link" for the name of the record a "link_id" column points to.
_LINKS: dict[str, tuple[Any, str]] = {
    "company_id": (Company, "name"),
    "contact_id": (Contact, "name"),
    "deal_id": (Deal, "title"),
    "pipeline_id": (Pipeline, "name"),
    "stage_id": (Stage, "name"),
}
_TIMES = [("Created", "created_at"), ("Updated", "updated_at")]
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "contact": [
        ("ID", "id"),
        ("Name", "name"),
        ("Company", "@company_id"),
        ("Company ID", "company_id"),
        ("Title", "title"),
        ("Phones", "phones"),
        ("Emails", "emails"),
        ("Address", "address"),
        ("Birthday", "birthday"),
        ("Source", "source"),
        ("Grade", "grade"),
        ("Tags", "tags"),
        ("Owner", "owner"),
        ("Notes", "notes"),
        ("Consent email", "consent_email"),
        ("Consent call", "consent_call"),
        ("Consent SMS", "consent_sms"),
        ("Last activity", "last_activity_at"),
        *_TIMES,
    ],
    "company": [
        ("ID", "id"),
        ("Name", "name"),
        ("Industry", "industry"),
        ("Website", "website"),
        ("Phone", "phone"),
        ("Email", "email"),
        ("Address", "address"),
        ("City", "city"),
        ("Country", "country"),
        ("Grade", "grade"),
        ("Tags", "tags"),
        ("Owner", "owner"),
        ("Notes", "notes"),
        *_TIMES,
    ],
    "deal": [
        ("ID", "id"),
        ("Title", "title"),
        ("Pipeline", "@pipeline_id"),
        ("Stage", "@stage_id"),
        ("Company", "@company_id"),
        ("Contact", "@contact_id"),
        ("Value", "value_cents"),
        ("Currency", "currency"),
        ("Expected close", "expected_close"),
        ("Status", "status"),
        ("Lost reason", "lost_reason"),
        ("Owner", "owner"),
        ("Tags", "tags"),
        ("Notes", "notes"),
        ("Stage entered", "stage_entered_at"),
        ("Closed", "closed_at"),
        ("Last activity", "last_activity_at"),
        *_TIMES,
    ],
    "activity": [
        ("ID", "id"),
        ("Kind", "kind"),
        ("Subject", "subject"),
        ("Occurred", "occurred_at"),
        ("Duration (s)", "duration_s"),
        ("Direction", "direction"),
        ("Outcome", "outcome"),
        ("Phone", "phone"),
        ("Contact", "@contact_id"),
        ("Company", "@company_id"),
        ("Deal", "@deal_id"),
        ("Owner", "owner"),
        ("Notes", "notes"),
        ("Created", "created_at"),
    ],
}
MODELS: dict[str, Any] = {
    "contact": Contact,
    "company": Company,
    "deal": Deal,
    "activity": Activity,
}
ENTITIES = tuple(MODELS)


@dataclass
class Page:
    """One page of records, with the names of linked records and custom values."""

    rows: list[Row]
    names: dict[str, dict[str, str]]  # link column -> {id: name}
    custom: dict[str, dict[str, Any]]  # record id -> {field id: value}


def export_records(
    store: Store,
    entity: str,
    fmt: str,
    out: BinaryIO | str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    page_size: int = PAGE_SIZE,
) -> int:
    """Write every `entity` record to `out` in `fmt`; returns how many were written.

    Args:
        entity: contact, company, deal or activity.
        fmt: csv (UTF-8 with BOM, for Excel), json (an array of wire values)
            or vcard (vCard 3.0; contacts only).
        out: a path (written atomically) or a binary stream (written as is).
        progress: called with (written, total) after every page; an exception
            from it aborts the export (a path target is then not created).
    """
    if entity not in MODELS:
        raise ValidationError(
            "entity", f"Cannot export '{entity}'.", code="validation.choice", choices=ENTITIES
        )
    if fmt not in FORMATS or (fmt == "vcard" and entity != "contact"):
        choices = FORMATS if entity == "contact" else ("csv", "json")
        raise ValidationError(
            "format",
            f"Cannot export {entity} records as '{fmt}'.",
            code="validation.choice",
            choices=choices,
        )
    with _binary_target(out) as stream:
        return _export(store, entity, fmt, stream, progress, page_size)


@contextmanager
def _binary_target(out: BinaryIO | str | os.PathLike[str]) -> Iterator[BinaryIO]:
    if not isinstance(out, str | os.PathLike):
        yield out
        return
    target = Path(out)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _export(
    store: Store,
    entity: str,
    fmt: str,
    stream: BinaryIO,
    progress: Progress | None,
    page_size: int,
) -> int:
    fields = _custom_fields(store, entity)
    total = _total(store, entity)
    # newline="": csv writes its own \r\n; vCard lines carry their own CRLF.
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    textout = io.TextIOWrapper(stream, encoding=encoding, newline="")
    writer = _WRITERS[fmt](textout, entity, fields)
    done = 0
    try:
        for page in _pages(store, entity, page_size):
            writer.write(page)
            done += len(page.rows)
            if progress:
                progress(done, max(total, done))
        writer.finish()
        textout.flush()
    finally:
        textout.detach()  # the caller owns (and closes) the binary stream
    return done


def _total(store: Store, entity: str) -> int:
    with store.read() as conn:
        kept = conn.execute(
            text("SELECT count FROM record_count WHERE entity = :e"), {"e": entity}
        ).scalar()
        if kept is None:
            kept = conn.execute(text(f"SELECT count(*) FROM {entity}")).scalar()
    return int(kept or 0)


def _custom_fields(store: Store, entity: str) -> list[tuple[str, str, str]]:
    """(field id, key, label) of `entity`'s custom fields, in their order."""
    with store.read() as conn:
        table = table_of(CustomField)
        rows = conn.execute(
            select(table.c.id, table.c.key, table.c.label)
            .where(table.c.entity == entity)
            .order_by(table.c.position, table.c.id)
        )
        return [(r[0], r[1], r[2]) for r in rows]


def _pages(store: Store, entity: str, page_size: int) -> Iterator[Page]:
    """Keyset pages by id: each page a read of its own, never the whole table."""
    table: Table = table_of(MODELS[entity])
    after: str | None = None
    while True:
        query = select(table).order_by(table.c.id).limit(page_size)
        if after is not None:
            query = query.where(table.c.id > after)
        with store.read() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
            if not rows:
                return
            page = Page(rows, _link_names(conn, rows), _custom_page(conn, rows))
        yield page
        if len(rows) < page_size:
            return
        after = rows[-1]["id"]


def _link_names(conn: Connection, rows: Sequence[Row]) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {}
    for column, (model, name_column) in _LINKS.items():
        ids = sorted({r[column] for r in rows if r.get(column)})
        if not ids:
            continue
        table = table_of(model)
        found = conn.execute(
            select(table.c.id, table.c[name_column]).where(table.c.id.in_(ids))
        ).all()
        names[column] = {record_id: name for record_id, name in found}
    return names


def _custom_page(conn: Connection, rows: Sequence[Row]) -> dict[str, dict[str, Any]]:
    table = table_of(CustomValue)
    found: dict[str, dict[str, Any]] = {}
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), 500):  # stay far below SQLite's bound-parameter limit
        query = select(table.c.record_id, table.c.field_id, table.c.value).where(
            table.c.record_id.in_(ids[start : start + 500])
        )
        for record_id, field_id, value in conn.execute(query):
            found.setdefault(record_id, {})[field_id] = value
    return found


def utc(value: datetime) -> datetime:
    """The store keeps UTC datetimes; some come back naive."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# -- writers -------------------------------------------------------------------------
class _CsvWriter:
    def __init__(self, out: IO[str], entity: str, fields: list[tuple[str, str, str]]):
        self.columns = COLUMNS[entity]
        self.fields = fields
        self.writer = csv.writer(out)
        self.writer.writerow([h for h, _ in self.columns] + [label for _, _, label in fields])

    def write(self, page: Page) -> None:
        for row in page.rows:
            cells = [self._cell(row, source, page) for _, source in self.columns]
            custom = page.custom.get(row["id"], {})
            cells.extend(_text(custom.get(field_id)) for field_id, _, _ in self.fields)
            self.writer.writerow(cells)

    def _cell(self, row: Row, source: str, page: Page) -> str:
        if source.startswith("@"):
            column = source[1:]
            return page.names.get(column, {}).get(row.get(column) or "", "")
        value = row.get(source)
        if source == "value_cents":
            return f"{int(value or 0) / 100:.2f}"
        if source in ("phones", "emails"):
            key = "number" if source == "phones" else "address"
            return LIST_SEPARATOR.join(item.get(key, "") for item in value or [])
        return _text(value)

    def finish(self) -> None:
        pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_text(item) for item in value)
    return str(value)


class _JsonWriter:
    """A JSON array, one record per line, written as it goes."""

    def __init__(self, out: IO[str], entity: str, fields: list[tuple[str, str, str]]):
        self.out = out
        self.keys = {field_id: key for field_id, key, _ in fields}
        self.first = True
        self.has_custom = bool(fields)
        out.write("[")

    def write(self, page: Page) -> None:
        for row in page.rows:
            data = {k: to_wire(utc(v) if isinstance(v, datetime) else v) for k, v in row.items()}
            data.pop("name_sort", None)  # a local sort key, not data
            if self.has_custom:
                values = page.custom.get(row["id"], {})
                data["custom"] = {
                    key: values[field_id]
                    for field_id, key in self.keys.items()
                    if field_id in values
                }
            self.out.write("\n" if self.first else ",\n")
            self.out.write(json.dumps(data, ensure_ascii=False))
            self.first = False

    def finish(self) -> None:
        self.out.write("]\n" if self.first else "\n]\n")


class _VcardWriter:
    def __init__(self, out: IO[str], entity: str, fields: list[tuple[str, str, str]]):
        self.out = out

    def write(self, page: Page) -> None:
        companies = page.names.get("company_id", {})
        for row in page.rows:
            company = companies.get(row.get("company_id") or "")
            self.out.write(vcard(row, company))

    def finish(self) -> None:
        pass


_WRITERS: dict[str, Any] = {"csv": _CsvWriter, "json": _JsonWriter, "vcard": _VcardWriter}
