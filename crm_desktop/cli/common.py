"""Pieces shared by the command modules: exit codes, usage errors, argument types."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from crm_desktop.errors import CrmError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(CrmError):
    """The command line itself is wrong (exit 2, with the usage line)."""

    def __init__(self, message: str):
        super().__init__("cli.usage", message)


def int_range(minimum: int, maximum: int) -> Callable[[str], int]:
    """An argparse type: a whole number in [minimum, maximum]."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"must be between {minimum:,} and {maximum:,}")
        return value

    parse.__name__ = "number"  # argparse names the type in its messages
    return parse
