"""Integrity checks of an open store, for `crm-desktop check` and support.

Three independent checks, each reported in words:
- SQLite's structural check (``quick_check``, or the slower ``integrity_check``
  that also verifies indexes against their tables);
- SQLCipher's ``cipher_integrity_check``: the HMAC of every page in the file, so
  tampering or bit rot in pages no query touches is found too;
- ``foreign_key_check``: rows that point at records that do not exist;
- with ``full``, the kept per-table totals (``record_count``) against count(*).

A check that cannot even run (the file is too damaged) is itself a problem,
not an exception: the caller wants a report, most of all when things are bad.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from crm_desktop.errors import StoreError

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store

# integrity_check stops after this many problems; more add nothing a user can act on.
MAX_REPORTED = 100


@dataclass(frozen=True)
class IntegrityReport:
    """The outcome of `check_integrity`: ``ok`` only when every check passed.

    Attributes:
        problems: one sentence per problem found, empty when ``ok``.
        checks: the pragmas that ran, in order.
    """

    ok: bool
    problems: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def check_integrity(store: Store, *, full: bool = False) -> IntegrityReport:
    """Run the structural, page-HMAC and foreign-key checks on `store`.

    Args:
        full: run ``integrity_check`` (also compares every index with its
            table; slow on big stores) instead of ``quick_check``.
    """
    structural = "integrity_check" if full else "quick_check"
    checks: list[tuple[str, Callable[[Connection], list[str]]]] = [
        (structural, lambda conn: _structural(conn, structural)),
        ("cipher_integrity_check", _cipher),
        ("foreign_key_check", _foreign_keys),
    ]
    if full:
        checks.append(("record_count", _record_counts))
    problems = [problem for name, run in checks for problem in _run_check(store, name, run)]
    return IntegrityReport(ok=not problems, problems=problems, checks=[n for n, _ in checks])


def _run_check(store: Store, name: str, run: Callable[[Connection], list[str]]) -> list[str]:
    # Each check in its own read transaction: one that fails to run leaves
    # the others their chance to say what else is wrong.
    try:
        with store.read() as conn:
            return run(conn)
    except StoreError as exc:
        return [f"{name} could not run: {exc.message} ({exc.params.get('detail', exc.code)})"]
    except DBAPIError as exc:
        return [f"{name} could not run: {exc.orig}"]


def _structural(conn: Connection, pragma: str) -> list[str]:
    rows = conn.exec_driver_sql(f"PRAGMA {pragma}({MAX_REPORTED})").fetchall()
    messages = [str(row[0]) for row in rows]
    return [] if messages == ["ok"] else [f"{pragma}: {m}" for m in messages]


def _cipher(conn: Connection) -> list[str]:
    # Reads the pages in the database file itself; pages still in the WAL are
    # verified as the structural check reads them (every page read checks its HMAC).
    rows = conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall()
    return [f"cipher_integrity_check: {row[0]}" for row in rows[:MAX_REPORTED]]


def _foreign_keys(conn: Connection) -> list[str]:
    rows = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    return [
        f"foreign_key_check: {table} row {rowid} refers to a missing {parent} (constraint {fkid})"
        for table, rowid, parent, fkid in rows[:MAX_REPORTED]
    ]


def _record_counts(conn: Connection) -> list[str]:
    from crm_desktop.domain.models import SYNCED_MODELS

    kept: dict[str, int] = dict(
        conn.exec_driver_sql("SELECT entity, count FROM record_count").fetchall()
    )
    problems = []
    for entity in SYNCED_MODELS:  # table names from the code, not from input
        actual = conn.exec_driver_sql(f"SELECT count(*) FROM {entity}").scalar_one()
        if kept.get(entity, 0) != actual:
            problems.append(f"record_count: {entity} kept as {kept.get(entity, 0)}, holds {actual}")
    return problems
