"""The streamed import: batches checked in a child process and written on a writer
thread give exactly what the plain path gives, and survive a child that cannot run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm_desktop.services import csv_import
from crm_desktop.services.csv_import import ImportReport, guess_mapping, read_table, undo_import
from crm_desktop.store.engine import Store, open_store

ROWS = [
    "Name,Mobile,Email,Company,Tags,Title",
    "张伟,13812345678,zw@example.com,华信科技有限公司,vip,",
    "Alice Smith,+1 415 555 2671,alice@example.com,Acme Ltd,,",
    ",13900000000,nobody@example.com,,,",  # no name: refused
    "Bob,not a phone,bob@example.com,acme ltd,lead,",  # bad phone: refused
    "李娜,13912345678,ln@example.com,华信科技有限公司,,",
    "Alice Smith,+1 415 555 2671,alice2@example.com,Acme Ltd,,",  # same phone as row 3
    "Carol,,carol@,,,",  # bad email: refused
] + [f"Person {i},1380000{i:04d},p{i}@example.com,,bulk,Globex buyer" for i in range(40)]


def _summary(store: Store, report: ImportReport) -> dict[str, Any]:
    with store.read() as conn:
        contacts = sorted(
            conn.exec_driver_sql(
                "SELECT c.name, c.phones, c.emails, c.tags, co.name FROM contact c "
                "LEFT JOIN company co ON co.id = c.company_id"
            ).all()
        )
        companies = sorted(r[0] for r in conn.exec_driver_sql("SELECT name FROM company"))
        found = conn.exec_driver_sql(
            "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'globex'"
        ).scalar()
    return {
        "imported": report.imported,
        "skipped": report.skipped,
        "duplicates": [(n, [m.reasons for m in ms]) for n, ms in report.duplicates],
        "contacts": contacts,
        "companies": companies,
        "indexed": found,
    }


def _run(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch, **patch: Any) -> Any:
    for attribute, value in patch.items():
        monkeypatch.setattr(csv_import, attribute, value)
    path = tmp_path / "in.csv"
    path.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    store = open_store(tmp_path / name, passphrase=lambda _c: "pipeline test", use_keychain=False)
    table = read_table(path)
    progress: list[tuple[int, int]] = []
    report = csv_import.import_contacts(
        store, table, guess_mapping(table.headers), progress=lambda d, t: progress.append((d, t))
    )
    return store, report, progress


def test_child_process_checks_give_what_checking_here_gives(tmp_path, monkeypatch):
    here, plain, _ = _run(tmp_path, "here", monkeypatch, PARALLEL_ROWS=10**9)
    expected = _summary(here, plain)
    there, piped, progress = _run(tmp_path, "child", monkeypatch, PARALLEL_ROWS=1, BATCH=7)
    assert _summary(there, piped) == expected
    assert expected["imported"] == 43
    assert [n for n, _ in expected["skipped"]] == [4, 5, 7, 8]
    assert expected["indexed"] == 40
    # Progress counts input rows, batch by batch, up to all of them.
    assert progress[-1] == (47, 47) and len(progress) == 7
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    # The import is still one undoable batch (companies it created go too).
    assert undo_import(there, piped.import_id).value == 43
    with there.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM company").scalar() == 0
    here.close()
    there.close()


def test_rows_are_checked_here_when_the_child_cannot_run(tmp_path, monkeypatch):
    here, plain, _ = _run(tmp_path, "here", monkeypatch, PARALLEL_ROWS=10**9)
    expected = _summary(here, plain)
    there, report, _ = _run(
        tmp_path, "broken", monkeypatch, PARALLEL_ROWS=1, BATCH=7, _submit=lambda *a: None
    )
    assert _summary(there, report) == expected
    here.close()
    there.close()
