"""Imports every module that registers `WriteTx` hooks, so a Store always has them."""

import crm_desktop.store.derived  # noqa: F401
from crm_desktop.store import search_index  # noqa: F401
