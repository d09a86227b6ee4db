"""``crm-desktop import FILE``: contacts from CSV (Excel, Google, Outlook, WPS) or vCard;
``undo-import``, ``duplicates`` (scan) and ``merge``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crm_desktop.cli.common import EXIT_ERROR, EXIT_OK, UsageError
from crm_desktop.cli.output import print_json
from crm_desktop.cli.session import data_dir, opened_store, store_exists
from crm_desktop.errors import CrmError

if TYPE_CHECKING:
    from crm_desktop.services.csv_import import ImportReport, Table
    from crm_desktop.services.duplicates import DuplicateIndex
    from crm_desktop.store.engine import Store

SHOWN_SKIPPED = 20


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    cmd = sub.add_parser(
        "import",
        parents=[common],
        help="import contacts from a CSV or vCard file",
        description="Import contacts from CSV (UTF-8, UTF-16 or GB18030; comma, semicolon, "
        "tab or | separated) or vCard (2.1, 3.0, 4.0; .vcf, or any file starting with "
        "BEGIN:VCARD). CSV columns are mapped from their headers (English or Chinese); "
        "--mapping overrides that. Fields: name, first_name, middle_name, last_name, phones, "
        "emails, company, title, notes, tags, address, birthday, source, grade, owner, ignore. "
        "Rows (cards) that look like an existing contact or an earlier row (same email, same "
        "phone, or similar name at the same company) are reported and, by default, skipped. "
        "Rows not imported are listed with their row number (the header is row 1). "
        "The import can be undone with `undo-import ID`. "
        "Exit status 1 when the file cannot be read or no row could be imported.",
    )
    cmd.add_argument("file", metavar="FILE")
    cmd.add_argument(
        "--mapping",
        action="extend",
        nargs="+",
        default=[],
        metavar="COLUMN=FIELD",
        help="map a column to a field ('ignore' leaves it out); CSV only",
    )
    cmd.add_argument(
        "--on-duplicate",
        choices=("skip", "import"),
        default="skip",
        help="what to do with a likely duplicate: skip it (default) or import it anyway; "
        "either way it is reported",
    )
    cmd.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    cmd.add_argument("--json", action="store_true", help="machine-readable report")
    cmd.set_defaults(handler=run_import, parser=cmd)

    undo = sub.add_parser(
        "undo-import",
        parents=[common],
        help="remove exactly the records an import created",
        description="Remove the contacts (and the companies nothing else uses) that import ID "
        "created. Without ID, lists the imports that can be undone.",
    )
    undo.add_argument("import_id", metavar="ID", nargs="?")
    undo.set_defaults(handler=run_undo, parser=undo)

    dupes = sub.add_parser(
        "duplicates",
        parents=[common],
        help="find likely duplicate contacts in the whole store",
        description="List pairs of contacts that share an email or phone, or have a similar "
        "name (characters or pinyin) at the same company (legal suffixes ignored).",
    )
    dupes.add_argument("--json", action="store_true", help="machine-readable list")
    dupes.set_defaults(handler=run_duplicates, parser=dupes)

    merge = sub.add_parser(
        "merge",
        parents=[common],
        help="merge a contact (or a company) into another (everything linked to it kept)",
        description="Merge contact OTHER into SURVIVOR: every activity, task and deal of OTHER "
        "moves to SURVIVOR, phones, emails and tags are united, each other field keeps "
        "SURVIVOR's value (or OTHER's where SURVIVOR has none) unless --pick says otherwise. "
        "OTHER is deleted; edits of it made offline on other devices land on SURVIVOR. "
        "Two companies merge alike: OTHER's contacts, deals, activities and tasks move to "
        "SURVIVOR and tags are united. Whether the ids are contacts or companies is found "
        "from the ids unless --entity says. (The desktop app can undo a merge it made.)",
    )
    merge.add_argument("survivor", metavar="SURVIVOR")
    merge.add_argument("other", metavar="OTHER")
    merge.add_argument(
        "--entity",
        choices=("contact", "company"),
        help="what SURVIVOR and OTHER are (default: found from the ids)",
    )
    merge.add_argument(
        "--pick",
        action="extend",
        nargs="+",
        default=[],
        metavar="FIELD=survivor|other",
        help="take this field from SURVIVOR or OTHER",
    )
    merge.set_defaults(handler=run_merge, parser=merge)


def parse_mapping(items: list[str]) -> dict[str, str]:
    """COLUMN=FIELD items -> {column: field}; the last '=' splits, as headers may hold one."""
    out: dict[str, str] = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        if not sep or not column.strip():
            raise UsageError(f"'{item}' is not COLUMN=FIELD.")
        out[column.strip()] = target.strip()
    return out


def run_import(args: argparse.Namespace) -> int:
    from crm_desktop.services.vcard import looks_like_vcard

    path = Path(args.file)
    try:
        head = path.open("rb").read(4096)
    except OSError as exc:
        raise CrmError("import.unreadable", f"Cannot read {path}: {exc.strerror}.") from None
    if looks_like_vcard(head, path.name):
        return _run_vcard(args, path)
    return _run_csv(args)


def _run_csv(args: argparse.Namespace) -> int:
    from crm_desktop.services.csv_import import guess_mapping, read_table, resolve_mapping

    table = read_table(args.file)  # CrmError import.unreadable -> exit 1 via main
    overrides = parse_mapping(args.mapping)
    mapping = resolve_mapping(table.headers, guess_mapping(table.headers), overrides)
    if not any(f in mapping.values() for f in ("name", "first_name", "last_name")):
        raise UsageError(
            "No column is mapped to a name; give one with --mapping COLUMN=name "
            f"(the columns are: {', '.join(table.headers)})."
        )
    if not args.json:
        _print_mapping(table, mapping)
    from crm_desktop.services.csv_import import import_contacts, plan_import

    report = _finish(
        args,
        lambda: plan_import(table, mapping),
        lambda store, **kw: import_contacts(store, table, mapping, **kw),
    )
    if args.json:
        print_json(_report_json(args, report, table=table, mapping=mapping))
    else:
        _print_report(report, dry_run=args.dry_run, blank_rows=table.blank_rows)
    return EXIT_OK if report.imported or not report.skipped else EXIT_ERROR


def _run_vcard(args: argparse.Namespace, path: Path) -> int:
    from crm_desktop.services.csv_import import import_vcards, plan_vcards
    from crm_desktop.services.vcard import read_vcards

    if args.mapping:
        raise UsageError("--mapping is for CSV files; a vCard's fields are named by the card.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CrmError("import.unreadable", f"Cannot read {path}: {exc.strerror}.") from None
    cards = read_vcards(data)
    if not args.json:
        print(f"Reading vCard ({cards.encoding}): {len(cards.cards) + len(cards.skipped):,} cards.")
    report = _finish(
        args, lambda: plan_vcards(cards), lambda store, **kw: import_vcards(store, cards, **kw)
    )
    if args.json:
        print_json(_report_json(args, report, encoding=cards.encoding))
    else:
        _print_report(report, dry_run=args.dry_run)
    return EXIT_OK if report.imported or not report.skipped else EXIT_ERROR


def _finish(
    args: argparse.Namespace,
    plan: Callable[[], tuple[list[Any], ImportReport]],
    write: Callable[..., ImportReport],
) -> ImportReport:
    """A dry run: `plan` and the duplicate check. Else `write` (check, de-duplicate and
    write in one streamed pass), with a progress bar on a terminal."""
    from crm_desktop.services.csv_import import check_duplicates

    if args.dry_run:
        ready, report = plan()
        # A dry run never creates a store: it compares with one only if it exists.
        index = _existing_index(args)
        check_duplicates(None, ready, report, on_duplicate=args.on_duplicate, index=index)
        return report
    from crm_desktop.cli.progress import ProgressBar

    with opened_store(args, create=True) as store:
        bar = ProgressBar("import") if sys.stderr.isatty() else None
        try:
            return write(
                store,
                on_duplicate=args.on_duplicate,
                progress=bar.update if bar else None,
            )
        finally:
            if bar:
                bar.close()


def _existing_index(args: argparse.Namespace) -> DuplicateIndex | None:
    from crm_desktop.services.duplicates import load_index

    if not store_exists(data_dir(args)):
        return None
    store: Store
    with opened_store(args) as store:
        return load_index(store)


def _print_mapping(table: Table, mapping: dict[str, str]) -> None:
    print(f"Reading {table.encoding}, delimiter {table.delimiter!r}. Columns:")
    for header in table.headers:
        print(f"  {header} -> {mapping.get(header, '(not imported)')}")


def _print_report(report: ImportReport, *, dry_run: bool, blank_rows: int = 0) -> None:
    unit = report.unit
    verb = "Would import" if dry_run else "Imported"
    line = f"{verb} {report.imported:,} contacts"
    if blank_rows:
        line += f" ({blank_rows:,} blank rows ignored)"
    if not report.skipped:
        print(line + ".")
    else:
        print(f"{line}; {len(report.skipped):,} {unit}s skipped:")
        for number, reason in report.skipped[:SHOWN_SKIPPED]:
            print(f"  {unit} {number}: {reason}")
        if len(report.skipped) > SHOWN_SKIPPED:
            print(f"  ... and {len(report.skipped) - SHOWN_SKIPPED:,} more (--json lists all)")
    if report.duplicates and not dry_run and report.imported:
        kept = [n for n, _ in report.duplicates if n not in dict(report.skipped)]
        if kept:
            print(f"{len(kept):,} likely duplicates imported anyway (--on-duplicate import).")
    if report.import_id and report.imported:
        print(f"Import id {report.import_id} (undo: crm-desktop undo-import {report.import_id})")
    if report.warnings:
        sys.stderr.write(f"{len(report.warnings):,} rows had a different number of cells:\n")
        for number, reason in report.warnings[:SHOWN_SKIPPED]:
            sys.stderr.write(f"  row {number}: {reason}\n")


def _report_json(
    args: argparse.Namespace,
    report: ImportReport,
    *,
    table: Table | None = None,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
) -> dict[str, Any]:
    return {
        "file": args.file,
        "format": "csv" if table is not None else "vcard",
        "dry_run": args.dry_run,
        "encoding": table.encoding if table is not None else encoding,
        "delimiter": table.delimiter if table is not None else None,
        "mapping": mapping,
        "imported": report.imported,
        "import_id": report.import_id,
        "ids": report.ids,
        "blank_rows": table.blank_rows if table is not None else 0,
        "skipped": [{report.unit: n, "reason": r} for n, r in report.skipped],
        "warnings": [{"row": n, "reason": r} for n, r in report.warnings],
        "duplicates": [
            {
                report.unit: n,
                "matches": [
                    {"ref": m.ref, "name": m.name, "company": m.company, "reasons": m.reasons}
                    for m in matches
                ],
            }
            for n, matches in report.duplicates
        ],
    }


def run_undo(args: argparse.Namespace) -> int:
    from crm_desktop.services.csv_import import list_imports, undo_import

    with opened_store(args) as store:
        if not args.import_id:
            imports = list_imports(store)
            if not imports:
                print("No import to undo.")
            for import_id, count in imports:
                print(f"{import_id}  {count:,} records")
            return EXIT_OK
        removed = undo_import(store, args.import_id).value
    print(f"Removed {removed:,} contacts of import {args.import_id}.")
    return EXIT_OK


def run_duplicates(args: argparse.Namespace) -> int:
    from crm_desktop.services.duplicates import find_duplicates

    with opened_store(args) as store:
        result = find_duplicates(store)
    if args.json:
        print_json(
            {
                "contacts": result.contacts,
                "pairs": [
                    {
                        "a": p.a,
                        "b": p.b,
                        "a_name": p.a_name,
                        "b_name": p.b_name,
                        "reasons": p.reasons,
                        "score": p.score,
                    }
                    for p in result.pairs
                ],
                "skipped_groups": [
                    {"kind": k, "key": key, "size": n} for k, key, n in result.skipped_blocks
                ],
            }
        )
        return EXIT_OK
    print(f"{len(result.pairs):,} likely duplicate pairs among {result.contacts:,} contacts.")
    for pair in result.pairs:
        why = ", ".join(pair.reasons)
        print(f"  {pair.a}  {pair.a_name}\n  {pair.b}  {pair.b_name}    ({why})")
    for kind, key, size in result.skipped_blocks:
        print(f"  (not compared: {size:,} contacts share the {kind} {key})")
    return EXIT_OK


def run_merge(args: argparse.Namespace) -> int:
    from crm_desktop.services.merge import merge_records

    picks: dict[str, str] = {}
    for item in args.pick:
        name, sep, side = item.partition("=")
        if not sep or side not in ("survivor", "other"):
            raise UsageError(f"'{item}' is not FIELD=survivor or FIELD=other.")
        picks[name.strip()] = side
    with opened_store(args) as store:
        kind = _merge_kind(store, args.entity, args.survivor, args.other)
        outcome = merge_records(store, kind, args.survivor, args.other, picks).value
    moved = ", ".join(f"{n} {entity}" for entity, n in outcome.moved.items() if n)
    print(
        f"Merged {outcome.entity} {outcome.merged_id} into {outcome.survivor_id}"
        + (f"; moved {moved}." if moved else ".")
    )
    return EXIT_OK


def _merge_kind(store: Store, entity: str | None, survivor: str, other: str) -> Any:
    """The `MergeKind` for --entity, or found from the ids: both contacts or both companies
    (ids are unique across tables); a pair of neither is left to the contact merge, which
    names the missing one."""
    from crm_desktop.services.company_merge import COMPANY
    from crm_desktop.services.merge import CONTACT

    if entity is not None:
        return COMPANY if entity == "company" else CONTACT
    with store.read() as conn:
        found = {
            table: {
                record_id
                for (record_id,) in conn.exec_driver_sql(
                    f"SELECT id FROM {table} WHERE id IN (?, ?)", (survivor, other)
                )
            }
            for table in ("contact", "company")
        }
    if found["company"] and found["contact"]:
        raise UsageError("SURVIVOR and OTHER must both be contacts or both be companies.")
    return COMPANY if found["company"] else CONTACT
