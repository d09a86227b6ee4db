"""Import contacts from CSV or vCard: read any common export, guess the column mapping,
check for duplicates, bulk create as one undoable batch.

Row numbers are those a spreadsheet shows: the header is row 1, the first
data row is row 2 (a quoted cell spanning lines still counts as one row).
Every row not imported is reported with its number and reason.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from crm_desktop.errors import CrmError, NotFoundError, ValidationError
from crm_desktop.services import validation as v
from crm_desktop.services.duplicates import (
    DuplicateIndex,
    DuplicateMatch,
    Person,
    load_index,
)
from crm_desktop.services.import_writer import in_batches, write_batches
from crm_desktop.services.results import OpResult
from crm_desktop.services.vcard import VCardFile
from crm_desktop.store.changes import ChangeSet
from crm_desktop.store.engine import Store

MAX_CELL = 1_000_000  # characters; a larger cell makes its row refused
READ_LIMIT = 16_000_000  # what the csv module may read in one cell, so it can be reported
SNIFF_BYTES = 64_000
DELIMITERS = ",;\t|"
IGNORE = "ignore"
BATCH = 10_000  # rows per write transaction (fewer commits; progress per batch)
DUPLICATE_SKIP = "skip"
DUPLICATE_IMPORT = "import"
DUPLICATE_CHOICES = (DUPLICATE_SKIP, DUPLICATE_IMPORT)
FIELD_ALIASES = {"phone": "phones", "email": "emails", "tag": "tags", "-": IGNORE, "": IGNORE}

Progress = Callable[[int, int], None]


@dataclass
class Table:
    """A CSV file read into text: header, data rows padded to the header's width."""

    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str
    delimiter: str
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    blank_rows: int = 0


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    imported: int = 0
    ids: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)
    # Rows that look like a stored contact or an earlier row: (row, best matches).
    duplicates: list[tuple[int, list[DuplicateMatch]]] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)  # vCard properties left out
    import_id: str | None = None
    unit: str = "row"  # "card" for a vCard file


# -- reading ---------------------------------------------------------------------------
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16", "big5", "latin-1")


def read_table(
    path: str | Path, *, encoding: str | None = None, delimiter: str | None = None
) -> Table:
    """Read a CSV export, detecting its encoding, delimiter and header row
    (`encoding` and `delimiter` override the detection, e.g. from the import wizard).

    Raises:
        CrmError: ``import.unreadable`` when the file is not text or has no header, or
            is not text in the `encoding` given.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CrmError("import.unreadable", f"Cannot read {path}: {exc.strerror}.") from None
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise _unreadable(str(path), f"it is not text in {encoding}") from None
    else:
        text, encoding = decode(data, str(path))
    return _parse(text, encoding, delimiter or sniff_delimiter(text), str(path))


def decode(data: bytes, name: str = "the file") -> tuple[str, str]:
    """Text and encoding: a BOM decides; else strict UTF-8, else GB18030 (Chinese Excel)."""
    if data.startswith(b"PK\x03\x04"):
        raise _unreadable(name, "it looks like an Excel workbook; save it as CSV first")
    boms = (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    )
    candidates = [enc for bom, enc in boms if data.startswith(bom)][:1] or ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text, encoding
    raise _unreadable(name, "it is not text in UTF-8, UTF-16 or GB18030")


def _looks_binary(text: str) -> bool:
    sample = text[:SNIFF_BYTES]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\r\n\f")
    return "\x00" in sample or controls > len(sample) // 100


def _unreadable(name: str, why: str) -> CrmError:
    return CrmError("import.unreadable", f"Cannot import {name}: {why}.", reason=why)


def sniff_delimiter(text: str) -> str:
    """The delimiter: csv.Sniffer over a sample, else the candidate most used in line 1."""
    sample = text[:SNIFF_BYTES]
    if len(text) > SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    first = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    if found in counts and counts[found] > 0:
        return found
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _parse(text: str, encoding: str, delimiter: str, name: str) -> Table:
    csv.field_size_limit(max(csv.field_size_limit(), READ_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = Table([], [], [], encoding, delimiter)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                table.blank_rows += bool(table.headers)
                continue
            if not table.headers:
                table.headers = _header_names(record)
                continue
            _add_row(table, number, record)
    except csv.Error as exc:
        table.skipped.append((number + 1, f"unreadable from here on ({exc}); not imported"))
    if not table.headers:
        raise _unreadable(name, "it has no header row")
    _check_unclosed_quote(table, text)
    return table


def _header_names(record: list[str]) -> list[str]:
    """Header cells trimmed; empty or repeated names made unique ("Phone (2)")."""
    names: list[str] = []
    for index, raw in enumerate(record, start=1):
        name = raw.strip().lstrip("\ufeff") or f"Column {index}"
        base, n = name, 2
        while name.casefold() in {x.casefold() for x in names}:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


def _add_row(table: Table, number: int, record: list[str]) -> None:
    width = len(table.headers)
    big = next((i for i, cell in enumerate(record) if len(cell) > MAX_CELL), None)
    if big is not None:
        column = table.headers[big] if big < width else f"column {big + 1}"
        size = len(record[big]) / 1_000_000
        table.skipped.append((number, f"the {column} cell is {size:.1f} MB (limit 1 MB)"))
        return
    if len(record) < width:
        table.warnings.append(
            (number, f"{len(record)} cells, the header has {width}: the rest taken as empty")
        )
        record = record + [""] * (width - len(record))
    elif len(record) > width:
        extra = [c for c in record[width:] if c.strip()]
        if extra:
            table.warnings.append(
                (number, f"{len(record)} cells, the header has {width}: extra cells ignored")
            )
        record = record[:width]
    table.rows.append(record)
    table.row_numbers.append(number)


def _check_unclosed_quote(table: Table, text: str) -> None:
    """A quote never closed swallows the rest of the file into one cell: refuse that row.
    (An odd number of quote characters: escaped quotes come in pairs.)"""
    if not table.rows or text.count('"') % 2 == 0:
        return
    if not any("\n" in c or "\r" in c for c in table.rows[-1]):
        return
    number = table.row_numbers.pop()
    table.rows.pop()
    table.warnings = [w for w in table.warnings if w[0] != number]
    table.skipped.append(
        (number, "a quote opened in this row is never closed; the rest of the file is unread")
    )


# -- mapping ---------------------------------------------------------------------------
# Header names per field, "|"-separated; compared case-insensitively.
_GUESSES: dict[str, str] = {
    "name": "name|full name|display name|contact name|姓名|名字|联系人",
    "first_name": "first name|given name|first|名",
    "middle_name": "middle name|additional name",
    "last_name": "last name|family name|surname|last|姓",
    "phones": "phone|mobile|mobile phone|cell|cell phone|business phone|business phone 2"
    "|home phone|home phone 2|primary phone|company main phone|other phone|telephone|tel"
    "|phone number|手机|手机号|手机号码|电话|电话号码|联系电话|座机|移动电话",
    "emails": "email|e-mail|email address|e-mail address|e-mail 2 address|e-mail 3 address"
    "|邮箱|电子邮件|电子邮箱|邮件",
    "company": "company|organization|organisation|organization name|公司|单位",
    "title": "job title|position|organization title|title|职位|职务|头衔",
    "notes": "notes|note|comments|remarks|备注|说明",
    "tags": "tags|labels|categories|group membership|标签|分组",
    "address": "address|地址",
    "birthday": "birthday|生日",
    "source": "source|来源",
    "owner": "owner|负责人",
}
# Fields a column can map to: contact fields, plus name parts and the company by name.
FIELDS = frozenset({*_GUESSES, "grade", IGNORE})
_BY_HEADER = {h: target for target, names in _GUESSES.items() for h in names.split("|")}
# Google and Outlook number repeated columns: "Phone 2 - Value", "Organization 1 - Name".
_NUMBERED = [
    (re.compile(r"^phone \d+ - value$"), "phones"),
    (re.compile(r"^e-?mail \d+ - value$"), "emails"),
    (re.compile(r"^organi[sz]ation \d+ - name$"), "company"),
    (re.compile(r"^organi[sz]ation \d+ - title$"), "title"),
    (re.compile(r"^address \d+ - formatted$"), "address"),
]
_JOB_TITLES = ("job title", "organization title", "position", "职位", "职务")


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """Column -> field for the headers it recognises (English and Chinese, any case).

    Only the first column is taken for single-valued fields; phones and emails
    take every matching column. Outlook's "Title" (Mr., Ms.) is left out when
    a job title column exists.
    """
    headers = list(headers)
    folded = {h: h.strip().casefold() for h in headers}
    has_job_title = any(
        f in _JOB_TITLES or re.match(r"^organi[sz]ation \d+ - title$", f) for f in folded.values()
    )
    mapping: dict[str, str] = {}
    for header in headers:
        key = folded[header]
        target = _BY_HEADER.get(key) or next((t for p, t in _NUMBERED if p.match(key)), None)
        if target is None or (key == "title" and has_job_title):
            continue
        if target not in ("phones", "emails") and target in mapping.values():
            continue
        mapping[header] = target
    return mapping


def resolve_mapping(
    headers: Iterable[str], guessed: Mapping[str, str], overrides: Mapping[str, str]
) -> dict[str, str]:
    """The guessed mapping with `overrides` applied (column names in any case).

    Raises:
        ValidationError: ``validation.unknown_field`` for a column or field that does not exist.
    """
    by_folded = {h.casefold(): h for h in headers}
    mapping = dict(guessed)
    for column, target in overrides.items():
        header = by_folded.get(column.strip().casefold())
        if header is None:
            raise ValidationError(
                "mapping",
                f"No column '{column}'; the columns are: {', '.join(by_folded.values())}.",
                code="validation.unknown_field",
            )
        field_name = target.strip().lower()
        field_name = FIELD_ALIASES.get(field_name, field_name)
        if field_name not in FIELDS:
            raise ValidationError(
                "mapping",
                f"No field '{target}'; use one of: {', '.join(sorted(FIELDS))}.",
                code="validation.unknown_field",
            )
        mapping[header] = field_name
    return {h: f for h, f in mapping.items() if f != IGNORE}


# -- importing ---------------------------------------------------------------------------
_LIST_SPLIT = re.compile(r"\s*(?::::|[,;；，、\n])\s*")


def build_row(headers: list[str], cells: list[str], mapping: Mapping[str, str]) -> dict[str, Any]:
    """The contact values of one CSV row (``company`` holds the company's name)."""
    return row_builder(headers, mapping)(cells)


def row_builder(
    headers: list[str], mapping: Mapping[str, str]
) -> Callable[[list[str]], dict[str, Any]]:
    """`build_row` for many rows of one table: the mapped columns are found once."""
    columns = [(i, mapping[h]) for i, h in enumerate(headers) if mapping.get(h)]

    def build(cells: list[str]) -> dict[str, Any]:
        parts: dict[str, list[str]] = {}
        for index, target in columns:
            cell = cells[index].strip()
            if cell:
                if target in parts:
                    parts[target].append(cell)
                else:
                    parts[target] = [cell]
        return _assemble(parts)

    return build


def _assemble(parts: dict[str, list[str]]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for target, values in parts.items():
        if target in ("phones", "emails", "tags"):
            items = [x for value in values for x in _LIST_SPLIT.split(value) if x]
            # Google's system groups ("* myContacts", "* starred") are not tags.
            row[target] = [x for x in items if not x.startswith("* ")]
        elif target not in ("first_name", "middle_name", "last_name"):
            row[target] = "\n".join(values) if target == "notes" else values[0]
    if not row.get("name"):
        name = _join_name(parts)
        if name:
            row["name"] = name
    return row


def _join_name(parts: Mapping[str, list[str]]) -> str:
    first, middle, last = (
        " ".join(parts.get(k, [])) for k in ("first_name", "middle_name", "last_name")
    )
    if last and first and _is_cjk(last + first):
        return last + first  # 张 + 伟 -> 张伟
    return " ".join(p for p in (first, middle, last) if p)


def _is_cjk(text: str) -> bool:
    return all("\u2e80" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)


def plan_import(
    table: Table, mapping: Mapping[str, str], *, progress: Progress | None = None
) -> tuple[list[tuple[int, dict[str, Any]]], ImportReport]:
    """Check every row without writing: (row number, contact values) ready to create,
    and a report whose `skipped` lists the rows refused. A dry run stops here.
    `progress(done, total)` is called every few thousand rows."""
    report = ImportReport(skipped=list(table.skipped), warnings=list(table.warnings))
    build = row_builder(table.headers, mapping)
    pairs = (
        (number, build(cells)) for number, cells in zip(table.row_numbers, table.rows, strict=True)
    )
    return _clean_rows(_counted(pairs, len(table.rows), progress), report), report


def plan_vcards(
    cards: VCardFile, *, progress: Progress | None = None
) -> tuple[list[tuple[int, dict[str, Any]]], ImportReport]:
    """As `plan_import`, for the cards of a vCard file (numbers are card numbers)."""
    report, pairs = _vcard_pairs(cards)
    return _clean_rows(_counted(pairs, len(cards.cards), progress), report, where=_card), report


PROGRESS_STEP = 2_000  # rows between progress calls of the checks


def _counted(items: Iterable[Any], total: int, progress: Progress | None) -> Iterator[Any]:
    """`items`, calling `progress(done, total)` every `PROGRESS_STEP` items and at the end."""
    if progress is None:
        yield from items
        return
    done = 0
    for done, item in enumerate(items, start=1):
        if done % PROGRESS_STEP == 0:
            progress(done, total)
        yield item
    progress(done, total)


def _vcard_pairs(
    cards: VCardFile,
) -> tuple[ImportReport, Iterator[tuple[int, dict[str, Any]]]]:
    report = ImportReport(skipped=list(cards.skipped), unit="card")
    for card in cards.cards:
        if card.ignored:
            shown = ", ".join(sorted(set(card.ignored))[:8])
            report.ignored.append((card.number, f"properties not imported: {shown}"))
    return report, ((card.number, dict(card.values)) for card in cards.cards)


def _card(number: int) -> str:
    return f"card {number}"


def _clean_rows(
    pairs: Iterable[tuple[int, dict[str, Any]]],
    report: ImportReport,
    where: Callable[[int], str] | None = None,
) -> list[tuple[int, dict[str, Any]]]:
    from crm_desktop.services.contacts import clean_contact

    ready: list[tuple[int, dict[str, Any]]] = []
    national = _national_mobile()
    for number, values in pairs:
        company = values.pop("company", None)
        if national and isinstance(values.get("phones"), list):
            values["phones"] = [national(p) if isinstance(p, str) else p for p in values["phones"]]
        try:
            row = clean_contact(values, creating=True)
            if company is not None:
                row["company"] = v.required_text("company", company)
        except ValidationError as exc:
            report.skipped.append((number, exc.message))
            continue
        ready.append((number, row))
    report.skipped.sort(key=lambda item: item[0])
    report.imported = len(ready)
    return ready


_CN_MOBILE = re.compile(r"1[3-9]\d{9}")
_PHONE_SEPARATORS = str.maketrans("", "", " -.()\u00a0")


def _national_mobile() -> Callable[[str], str] | None:
    """For the default region CN: "138 1234 5678" -> "+8613812345678", so validation takes
    phonenumbers' fast path (the full parse is ~40% of an import's row checks). The
    result is exactly what parsing it as a Chinese number gives; validity is still
    checked by `validation.phone_number`."""
    if v.default_region() != "CN":
        return None

    def canonical(text: str) -> str:
        digits = text.translate(_PHONE_SEPARATORS)
        return "+86" + digits if _CN_MOBILE.fullmatch(digits) else text

    return canonical


def check_duplicates(
    store: Store | None,
    ready: list[tuple[int, dict[str, Any]]],
    report: ImportReport,
    *,
    on_duplicate: str = DUPLICATE_SKIP,
    index: DuplicateIndex | None = None,
    progress: Progress | None = None,
) -> list[tuple[int, dict[str, Any]]]:
    """Rows that look like a stored contact, or like an earlier row of the same file,
    are listed in `report.duplicates`; with ``on_duplicate="skip"`` they are also
    left out (and listed in `report.skipped`), with "import" they are kept.
    `progress(done, total)` is called every few thousand rows."""
    _check_choice(on_duplicate)
    if index is None:
        index = load_index(store) if store is not None else DuplicateIndex()
    unit = report.unit
    kept: list[tuple[int, dict[str, Any]]] = []
    for number, row in _counted(ready, len(ready), progress):
        person = Person.of_checked(
            f"{unit} {number}",
            row["name"],
            row.get("company"),
            row.get("emails"),
            row.get("phones"),
        )
        matches = index.matches(person, limit=3)
        if matches:
            report.duplicates.append((number, matches))
            if on_duplicate == DUPLICATE_SKIP:
                report.skipped.append((number, "likely duplicate of " + describe(matches[0])))
                continue
        index.add(person)
        kept.append((number, row))
    report.skipped.sort(key=lambda item: item[0])
    report.imported = len(kept)
    return kept


def _check_choice(on_duplicate: str) -> None:
    if on_duplicate not in DUPLICATE_CHOICES:
        raise ValidationError(
            "on_duplicate",
            f"on_duplicate must be one of {', '.join(DUPLICATE_CHOICES)}.",
            code="validation.choice",
        )


def describe(match: DuplicateMatch) -> str:
    """ "Zhang Wei (Acme) — same email, phone" for a report line."""
    who = match.ref if match.is_row else match.name
    if match.company and not match.is_row:
        who += f" ({match.company})"
    elif match.is_row:
        who += f" ({match.name})"
    same = ", ".join(_REASON_TEXT.get(r, r) for r in match.reasons)
    return f"{who}: {same}"


_REASON_TEXT = {
    "email": "same email",
    "phone": "same phone",
    "name+company": "similar name at the same company",
}


def import_contacts(
    store: Store,
    table: Table,
    mapping: Mapping[str, str],
    *,
    on_duplicate: str = DUPLICATE_SKIP,
    progress: Progress | None = None,
) -> ImportReport:
    """Check and create the contacts of `table` in bulk, as one undoable import.

    Rows stream through in batches: while one batch is written (one
    transaction each), the next is checked and de-duplicated (see
    `check_duplicates`; duplicates are looked for among the stored contacts
    and all earlier rows). Companies named in the file are found, or created
    with the first batch naming them. Every record created is recorded under
    `report.import_id`, so `undo_import` can remove the lot.
    """
    report = ImportReport(skipped=list(table.skipped), warnings=list(table.warnings))
    build = row_builder(table.headers, mapping)
    pairs = (
        (number, build(cells)) for number, cells in zip(table.row_numbers, table.rows, strict=True)
    )
    return _stream(store, pairs, len(table.rows), report, on_duplicate, progress)


def import_vcards(
    store: Store,
    cards: VCardFile,
    *,
    on_duplicate: str = DUPLICATE_SKIP,
    progress: Progress | None = None,
) -> ImportReport:
    """`import_contacts` for the cards of a vCard file."""
    report, pairs = _vcard_pairs(cards)
    return _stream(store, pairs, len(cards.cards), report, on_duplicate, progress, _card)


def _stream(
    store: Store,
    pairs: Iterable[tuple[int, dict[str, Any]]],
    total: int,
    report: ImportReport,
    on_duplicate: str,
    progress: Progress | None,
    where: Callable[[int], str] | None = None,
) -> ImportReport:
    _check_choice(on_duplicate)
    index = load_index(store)

    def batches() -> Iterator[tuple[int, list[tuple[int, dict[str, Any]]]]]:
        for chunk in _chunks(pairs, BATCH):
            ready = _clean_rows(chunk, report, where)
            ready = check_duplicates(None, ready, report, on_duplicate=on_duplicate, index=index)
            yield len(chunk), ready

    return write_batches(store, batches(), report, total=total, progress=progress)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_rows(
    store: Store,
    ready: list[tuple[int, dict[str, Any]]],
    report: ImportReport,
    *,
    batch_size: int = BATCH,
    progress: Progress | None = None,
) -> ImportReport:
    """Write rows checked by `plan_import` (after a preview): validated once, never again
    on the way in; see `import_writer.write_batches`."""
    report.imported = 0
    batches = in_batches(ready, batch_size)
    return write_batches(store, batches, report, total=len(ready), progress=progress)


# -- undo --------------------------------------------------------------------------------
def undo_import(store: Store, import_id: str) -> OpResult[int]:
    """Remove exactly the records import `import_id` created (contacts, and companies it
    created that nothing else uses now); returns how many contacts were removed.

    Contacts deleted or merged away since are skipped; a contact's tasks and
    activities added since go with it, as when it is deleted by hand.

    Raises:
        NotFoundError: no import with that id (or it was undone already).
    """
    from crm_desktop.domain.models import Company
    from crm_desktop.services.contacts import delete_contact_in

    with store.read() as conn:
        items = conn.exec_driver_sql(
            "SELECT entity, record_id FROM import_item WHERE import_id = ?", (import_id,)
        ).all()
    if not items:
        raise NotFoundError("import", import_id)
    contacts = [rid for entity, rid in items if entity == "contact"]
    companies = [rid for entity, rid in items if entity == "company"]
    changes = ChangeSet()
    removed = 0
    for start in range(0, len(contacts), BATCH):
        chunk = contacts[start : start + BATCH]
        with store.write() as tx:
            alive = _existing(tx.conn, "contact", chunk)
            for contact_id in chunk:
                if contact_id in alive:
                    delete_contact_in(tx, contact_id)
                    removed += 1
        changes.merge(tx.changes)
    with store.write() as tx:
        alive = _existing(tx.conn, "company", companies)
        for company_id in companies:
            if company_id in alive and not _company_used(tx.conn, company_id):
                tx.delete(Company, company_id)
        tx.conn.exec_driver_sql("DELETE FROM import_item WHERE import_id = ?", (import_id,))
    changes.merge(tx.changes)
    return OpResult(removed, changes)


def _existing(conn: Any, table: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0]
            for r in conn.exec_driver_sql(
                f"SELECT id FROM {table} WHERE id IN ({marks})", tuple(chunk)
            )
        )
    return found


def _company_used(conn: Any, company_id: str) -> bool:
    return any(
        conn.exec_driver_sql(
            f"SELECT 1 FROM {table} WHERE company_id = ? LIMIT 1", (company_id,)
        ).first()
        is not None
        for table in ("contact", "deal", "task", "activity")
    )


def list_imports(store: Store) -> list[tuple[str, int]]:
    """Imports that can still be undone: (import id, records created), newest first."""
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT import_id, count(*) FROM import_item GROUP BY import_id ORDER BY import_id DESC"
        ).all()
    return [(r[0], int(r[1])) for r in rows]
