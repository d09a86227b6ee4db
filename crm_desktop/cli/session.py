"""Opening the store from the command line: data directory and passphrase.

The key comes from the OS keychain when there is one. Otherwise the
passphrase comes from ``CRM_PASSPHRASE``, or is asked on the terminal (twice
when a store is created); with neither, the error says what to set.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from crm_desktop.errors import CrmError, StoreError

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store

Prompt = Callable[[str], str]


def data_dir(args: argparse.Namespace) -> Path:
    """``--data-dir``, else ``CRM_DATA_DIR``, else the platform's user data directory."""
    from crm_desktop.store.files import default_data_dir

    given = getattr(args, "data_dir", None)
    return Path(given).expanduser() if given else default_data_dir()


def store_exists(directory: Path) -> bool:
    from crm_desktop.store.files import DB_FILENAME

    return (directory / DB_FILENAME).exists()


@contextmanager
def opened_store(
    args: argparse.Namespace,
    *,
    create: bool = False,
    passphrase: Callable[[bool], str] | None = None,
) -> Iterator[Store]:
    """The store of ``--data-dir``, closed afterwards.

    Args:
        create: create it when missing (commands that write); read commands
            report a missing store instead of leaving an empty one behind.
        passphrase: the provider to use (default: `passphrase_provider()`).
    """
    from crm_desktop.store.engine import open_store

    directory = data_dir(args)
    try:
        store = open_store(directory, passphrase=passphrase or passphrase_provider(), create=create)
    except StoreError as exc:
        if exc.code != "store.missing":
            raise
        raise StoreError(
            exc.code,
            f"No store in {directory}: run crm-desktop without a command to create "
            "one, or give --data-dir.",
            path=str(directory),
        ) from None
    try:
        yield store
    finally:
        store.close()


def passphrase_provider(
    stdin: TextIO | None = None, prompt: Prompt | None = None
) -> Callable[[bool], str]:
    """A provider for `open_store`: env var, else terminal prompt, else a clear error."""

    def provide(creating: bool) -> str:
        from crm_desktop.store.keys import PASSPHRASE_ENV, passphrase_from_env

        from_env = passphrase_from_env()
        if from_env:
            return from_env
        stream = stdin if stdin is not None else sys.stdin
        if stream is None or not stream.isatty():
            what = "a passphrase for the new store" if creating else "the store's passphrase"
            raise StoreError(
                "store.passphrase_required",
                f"No OS keychain and no terminal to ask on: set {what} in {PASSPHRASE_ENV}.",
            )
        ask = prompt or _getpass
        return _ask_new(ask) if creating else _ask(ask, "Passphrase: ")

    return provide


def _getpass(text: str) -> str:
    import getpass

    return getpass.getpass(text)


def _ask(ask: Prompt, text: str) -> str:
    try:
        return ask(text)
    except EOFError:
        raise StoreError("store.passphrase_required", "No passphrase was entered.") from None


def _ask_new(ask: Prompt) -> str:
    from crm_desktop.store.keys import check_new_passphrase

    first = _ask(ask, "New passphrase for this store: ")
    check_new_passphrase(first)  # refuse a weak one before asking to repeat it
    if _ask(ask, "Repeat the passphrase: ") != first:
        raise CrmError(
            "cli.passphrase_mismatch", "The two passphrases differ; no store was created."
        )
    return first
