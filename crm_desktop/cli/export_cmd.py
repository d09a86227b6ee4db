"""``crm-desktop export ENTITY FILE [--format csv|json|vcard]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crm_desktop.cli.common import EXIT_OK, UsageError
from crm_desktop.cli.session import opened_store

# Kept here rather than imported from the service: parsing stays free of sqlmodel.
ENTITIES = ("contact", "company", "deal", "activity")
PLURALS = {"contact": "contacts", "company": "companies", "deal": "deals", "activity": "activities"}
FORMAT_BY_SUFFIX = {".csv": "csv", ".json": "json", ".vcf": "vcard", ".vcard": "vcard"}


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    command = sub.add_parser(
        "export",
        parents=[common],
        help="export contacts, companies, deals or activities to CSV, JSON or vCard",
        description="Write every record of one kind to FILE. CSV is UTF-8 with a BOM (opens "
        "in Excel), with custom fields as extra columns; JSON is an array of records; "
        "vCard (contacts only) imports into address books. The file is replaced only "
        "when the export succeeds.",
    )
    command.add_argument("entity", choices=ENTITIES, metavar="ENTITY", help=", ".join(ENTITIES))
    command.add_argument("file", metavar="FILE")
    command.add_argument(
        "--format",
        choices=("csv", "json", "vcard"),
        help="default: from FILE's extension (.csv, .json, .vcf)",
    )
    command.set_defaults(handler=run_export, parser=command)


def export_format(path: Path, given: str | None, entity: str) -> str:
    """The format to write: `given`, else the one FILE's extension names."""
    fmt = given or FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"Cannot tell the format from '{path.name}': give --format csv|json|vcard."
        )
    if fmt == "vcard" and entity != "contact":
        raise UsageError("Only contacts can be exported as vCard.")
    return fmt


def run_export(args: argparse.Namespace) -> int:
    from crm_desktop.cli.progress import ProgressBar
    from crm_desktop.services.exporting import export_records

    target = Path(args.file).expanduser()
    fmt = export_format(target, args.format, args.entity)
    with opened_store(args) as store:
        # A bar only on a terminal: a script's log gets just the summary line.
        bar = ProgressBar("export") if sys.stderr.isatty() else None
        try:
            count = export_records(
                store, args.entity, fmt, target, progress=bar.update if bar else None
            )
        finally:
            if bar:
                bar.close()
    noun = PLURALS[args.entity] if count != 1 else args.entity
    print(f"Exported {count:,} {noun} to {target}")
    return EXIT_OK
