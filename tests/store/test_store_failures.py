"""Writes that fail: disk full, the OS refusing a write, an exception mid-use-case.

Every one must roll the whole transaction back, keep what was saved before,
and leave the store usable once the cause is gone.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from crm_desktop.domain.models import Contact
from crm_desktop.errors import StoreError
from crm_desktop.store.engine import Store, open_store
from crm_desktop.store.files import DB_FILENAME
from crm_desktop.store.integrity import check_integrity
from tests.store.store_testkit import add_contact, contact_names, count, file_hashes

TESTS_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = TESTS_DIR.parent
NO_PAGE_LIMIT = 0xFFFFFFFE  # SQLite's maximum page count


def _big_batch(n: int = 300) -> list[dict[str, Any]]:
    return [{"name": f"Filler {i}", "notes": "x" * 3000} for i in range(n)]


def _local_meta(store: Store) -> dict[str, str]:
    with store.read() as conn:
        return dict(conn.exec_driver_sql("SELECT key, value FROM local_meta").fetchall())


def _assert_only_before_is_saved(store: Store) -> None:
    assert contact_names(store) == ["Before"]
    assert count(store, "change_log") == 1
    assert count(store, "record_tag") == 0
    report = check_integrity(store)
    assert report.ok, report.problems


@contextmanager
def _page_limit(store: Store, headroom: int) -> Iterator[list[int]]:
    """Cap the database at its current size plus `headroom` pages, on every pooled
    connection: SQLite then fails page allocation with SQLITE_FULL, exactly as
    when the disk is full. Yields the limit cell, to lift it from inside."""
    with store.read() as conn:
        pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar_one())
    limit = [pages + headroom]

    def on_checkout(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {limit[0]}")

    event.listen(store.engine, "checkout", on_checkout)
    try:
        yield limit
    finally:
        event.remove(store.engine, "checkout", on_checkout)
        with store.engine.connect() as conn:  # the pragma outlives the listener
            conn.exec_driver_sql(f"PRAGMA max_page_count = {NO_PAGE_LIMIT}")


def test_disk_full_rolls_back_and_the_store_stays_usable(store: Store) -> None:
    add_contact(store, "Before", tags=["vip"])
    meta_before = _local_meta(store)
    with _page_limit(store, headroom=2) as limit:
        with pytest.raises(StoreError) as caught, store.write() as tx:
            tx.insert_many(Contact, _big_batch())
        assert caught.value.code == "store.disk_full"
        assert "nothing already saved is lost" in caught.value.message
        assert contact_names(store) == ["Before"]
        assert count(store, "change_log") == 1
        assert count(store, "record_tag") == 1
        assert _local_meta(store) == meta_before
        limit[0] = NO_PAGE_LIMIT  # space freed: the same store carries on
        with store.write() as tx:
            tx.insert_many(Contact, _big_batch())
    assert count(store, "contact") == 301
    assert count(store, "change_log") == 301
    assert check_integrity(store, full=True).ok


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX RLIMIT_FSIZE")
def test_the_os_refusing_a_write_rolls_back(store: Store, data_dir: Path) -> None:
    # RLIMIT_FSIZE makes the kernel refuse to grow any file past the limit (EFBIG):
    # a real failed write() under SQLite, which reports it as an I/O error.
    import resource

    add_contact(store, "Before")
    largest = max(p.stat().st_size for p in data_dir.iterdir())
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the signal kills us
    resource.setrlimit(resource.RLIMIT_FSIZE, (largest + 64 * 1024, hard))
    try:
        with pytest.raises(StoreError) as caught, store.write() as tx:
            tx.insert_many(Contact, _big_batch())
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)
    assert caught.value.code == "store.io_error"
    _assert_only_before_is_saved(store)
    with store.write() as tx:
        tx.insert_many(Contact, _big_batch())
    assert count(store, "contact") == 301
    assert check_integrity(store, full=True).ok


# Runs inside a private mount namespace on a small tmpfs: a real ENOSPC.
_ENOSPC_CHILD = r"""
import errno, json, os, sys
from pathlib import Path
import keyring
from conftest import MemoryKeyring
from crm_desktop.domain.models import Contact
from crm_desktop.errors import StoreError
from crm_desktop.store.engine import open_store
from crm_desktop.store.integrity import check_integrity

root = Path(sys.argv[1])
keyring.set_keyring(MemoryKeyring())
store = open_store(root / "data", use_keychain=True)
batch = [{"name": f"Filler {i}", "notes": "x" * 3000} for i in range(300)]
with store.write() as tx:
    tx.insert(Contact, {"name": "Before"})
fd = os.open(root / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
try:  # take every free block, so the WAL cannot grow
    while True:
        os.write(fd, b"\0" * 65536)  # the last one is short, the next raises
except OSError as exc:
    assert exc.errno == errno.ENOSPC, exc
finally:
    os.close(fd)
result = {}
try:
    with store.write() as tx:
        tx.insert_many(Contact, batch)
except StoreError as exc:
    result["code"] = exc.code
def names():
    with store.read() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT name FROM contact")]
result["after_failure"] = names()
result["integrity_after_failure"] = check_integrity(store).problems
os.unlink(root / "filler")
with store.write() as tx:
    tx.insert_many(Contact, batch)
result["after_freeing"] = len(names())
store.close()
print(json.dumps(result))
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_a_really_full_disk(tmp_path: Path) -> None:
    mount_point = tmp_path / "mnt"
    mount_point.mkdir()
    script = 'mount -t tmpfs -o size=32m,mode=0700 tmpfs "$0" || exit 77; exec "$1" -c "$2" "$0"'
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_DIR), str(TESTS_DIR)])}
    done = subprocess.run(
        [
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            script,
            str(mount_point),
            sys.executable,
            _ENOSPC_CHILD,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if done.returncode == 77 or "unshare failed" in done.stderr:
        if os.environ.get("CI"):  # CI's machine can mount one: not being able to is a failure
            pytest.fail(f"no private tmpfs in CI: {done.stderr.strip()[:200]}")
        pytest.skip(f"no private tmpfs here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "code": "store.disk_full",
        "after_failure": ["Before"],
        "integrity_after_failure": [],
        "after_freeing": 301,
    }


def test_an_exception_inside_a_write_leaves_no_trace(store: Store) -> None:
    add_contact(store, "Before")
    meta_before = _local_meta(store)
    with pytest.raises(RuntimeError, match="use case failed"), store.write() as tx:
        tx.insert(Contact, {"name": "Half-done", "tags": ["vip"]})
        raise RuntimeError("use case failed")
    _assert_only_before_is_saved(store)
    assert _local_meta(store) == meta_before
    add_contact(store, "After")
    assert contact_names(store) == ["After", "Before"]


def test_a_bug_is_not_disguised_as_a_store_error(store: Store) -> None:
    contact_id = add_contact(store, "Before")
    with pytest.raises(IntegrityError), store.write() as tx:
        tx.insert(Contact, {"name": "Second"})
        tx.insert(Contact, {"id": contact_id, "name": "Duplicate id"})
    _assert_only_before_is_saved(store)


def test_an_unopenable_file_is_a_clear_error(store: Store, data_dir: Path) -> None:
    store.close()
    path = data_dir / DB_FILENAME
    path.unlink()
    path.mkdir()  # something SQLite cannot open, whatever the user's rights
    with pytest.raises(StoreError) as caught:
        open_store(data_dir)
    assert caught.value.code == "store.cannot_open"


def test_a_plain_sqlite_file_is_refused_untouched(store: Store, data_dir: Path) -> None:
    store.close()
    path = data_dir / DB_FILENAME
    path.unlink()
    plain = sqlite3.connect(path)
    plain.execute("CREATE TABLE contact(name TEXT)")
    plain.commit()
    plain.close()
    before = file_hashes(data_dir)
    with pytest.raises(StoreError) as caught:
        open_store(data_dir)
    assert caught.value.code == "store.wrong_key"
    assert "damaged" in caught.value.message
    assert file_hashes(data_dir) == before
