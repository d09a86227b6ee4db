"""``crm-desktop merge`` for companies: found from the ids or named by --entity."""

from __future__ import annotations

import json
from pathlib import Path

from crm_desktop.services.merge import resolve
from crm_desktop.store.engine import open_store
from tests.cli.conftest import Runner


def _company_ids(data_dir: Path) -> dict[str, str]:
    store = open_store(data_dir, use_keychain=True)
    try:
        with store.read() as conn:
            return dict(conn.exec_driver_sql("SELECT name, id FROM company").all())
    finally:
        store.close()


def _seed(run: Runner) -> tuple[dict[str, str], str, str]:
    a = run("contact", "add", "--name", "张伟", "--company", "华为技术有限公司").out.strip()
    b = run("contact", "add", "--name", "Wang Fang", "--company", "华为技术").out.strip()
    return _company_ids(run.data_dir), a, b


def test_merge_companies_found_from_the_ids(run: Runner) -> None:
    companies, _a, b = _seed(run)
    keep, away = companies["华为技术有限公司"], companies["华为技术"]
    result = run("merge", keep, away)
    assert result.code == 0, result.err
    assert result.out.strip() == f"Merged company {away} into {keep}; moved 1 contact."
    shown = json.loads(run("contact", "show", b, "--json").out)
    assert shown["company_id"] == keep
    assert set(_company_ids(run.data_dir)) == {"华为技术有限公司"}
    store = open_store(run.data_dir, use_keychain=True)
    try:
        assert resolve(store, away) == keep
    finally:
        store.close()


def test_merge_with_entity_and_bad_pairs(run: Runner) -> None:
    companies, a, _b = _seed(run)
    keep, away = companies["华为技术有限公司"], companies["华为技术"]
    mixed = run("merge", keep, a)
    assert mixed.code == 2 and "both be contacts or both be companies" in mixed.err
    wrong = run("merge", keep, away, "--entity", "contact")  # they are no contacts
    assert wrong.code == 1 and "No contact with id" in wrong.err
    picked = run("merge", keep, away, "--entity", "company", "--pick", "name=other")
    assert picked.code == 0, picked.err
    assert set(_company_ids(run.data_dir)) == {"华为技术"}
    assert run("merge", keep, keep, "--entity", "company").code == 1
