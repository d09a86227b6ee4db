"""``crm-desktop contact add|edit|show|list|delete``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from crm_desktop.cli.common import EXIT_OK, UsageError, int_range
from crm_desktop.cli.output import print_fields, print_json, print_table, stored_time
from crm_desktop.cli.session import opened_store

if TYPE_CHECKING:
    from crm_desktop.services.contacts import ContactDetail
    from crm_desktop.store.engine import Store

MAX_LIST = 1_000  # the list query's page limit


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = sub.add_parser(
        "contact", parents=[common], help="add, edit, show, list, delete contacts"
    )
    actions = group.add_subparsers(title="actions", metavar="ACTION", required=True)

    add = actions.add_parser("add", parents=[common], help="add a contact; prints its id")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--phone",
        action="append",
        default=[],
        metavar="P",
        help="phone number (repeatable); without +country code, CRM_PHONE_REGION "
        "(default CN) applies",
    )
    add.add_argument("--email", action="append", default=[], metavar="E", help="repeatable")
    add.add_argument("--company", metavar="C", help="company name: found, or created")
    add.add_argument("--title", metavar="T")
    add.add_argument("--tag", action="append", default=[], metavar="T", help="repeatable")
    add.add_argument("--owner", metavar="O", help="default: CRM_USER or the login name")
    add.set_defaults(handler=run_add, parser=add)

    edit = actions.add_parser(
        "edit",
        parents=[common],
        help="change fields of a contact",
        description="Set fields: name, title, phones, emails, tags (lists comma-separated), "
        "company_id, address, birthday (YYYY-MM-DD), source, grade (A/B/C), owner, notes, "
        "consent_email/consent_call/consent_sms (yes/no), or a custom field by its key. "
        "An empty value clears the field.",
    )
    edit.add_argument("id")
    edit.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    edit.set_defaults(handler=run_edit, parser=edit)

    show = actions.add_parser("show", parents=[common], help="show one contact")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=run_show, parser=show)

    listing = actions.add_parser("list", parents=[common], help="list contacts by name")
    listing.add_argument("--limit", type=int_range(1, MAX_LIST), default=50, metavar="N")
    listing.add_argument("--tag", metavar="T")
    listing.add_argument("--owner", metavar="O")
    listing.add_argument("--company", metavar="C", help="company id or name")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=run_list, parser=listing)

    delete = actions.add_parser(
        "delete", parents=[common], help="delete a contact with its activities and tasks"
    )
    delete.add_argument("id")
    delete.set_defaults(handler=run_delete, parser=delete)


# -- add -------------------------------------------------------------------------
def run_add(args: argparse.Namespace) -> int:
    values: dict[str, Any] = {
        "name": args.name,
        "phones": args.phone,
        "emails": args.email,
        "tags": args.tag,
    }
    for key in ("title", "owner"):
        if getattr(args, key) is not None:
            values[key] = getattr(args, key)
    from crm_desktop.services.contacts import create_contact

    with opened_store(args, create=True) as store:
        contact_id = create_contact(store, values, company_name=args.company).value
    print(contact_id)
    return EXIT_OK


# -- edit --------------------------------------------------------------------------
def parse_assignments(items: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """FIELD=VALUE items -> (built-in fields, custom fields by key)."""
    from crm_desktop.services.contacts import EDITABLE_FIELDS

    values: dict[str, str] = {}
    custom: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"'{item}' is not FIELD=VALUE.")
        target = values if key in EDITABLE_FIELDS else custom
        if key in target:
            raise UsageError(f"{key} is given twice.")
        target[key] = value
    return values, custom


def run_edit(args: argparse.Namespace) -> int:
    from crm_desktop.services.contacts import update_contact

    values, custom = parse_assignments(args.assignments)
    with opened_store(args) as store:
        changed = update_contact(store, args.id, values, custom).value
    if changed:
        names = sorted(_field_name(key) for key in changed)
        print(f"Updated {args.id}: {', '.join(names)}")
    else:
        print(f"Nothing changed: {args.id} already has these values.")
    return EXIT_OK


def _field_name(key: str) -> str:
    # Custom fields come back as "cf:<field id>"; say "custom field" rather than an id.
    return "custom field" if key.startswith("cf:") else key


# -- show --------------------------------------------------------------------------
def run_show(args: argparse.Namespace) -> int:
    from crm_desktop.services.contacts import get_contact

    with opened_store(args) as store:
        detail = get_contact(store, args.id)
    data = contact_json(detail)
    if args.json:
        print_json(data)
        return EXIT_OK
    phones = ", ".join(f"{p['number']} ({p['label']})" for p in data["phones"])
    emails = ", ".join(f"{e['address']} ({e['label']})" for e in data["emails"])
    consent = [
        k[len("consent_") :] for k in ("consent_email", "consent_call", "consent_sms") if data[k]
    ]
    print_fields(
        [
            ("Name", data["name"]),
            ("Company", data["company_name"]),
            ("Title", data["title"]),
            ("Phones", phones),
            ("Emails", emails),
            ("Address", data["address"]),
            ("Birthday", data["birthday"]),
            ("Grade", data["grade"]),
            ("Source", data["source"]),
            ("Tags", ", ".join(data["tags"])),
            ("Owner", data["owner"]),
            ("Consent", ", ".join(consent)),
            ("Notes", data["notes"]),
            *[(key, value) for key, value in data["custom"].items()],
            ("Last activity", data["last_activity_at"]),
            ("Created", data["created_at"]),
            ("Updated", data["updated_at"]),
            ("Id", data["id"]),
        ]
    )
    return EXIT_OK


def contact_json(detail: ContactDetail) -> dict[str, Any]:
    """A contact as JSON-ready data: synced fields, company name, custom fields by key."""
    from crm_desktop.cli.output import json_value

    data = detail.contact.model_dump(exclude={"name_sort"})
    data["company_name"] = detail.company_name
    data["custom"] = dict(detail.custom)
    return dict(json_value(data))


# -- list ----------------------------------------------------------------------------
def run_list(args: argparse.Namespace) -> int:
    from crm_desktop.services.queries import list_contacts

    with opened_store(args) as store:
        company_id = company_id_for(store, args.company) if args.company else None
        page = list_contacts(
            store, limit=args.limit, tag=args.tag, owner=args.owner, company_id=company_id
        )
    if args.json:
        print_json([_row_json(row) for row in page.rows])
        return EXIT_OK
    print_table(
        ("ID", "NAME", "COMPANY", "PHONE", "EMAIL", "OWNER", "TAGS"),
        [
            (
                r.id,
                r.name,
                r.company_name or "",
                r.phone or "",
                r.email or "",
                r.owner or "",
                ", ".join(r.tags),
            )
            for r in page.rows
        ],
    )
    if page.next_key is not None:
        sys.stderr.write(f"(first {len(page.rows):,} shown; --limit shows up to {MAX_LIST:,})\n")
    return EXIT_OK


def _row_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "company_id": row.company_id,
        "company_name": row.company_name,
        "title": row.title,
        "phone": row.phone,
        "email": row.email,
        "owner": row.owner,
        "tags": list(row.tags),
        "updated_at": stored_time(row.updated_at),
    }


def company_id_for(store: Store, text: str) -> str:
    """The id of the company `text` names: its id, else its name (case-insensitive)."""
    from crm_desktop.services.companies import resolve_company

    return resolve_company(store, text)


# -- delete ----------------------------------------------------------------------------
def run_delete(args: argparse.Namespace) -> int:
    from crm_desktop.services.contacts import delete_contact

    with opened_store(args) as store:
        delete_contact(store, args.id)
    print(f"Deleted contact {args.id}.")
    return EXIT_OK
