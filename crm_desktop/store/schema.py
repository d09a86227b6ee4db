"""The store's full metadata: domain tables plus local bookkeeping tables."""

from sqlmodel import SQLModel

import crm_desktop.domain.local
import crm_desktop.domain.models  # noqa: F401  (registers the tables)

metadata = SQLModel.metadata

FTS_TABLE = "search_fts"
