"""``crm-desktop import FILE``: contacts from a CSV export (Excel, Google, Outlook, WPS)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from crm_desktop.cli.common import EXIT_ERROR, EXIT_OK, UsageError
from crm_desktop.cli.output import print_json
from crm_desktop.cli.session import opened_store

if TYPE_CHECKING:
    from crm_desktop.services.csv_import import ImportReport, Table

SHOWN_SKIPPED = 20


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    cmd = sub.add_parser(
        "import",
        parents=[common],
        help="import contacts from a CSV file",
        description="Import contacts from CSV (UTF-8, UTF-16 or GB18030; comma, semicolon, "
        "tab or | separated). Columns are mapped from their headers (English or Chinese); "
        "--mapping overrides that. Fields: name, first_name, middle_name, last_name, phones, "
        "emails, company, title, notes, tags, address, birthday, source, grade, owner, ignore. "
        "Rows not imported are listed with their row number (the header is row 1). "
        "Exit status 1 when the file cannot be read or no row could be imported.",
    )
    cmd.add_argument("file", metavar="FILE")
    cmd.add_argument(
        "--mapping",
        action="extend",
        nargs="+",
        default=[],
        metavar="COLUMN=FIELD",
        help="map a column to a field ('ignore' leaves it out)",
    )
    cmd.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    cmd.add_argument("--json", action="store_true", help="machine-readable report")
    cmd.set_defaults(handler=run_import, parser=cmd)


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
    report = _check(table, mapping) if args.dry_run else _write(args, table, mapping)
    if args.json:
        print_json(_report_json(args, table, mapping, report))
    else:
        _print_report(table, report, dry_run=args.dry_run)
    return EXIT_OK if report.imported or not report.skipped else EXIT_ERROR


def _check(table: Table, mapping: dict[str, str]) -> ImportReport:
    from crm_desktop.services.csv_import import plan_import

    return plan_import(table, mapping)[1]


def _write(args: argparse.Namespace, table: Table, mapping: dict[str, str]) -> ImportReport:
    from crm_desktop.cli.progress import ProgressBar
    from crm_desktop.services.csv_import import import_contacts

    with opened_store(args, create=True) as store:
        bar = ProgressBar("import") if sys.stderr.isatty() else None
        try:
            return import_contacts(store, table, mapping, progress=bar.update if bar else None)
        finally:
            if bar:
                bar.close()


def _print_mapping(table: Table, mapping: dict[str, str]) -> None:
    print(f"Reading {table.encoding}, delimiter {table.delimiter!r}. Columns:")
    for header in table.headers:
        print(f"  {header} -> {mapping.get(header, '(not imported)')}")


def _print_report(table: Table, report: ImportReport, *, dry_run: bool) -> None:
    verb = "Would import" if dry_run else "Imported"
    line = f"{verb} {report.imported:,} contacts"
    if table.blank_rows:
        line += f" ({table.blank_rows:,} blank rows ignored)"
    if not report.skipped:
        print(line + ".")
    else:
        print(f"{line}; {len(report.skipped):,} rows skipped:")
        for number, reason in report.skipped[:SHOWN_SKIPPED]:
            print(f"  row {number}: {reason}")
        if len(report.skipped) > SHOWN_SKIPPED:
            print(f"  ... and {len(report.skipped) - SHOWN_SKIPPED:,} more (--json lists all)")
    if report.warnings:
        sys.stderr.write(f"{len(report.warnings):,} rows had a different number of cells:\n")
        for number, reason in report.warnings[:SHOWN_SKIPPED]:
            sys.stderr.write(f"  row {number}: {reason}\n")


def _report_json(
    args: argparse.Namespace, table: Table, mapping: dict[str, str], report: ImportReport
) -> dict[str, Any]:
    return {
        "file": args.file,
        "dry_run": args.dry_run,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "mapping": mapping,
        "imported": report.imported,
        "ids": report.ids,
        "blank_rows": table.blank_rows,
        "skipped": [{"row": n, "reason": r} for n, r in report.skipped],
        "warnings": [{"row": n, "reason": r} for n, r in report.warnings],
    }
