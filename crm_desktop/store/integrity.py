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

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3
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


# -- at open: cheap checks, and what to say when the store is damaged -------------

# Full checks read and decrypt every page: on a 570 MB store quick_check takes
# ~9.6 s and cipher_integrity_check ~6 s on the project's VM (measured), so a
# 5.6 GB store would take minutes. Opening runs only what costs milliseconds;
# the app runs the full check in the background after opening.
FULL_CHECK_INTERVAL_DAYS = 7
CHECK_STATE_FILENAME = "integrity.json"


def check_file_shape(db_path: Path) -> list[str]:
    """Checks that need no key: the file is not empty and is whole pages.

    SQLCipher pages are 4096 bytes (a store never changes it), so a file
    whose size is not a multiple was cut short while being copied or written.
    """
    try:
        size = db_path.stat().st_size
    except FileNotFoundError:
        return []
    if size == 0:
        return [f"{db_path.name} is empty (0 bytes): its content was lost"]
    if size % 4096:
        return [f"{db_path.name} is cut short ({size:,} bytes is not a whole number of pages)"]
    return []


def check_at_open(raw: Any, db_path: Path) -> list[str]:
    """Cheap checks on a connection whose key is set (milliseconds, any store size).

    - the header's page count against the file (a file cut at a page boundary);
    - every table's first and last b-tree path: those pages are read, so their
      HMACs are verified (a crash or a bad sector at the end of a table, where
      writes land, shows here).
    Problems are returned in words; nothing is raised for a damaged page.
    """
    problems = check_file_shape(db_path)
    if problems:
        return problems
    try:
        page_size = int(raw.execute("PRAGMA page_size").fetchone()[0])
        pages = int(raw.execute("PRAGMA page_count").fetchone()[0])
        size = db_path.stat().st_size
        wal = Path(f"{db_path}-wal")
        wal_size = wal.stat().st_size if wal.exists() else 0
        if wal_size == 0 and pages * page_size > size:
            problems.append(
                f"{db_path.name} is cut short: its header counts {pages:,} pages, "
                f"the file holds {size // page_size:,}"
            )
        tables = [
            row[0]
            for row in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND sql NOT LIKE 'CREATE VIRTUAL%' AND sql NOT LIKE '%WITHOUT ROWID%'"
            )
        ]
        for name in tables:
            quoted = name.replace('"', '""')
            # Two statements: SQLite optimises a lone min() or max() of the rowid
            # to one b-tree descent, but scans the table for both at once.
            raw.execute(f'SELECT min(rowid) FROM "{quoted}"').fetchone()
            raw.execute(f'SELECT max(rowid) FROM "{quoted}"').fetchone()
    except (sqlite3.DatabaseError, sqlcipher3.DatabaseError) as exc:
        problems.append(f"a page could not be read: {exc}")
    return problems


def damaged_error(data_dir: Path, problems: list[str]) -> StoreError:
    """The error for a damaged store: what is wrong, and the newest backup to restore."""
    from crm_desktop.services.backup_schedule import latest_backup

    backup = latest_backup(data_dir)
    detail = "; ".join(problems[:3])
    if backup is not None:
        advice = (
            f"The newest backup is {backup.path} ({backup.taken_at:%Y-%m-%d %H:%M} UTC). "
            f"Restore it with: crm-desktop --data-dir {data_dir} restore {backup.path}"
        )
    else:
        advice = (
            "No automatic backup was found; restore one you made with "
            "crm-desktop restore FILE, or move the damaged file away to start afresh."
        )
    return StoreError(
        "store.damaged",
        f"The store in {data_dir} is damaged ({detail}). Nothing was changed. {advice}",
        path=str(data_dir),
        detail=detail,
        backup=str(backup.path) if backup else None,
    )


def key_opens_backup(data_dir: Path, pragma_key: str) -> bool:
    """Whether the key that failed on the store opens its newest backup.

    The page-1 HMAC of a store fails alike for a wrong key and a damaged first
    page; a key that opens the store's own backup was the right one, so then
    the store is damaged rather than the passphrase wrong.
    """
    from crm_desktop.services.backup_schedule import latest_backup

    backup = latest_backup(data_dir)
    if backup is None:
        return False
    try:
        conn = sqlcipher3.connect(f"file:{backup.path}?mode=ro", uri=True, isolation_level=None)
    except (sqlite3.DatabaseError, sqlcipher3.DatabaseError):
        return False
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {pragma_key}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except (sqlite3.DatabaseError, sqlcipher3.DatabaseError):
        return False
    finally:
        conn.close()


def full_check_due(data_dir: Path, now: datetime | None = None) -> bool:
    """Whether the background full check should run (none in the last week)."""
    state = _check_state(data_dir)
    last = state.get("checked_at")
    if not isinstance(last, str) or state.get("ok") is not True:
        return True
    try:
        when = datetime.fromisoformat(last)
    except ValueError:
        return True
    return (now or datetime.now(UTC)) - when >= timedelta(days=FULL_CHECK_INTERVAL_DAYS)


def record_full_check(data_dir: Path, report: IntegrityReport) -> None:
    from crm_desktop.store.files import write_atomic

    state = {"checked_at": datetime.now(UTC).isoformat(), "ok": report.ok}
    write_atomic(data_dir / CHECK_STATE_FILENAME, (json.dumps(state) + "\n").encode())


def _check_state(data_dir: Path) -> dict[str, Any]:
    try:
        raw = json.loads((data_dir / CHECK_STATE_FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}
