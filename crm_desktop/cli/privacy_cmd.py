"""``crm-desktop privacy ...``, ``crm-desktop consent ...`` and ``crm-desktop audit``.

- ``privacy export CONTACT_ID FILE``: everything about the person, as JSON;
- ``privacy erase CONTACT_ID [--reason R] [--yes] [--json]``: erase the person
  here, on the HQ server and on every device (at their next sync); then list
  the other records whose text mentions them, to review by hand;
- ``consent list CONTACT_ID [--json]`` / ``consent add CONTACT_ID PURPOSE
  given|withdrawn [--source S] [--at TIME] [--notes N]``;
- ``audit [--limit N] [--contact ID] [--json]``: who changed what, when.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crm_desktop.cli.common import EXIT_ERROR, EXIT_OK
from crm_desktop.cli.session import opened_store
from crm_desktop.errors import CrmError

if TYPE_CHECKING:
    from crm_desktop.services.mentions import Mentions
    from crm_desktop.services.privacy import ErasureResult


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    privacy = sub.add_parser(
        "privacy",
        parents=[common],
        help="data subject rights: export or erase everything about a person",
    )
    actions = privacy.add_subparsers(title="actions", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        parents=[common],
        help="write everything about a person to FILE (JSON)",
        description="Write the contact, custom values, company link, tags, consents, "
        "activities, tasks, deals and change history of the person to FILE as JSON.",
    )
    export.add_argument("contact_id", metavar="CONTACT_ID")
    export.add_argument("file", metavar="FILE")
    export.set_defaults(handler=run_export, parser=export)
    erase = actions.add_parser(
        "erase",
        parents=[common],
        help="erase a person and their personal data (not undoable)",
        description="Delete the contact with its consents, activities and tasks, unlink its "
        "deals, remove it from the search index and drop its values from the change "
        "history. The erasure syncs: the HQ server scrubs its copy and history, other "
        "devices remove the person when they sync. Cannot be undone. Afterwards, lists the "
        "other records whose text mentions the person (name, email, phone): they are not "
        "edited automatically; review them.",
    )
    erase.add_argument("contact_id", metavar="CONTACT_ID")
    erase.add_argument("--reason", help="why (kept in the audit log; no personal data)")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.add_argument("--json", action="store_true", help="machine-readable output")
    erase.set_defaults(handler=run_erase, parser=erase)

    consent = sub.add_parser("consent", parents=[common], help="a person's consent records")
    consent_actions = consent.add_subparsers(title="actions", metavar="ACTION", required=True)
    listing = consent_actions.add_parser(
        "list", parents=[common], help="a person's consent records, newest first"
    )
    listing.add_argument("contact_id", metavar="CONTACT_ID")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=run_consent_list, parser=listing)
    add = consent_actions.add_parser(
        "add", parents=[common], help="record that a person gave or withdrew consent"
    )
    add.add_argument("contact_id", metavar="CONTACT_ID")
    add.add_argument("purpose", metavar="PURPOSE", help="email, call, sms, processing, ...")
    add.add_argument("status", choices=("given", "withdrawn"))
    add.add_argument("--source", help="how: web form, call, paper, email...")
    add.add_argument("--at", metavar="TIME", help="when (ISO 8601; default: now)")
    add.add_argument("--notes")
    add.set_defaults(handler=run_consent_add, parser=add)

    audit = sub.add_parser("audit", parents=[common], help="the audit log: who changed what, when")
    audit.add_argument("--limit", type=int, default=50, help="newest N entries (default 50)")
    audit.add_argument("--contact", metavar="ID", help="only this contact's entries")
    audit.add_argument("--json", action="store_true", help="machine-readable output")
    audit.set_defaults(handler=run_audit, parser=audit)


def run_export(args: argparse.Namespace) -> int:
    from crm_desktop.services.privacy import write_export

    target = Path(args.file).expanduser()
    with opened_store(args) as store:
        data = write_export(store, args.contact_id, target)
    print(
        f"Wrote everything about {data['contact']['name']} to {target}: "
        f"{len(data['activities'])} activities, {len(data['tasks'])} tasks, "
        f"{len(data['deals'])} deals, {len(data['consents'])} consent records, "
        f"{len(data['change_history'])} changes."
    )
    return EXIT_OK


def run_erase(args: argparse.Namespace) -> int:
    from crm_desktop.services.contacts import get_contact
    from crm_desktop.services.mentions import find_mentions
    from crm_desktop.services.privacy import erase_contact, erasure_preview

    with opened_store(args) as store:
        name = get_contact(store, args.contact_id).contact.name
        preview = erasure_preview(store, args.contact_id)
        if not args.yes:
            mentioned = len(find_mentions(store, args.contact_id))
            if not _confirm(name, preview, mentioned):
                return EXIT_ERROR
        result = erase_contact(store, args.contact_id, reason=args.reason)
    if args.json:
        _print_erasure_json(args.contact_id, result.value)
        return EXIT_OK
    removed = result.value.removed
    print(
        f"Erased {args.contact_id}: the contact, {removed.get('consent', 0)} consent records, "
        f"{removed.get('activity', 0)} activities, {removed.get('task', 0)} tasks; "
        f"{removed.get('deals_unlinked', 0)} deals unlinked. The erasure syncs at the next "
        "`crm-desktop sync`."
    )
    _print_mentions(result.value.mentions)
    return EXIT_OK


def _print_mentions(mentions: Mentions) -> None:
    """The records to review: entity, id, field and label (never the matched text)."""
    if not mentions:
        return
    more = " (the first ones; there are more)" if mentions.capped else ""
    print(
        f"{len(mentions)} fields of other records mention the person{more}; they were not "
        "changed. Review and edit them:"
    )
    for mention in mentions:
        print(f"  {mention.entity:<9} {mention.record_id}  {mention.field:<12} {mention.label}")


def _print_erasure_json(contact_id: str, result: ErasureResult) -> None:
    from crm_desktop.cli.output import print_json

    print_json(
        {
            "erasure_id": result.erasure_id,
            "contact_id": contact_id,
            "removed": result.removed,
            # Snippets would copy the erased person's data into logs: left out.
            "mentions": [m.as_json(snippet=False) for m in result.mentions],
            "mentions_capped": result.mentions.capped,
        }
    )


def _confirm(name: str, preview: dict[str, int], mentioned: int = 0) -> bool:
    stream = sys.stdin
    if stream is None or not stream.isatty():
        raise CrmError(
            "cli.confirmation_required",
            "erase cannot be undone: run it on a terminal, or add --yes.",
        )
    print(
        f"This erases {name} with {preview.get('consent', 0)} consent records, "
        f"{preview.get('activity', 0)} activities and {preview.get('task', 0)} tasks, here "
        "and (after sync) on the server and every device. It cannot be undone."
    )
    if mentioned:
        print(
            f"{mentioned} fields of other records mention {name}; they are not changed and "
            "are listed after erasing, to review."
        )
    answer = input("Type the person's name to confirm: ")
    if answer.strip() != name.strip():
        sys.stderr.write("The name did not match; nothing was changed.\n")
        return False
    return True


def run_consent_list(args: argparse.Namespace) -> int:
    from crm_desktop.cli.output import print_json
    from crm_desktop.services.consent import consent_history
    from crm_desktop.services.contacts import get_contact

    with opened_store(args) as store:
        get_contact(store, args.contact_id)  # a clear error for a wrong id
        history = consent_history(store, args.contact_id)
    if args.json:
        print_json([record.as_json() for record in history])
        return EXIT_OK
    if not history:
        print("No consent records.")
    for record in history:
        source = f" via {record.source}" if record.source else ""
        print(
            f"{record.recorded_at:%Y-%m-%d %H:%M} UTC  {record.purpose:<16} {record.status}{source}"
        )
    return EXIT_OK


def run_consent_add(args: argparse.Namespace) -> int:
    from crm_desktop.services.consent import record_consent

    when = None
    if args.at:
        try:
            when = datetime.fromisoformat(args.at)
        except ValueError:
            raise CrmError("cli.usage", f"--at {args.at!r} is not an ISO 8601 time") from None
        if when.tzinfo is None:
            when = when.astimezone()  # local time, as typed
        when = when.astimezone(UTC)
    with opened_store(args) as store:
        result = record_consent(
            store,
            args.contact_id,
            args.purpose,
            args.status,
            recorded_at=when,
            source=args.source,
            notes=args.notes,
        )
    print(f"Recorded: {args.purpose} {args.status} ({result.value}).")
    return EXIT_OK


def run_audit(args: argparse.Namespace) -> int:
    from crm_desktop.cli.output import print_json
    from crm_desktop.services.audit import audit_log

    with opened_store(args) as store:
        entries = audit_log(store, limit=args.limit, record_id=args.contact)
    if args.json:
        print_json([entry.as_json() for entry in entries])
        return EXIT_OK
    for entry in entries:
        who = entry.user or entry.device_id or ""
        what = entry.label or entry.record_id
        extra = ", ".join(entry.fields) if entry.fields else (entry.detail or "")
        when = f"{entry.at:%Y-%m-%d %H:%M:%S}"
        print(f"{when} {entry.action:<8} {entry.entity:<10} {what}  {extra}  {who}")
    if not entries:
        print("The audit log is empty.")
    return EXIT_OK
