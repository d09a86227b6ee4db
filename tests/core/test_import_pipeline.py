"""The streamed import: many small batches (checked while the previous one is written on
the writer thread) give exactly what one batch gives."""

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
    "Dave Jones,+44 20 7946 0958,dave@example.com,ACME LTD,,",  # the stored spelling is indexed
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
        documents = sorted(conn.exec_driver_sql("SELECT name, alt, body FROM search_fts").all())
    return {
        "imported": report.imported,
        "skipped": report.skipped,
        "duplicates": [(n, [m.reasons for m in ms]) for n, ms in report.duplicates],
        "contacts": contacts,
        "companies": companies,
        "indexed": found,
        "documents": documents,
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


def test_small_batches_give_what_one_batch_gives(tmp_path, monkeypatch):
    whole, plain, _ = _run(tmp_path, "whole", monkeypatch)
    expected = _summary(whole, plain)
    parts, piped, progress = _run(tmp_path, "parts", monkeypatch, BATCH=7)
    assert _summary(parts, piped) == expected
    assert expected["imported"] == 44
    assert any("Acme Ltd" in body for _, _, body in expected["documents"])
    assert [n for n, _ in expected["skipped"]] == [4, 5, 7, 8]
    assert expected["indexed"] == 40
    # Progress counts input rows, batch by batch, up to all of them.
    assert progress[-1] == (48, 48) and len(progress) == 7
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    # The import is still one undoable batch (companies it created go too).
    assert undo_import(parts, piped.import_id).value == 44
    with parts.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM company").scalar() == 0
    whole.close()
    parts.close()


def test_a_batch_that_cannot_be_written_stops_the_import_and_what_was_written_can_be_undone(
    tmp_path, monkeypatch
):
    from crm_desktop.errors import StoreError
    from crm_desktop.services import import_writer
    from crm_desktop.services.csv_import import list_imports

    real_write = import_writer._write_batch
    calls = []

    def failing(store, batch):  # the disk fills up while the third batch is written
        calls.append(len(calls))
        if len(calls) == 3:
            raise StoreError("store.disk_full", "The disk is full.")
        return real_write(store, batch)

    monkeypatch.setattr(import_writer, "_write_batch", failing)
    with pytest.raises(StoreError, match="disk is full"):
        _run(tmp_path, "full", monkeypatch, BATCH=7)
    store = open_store(tmp_path / "full", passphrase=lambda _c: "pipeline test", use_keychain=False)
    with store.read() as conn:
        written = conn.exec_driver_sql("SELECT count(*) FROM contact").scalar()
    assert written == 10  # the first two batches (7 rows each, 4 refused), nothing half-written
    [(import_id, records)] = list_imports(store)
    assert records == written + 2  # and the two companies they created
    assert undo_import(store, import_id).value == written
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM contact").scalar() == 0
    store.close()
