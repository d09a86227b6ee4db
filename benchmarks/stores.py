"""Benchmark stores: demo data built once and kept in benchmarks/.data (not committed)."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from crm_desktop.store.engine import Store, open_store

DATA = Path(__file__).parent / ".data"
PASSPHRASE = "benchmark passphrase, not a secret"
# Enough activities for the chart aggregates' "1M activities" at 1M contacts,
# without the ~10 per contact of the interactive demo (10M rows take long to build).
ACTIVITIES_PER_CONTACT = 1.0


def passphrase(_creating: bool) -> str:
    return PASSPHRASE


def demo_store(contacts: int, *, cache_mb: int = 256) -> Store:
    """The demo store of `contacts` people, built on first use (with a progress line)."""
    # Kept across schema changes: open_store migrates it like any user's store.
    directory = DATA / f"demo-{contacts}"
    build_demo(directory, contacts, "demo store", ACTIVITIES_PER_CONTACT, cache_mb=cache_mb)
    return open_store(directory, passphrase=passphrase, create=False, cache_mb=cache_mb)


def build_demo(
    directory: Path,
    contacts: int,
    label: str,
    activities_per_contact: float,
    *,
    cache_mb: int = 256,
) -> None:
    """Generate demo data into `directory` unless a finished build (READY) is there."""
    from crm_desktop.services.demo import generate_demo

    ready = directory / "READY"
    if ready.exists():
        return
    shutil.rmtree(directory, ignore_errors=True)
    store = open_store(directory, passphrase=passphrase, use_keychain=False, cache_mb=cache_mb)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r  building {label}: {done:,}/{total:,} contacts", end="", file=sys.stderr)

    generate_demo(
        store,
        contacts,
        seed=7,
        progress=progress,
        activities_per_contact=activities_per_contact,
    )
    print(f" ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    store.close()
    ready.write_text("ok\n")


def fresh_store(name: str) -> Store:
    directory = DATA / "scratch" / name
    shutil.rmtree(directory, ignore_errors=True)
    return open_store(directory, passphrase=passphrase, use_keychain=False)


def env_with_passphrase() -> dict[str, str]:
    return {**os.environ, "CRM_PASSPHRASE": PASSPHRASE}
