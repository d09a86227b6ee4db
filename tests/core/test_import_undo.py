"""An import is one batch: `undo_import` removes exactly what it created. Bad input paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_desktop.errors import CrmError, NotFoundError
from crm_desktop.services.activities import log_activity
from crm_desktop.services.companies import create_company
from crm_desktop.services.contacts import create_contact, get_contact
from crm_desktop.services.csv_import import (
    guess_mapping,
    import_contacts,
    list_imports,
    read_table,
    undo_import,
)
from crm_desktop.services.queries import ContactQuery
from crm_desktop.store.engine import Store


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "in.csv"
    path.write_bytes(text.encode(encoding))
    return path


def _names(store: Store) -> list[str]:
    return sorted(r.name for r in ContactQuery(store).page_after(None, 100).rows)


def test_undo_removes_exactly_the_imported_records(tmp_path: Path, store: Store) -> None:
    create_contact(store, {"name": "Kept"}, company_name="Old Co")
    create_company(store, {"name": "Shared Co"})
    table = read_table(
        _csv(
            tmp_path,
            "Name,Company\nA,New Co\nB,Old Co\nC,Shared Co\nD,Kept Co\n",
        )
    )
    first = import_contacts(store, table, guess_mapping(table.headers))
    other = import_contacts(store, read_table(_csv(tmp_path, "Name\nZ\n")), {"Name": "name"})
    # A contact added by hand to a company the import created keeps that company.
    d_company = get_contact(store, first.ids[3]).contact.company_id
    create_contact(store, {"name": "Hand", "company_id": d_company})
    log_activity(store, "note", contact_id=first.ids[0], subject="after import")
    assert [i for i, _ in list_imports(store)] == sorted([first.import_id, other.import_id])[::-1]
    result = undo_import(store, first.import_id)
    assert result.value == 4
    assert _names(store) == ["Hand", "Kept", "Z"]
    with store.read() as conn:
        companies = sorted(n for (n,) in conn.exec_driver_sql("SELECT name FROM company"))
    assert companies == ["Kept Co", "Old Co", "Shared Co"]  # New Co went with its import
    assert first.import_id not in dict(list_imports(store))
    with pytest.raises(NotFoundError):
        undo_import(store, first.import_id)


def test_wrong_encoding_override_is_a_clear_error(tmp_path: Path) -> None:
    path = _csv(tmp_path, "姓名,手机\n张伟,13812345678\n", "gb18030")
    with pytest.raises(CrmError) as err:
        read_table(path, encoding="utf-8")
    assert err.value.code == "import.unreadable" and "utf-8" in err.value.message
    assert read_table(path, encoding="gb18030", delimiter=",").rows == [["张伟", "13812345678"]]


def test_latin1_file_is_refused_with_the_reason_not_garbled(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Name,Notes\nZoë,café\n", "latin-1")
    with pytest.raises(CrmError) as err:
        read_table(path)
    assert "not text in UTF-8, UTF-16 or GB18030" in err.value.message
    # The wizard's encoding choice (or a re-saved file) reads it.
    assert read_table(path, encoding="latin-1").rows == [["Zoë", "café"]]


def test_a_ten_megabyte_field_and_ragged_rows_with_duplicates(tmp_path: Path, store: Store) -> None:
    big = "x" * 10_000_000
    text = f"Name,Email,Notes\nA,a@example.com,{big}\nB,b@example.com\nC,b@example.com,x,y\n"
    table = read_table(_csv(tmp_path, text))
    report = import_contacts(store, table, guess_mapping(table.headers))
    assert report.imported == 1
    reasons = dict(report.skipped)
    assert "10.0 MB" in reasons[2] and "row 3 (B): same email" in reasons[4]
    assert [n for n, _ in report.warnings] == [3, 4]
