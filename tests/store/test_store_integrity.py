"""`check_integrity`: structural, page-HMAC and foreign-key checks, reported in words."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from crm_desktop.domain.models import Contact
from crm_desktop.store.engine import Store, open_store
from crm_desktop.store.files import DB_FILENAME
from crm_desktop.store.integrity import IntegrityReport, check_integrity
from tests.store.store_testkit import add_contact

PAGE_SIZE = 4096  # SQLCipher 4's default


@pytest.mark.parametrize("full", [False, True])
def test_a_healthy_store_passes(store: Store, full: bool) -> None:
    add_contact(store, "Ann", tags=["vip"])
    report = check_integrity(store, full=full)
    assert report == IntegrityReport(
        ok=True,
        problems=[],
        checks=[
            "integrity_check" if full else "quick_check",
            "cipher_integrity_check",
            "foreign_key_check",
            *(["record_count"] if full else []),
        ],
    )
    assert dataclasses.asdict(report)["ok"] is True  # ready for `check --json`


def test_a_dangling_reference_is_reported(store: Store) -> None:
    add_contact(store, "Ann")
    # Only a connection with foreign keys off can write such a row (an old
    # bug, or a file edited by hand); the connection is thrown away after.
    raw = store.engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA foreign_keys = OFF")
        raw.driver_connection.execute(
            "UPDATE contact SET company_id = 'no-such-company' WHERE name = 'Ann'"
        )
    finally:
        raw.invalidate()
    report = check_integrity(store)
    assert not report.ok
    assert report.problems == [
        "foreign_key_check: contact row 1 refers to a missing company (constraint 0)"
    ]


def test_a_damaged_page_is_reported_not_raised(
    store: Store, data_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with store.write() as tx:
        tx.insert_many(Contact, [{"name": f"N{i}", "notes": "x" * 3000} for i in range(100)])
    store.close()  # everything checkpointed into the database file
    path = data_dir / DB_FILENAME
    damaged_page = path.stat().st_size // PAGE_SIZE // 2
    with path.open("r+b") as handle:  # bit rot in the middle of one page
        handle.seek((damaged_page - 1) * PAGE_SIZE + 1000)
        handle.write(b"\xff" * 16)
    reopened = open_store(data_dir)  # page 1 is intact: the store still opens
    try:
        for full in (False, True):
            report = check_integrity(reopened, full=full)
            assert not report.ok
            assert (
                f"cipher_integrity_check: HMAC verification failed for page {damaged_page}"
                in report.problems
            )
    finally:
        reopened.close()
    assert capfd.readouterr().err == ""


def test_a_drifted_record_count_is_reported(store: Store) -> None:
    add_contact(store, "Ann")
    with store.write() as tx:
        tx.conn.exec_driver_sql("UPDATE record_count SET count = 7 WHERE entity = 'contact'")
    report = check_integrity(store, full=True)
    assert report.problems == ["record_count: contact kept as 7, holds 1"]
