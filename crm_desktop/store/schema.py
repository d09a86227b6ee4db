"""The store's full metadata: domain tables plus local bookkeeping tables."""

from sqlmodel import SQLModel

import crm_desktop.domain.local
import crm_desktop.domain.models  # noqa: F401  (registers the tables)

metadata = SQLModel.metadata

from crm_desktop.store.search_bands import FTS_TABLE  # noqa: E402,F401
