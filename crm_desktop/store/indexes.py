"""Imports every module that registers `WriteTx` hooks, so a Store always has them."""

import crm_desktop.store.derived
import crm_desktop.store.erasure
import crm_desktop.store.merge_follow
import crm_desktop.store.search_index  # noqa: F401
