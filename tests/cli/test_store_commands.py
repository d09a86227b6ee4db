"""The summary, demo, search, stats and check."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from crm_desktop.cli import commands
from crm_desktop.store.engine import open_store
from crm_desktop.store.files import DB_FILENAME


def test_first_run_creates_the_store_and_prints_a_summary(run_pp):
    result = run_pp("summary")
    assert result.code == 0, result.err
    assert "Created a new encrypted store" in result.out
    assert str(run_pp.data_dir / DB_FILENAME) in result.out
    assert "passphrase" in result.out
    assert "Contacts:" in result.out and "Tasks:" in result.out
    again = run_pp("summary")
    assert again.code == 0
    assert "Created" not in again.out


def test_summary_names_the_keychain_as_key_source(run):
    result = run("summary")
    assert result.code == 0, result.err
    assert "OS keychain" in result.out


def test_demo_fills_the_store_with_a_progress_bar_on_stderr(run):
    result = run("demo", "--contacts", "60", "--seed", "3")
    assert result.code == 0, result.err
    assert "Added 60 contacts" in result.out
    assert "demo [" in result.err and "100%" in result.err
    stats = json.loads(run("stats", "--json").out)
    assert stats["contacts"] == 60
    assert stats["companies"] == 7
    assert 60 * 5 <= stats["activities"] <= 60 * 15
    assert stats["deals"] == stats["deals_open"] + stats["deals_won"] + stats["deals_lost"]
    assert stats["tasks_open"] <= stats["tasks"]
    assert stats["tasks_overdue"] <= stats["tasks_open"]


def test_demo_rejects_a_bad_count(run):
    for bad in ("0", "-5", "many"):
        result = run("demo", "--contacts", bad)
        assert result.code == 2, bad
        assert "usage:" in result.err


def test_stats_text(run):
    run("contact", "add", "--name", "Amy Lee", "--company", "Acme Ltd")
    result = run("stats")
    assert result.code == 0
    assert "Contacts:   1" in result.out
    assert "Companies:  1" in result.out


def test_quick_and_full_counts_agree(run):
    run("demo", "--contacts", "30")
    args = argparse.Namespace(data_dir=str(run.data_dir))
    quick = commands.quick_counts(args)
    store = open_store(run.data_dir)
    try:
        full = commands.store_counts(store)
    finally:
        store.close()
    assert quick == full
    assert quick["contacts"] == 30


def test_stats_of_a_missing_store_says_how_to_create_one(run):
    result = run("stats")
    assert result.code == 1
    assert "No store in" in result.err and "without a command" in result.err
    assert not (run.data_dir / DB_FILENAME).exists()  # a read command creates nothing


def test_search_finds_by_name_pinyin_and_company(run):
    added = run("contact", "add", "--name", "张伟", "--company", "北京华信科技有限公司")
    contact_id = added.out.strip()
    run("contact", "add", "--name", "Amy Lee")
    result = run("search", "zhangwei", "--json")
    assert result.code == 0, result.err
    hits = json.loads(result.out)
    assert hits[0] == {
        "entity": "contact",
        "id": contact_id,
        "name": "张伟",
        "detail": "北京华信科技有限公司",
    }
    companies = json.loads(run("search", "华信", "--entity", "company", "--json").out)
    assert [h["name"] for h in companies] == ["北京华信科技有限公司"]
    text = run("search", "张伟")
    assert text.code == 0 and "张伟" in text.out and contact_id in text.out
    none = run("search", "nobody-here")
    assert none.code == 0 and "No matches" in none.out


def test_search_limit(run):
    run("demo", "--contacts", "40")
    hits = json.loads(run("search", "a", "--limit", "3", "--json").out)
    assert len(hits) <= 3


def test_check_ok(run):
    run("summary")
    result = run("check")
    assert result.code == 0, result.out
    assert result.out.startswith("OK")
    assert run("check", "--full").code == 0


def test_check_finds_a_damaged_page(run_pp):
    run_pp("demo", "--contacts", "200")
    db = run_pp.data_dir / DB_FILENAME
    _flip_byte_in_a_late_page(db)
    result = run_pp("check")
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    assert "cipher_integrity_check: HMAC verification failed" in result.out
    assert "problem(s) found" in result.out


def _flip_byte_in_a_late_page(db: Path) -> None:
    # After close the WAL is checkpointed into the file; the last pages hold data.
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    offset = len(data) - 2 * page + 100
    data[offset] ^= 0xFF
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("args", [("stats",), ("search", "x"), ("check",)])
def test_read_commands_accept_data_dir_after_the_command(run, args):
    run("summary")
    result = commands_main([*args, "--data-dir", str(run.data_dir)])
    assert result == 0


def commands_main(argv: list[str]) -> int:
    from crm_desktop.cli.main import main

    return main(argv)


def test_quick_reader_steps_aside_for_anything_unusual(run, monkeypatch):
    from crm_desktop.store import migrations
    from crm_desktop.store.reader import open_reader

    def provider(_creating: bool) -> str:
        raise AssertionError("a keychain store asks for no passphrase")

    assert open_reader(run.data_dir, provider) is None  # no store yet
    run("contact", "add", "--name", "Amy Lee")
    reader = open_reader(run.data_dir, provider)
    assert reader is not None
    reader.close()
    # A schema this app would migrate (or refuse): the full open handles it.
    monkeypatch.setattr(migrations, "HEAD", "9999_future")
    assert open_reader(run.data_dir, provider) is None
    assert commands.quick_counts(argparse.Namespace(data_dir=str(run.data_dir)))["contacts"] == 1


def test_quick_reader_with_a_wrong_passphrase_leaves_the_error_to_the_full_open(run_pp):
    from crm_desktop.store.reader import open_reader

    run_pp("summary")
    assert open_reader(run_pp.data_dir, lambda _creating: "wrong passphrase") is None


def test_reindex_rebuilds_search_from_the_records(run, data_dir):
    run("contact", "add", "--name", "张伟", "--company", "华信科技")
    from crm_desktop.store.engine import open_store

    store = open_store(data_dir, create=False)
    try:  # lose the index, as damage would
        with store.write() as tx:
            tx.conn.exec_driver_sql("DELETE FROM search_fts")
            tx.conn.exec_driver_sql("DELETE FROM search_doc")
    finally:
        store.close()
    assert "No matches" in run("search", "zhangwei").out
    result = run("reindex")
    assert result.code == 0
    assert "2 contacts and companies" in result.out
    assert "张伟" in run("search", "zhangwei").out
    assert "张伟" in run("search", "华信").out
