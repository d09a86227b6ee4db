"""Alembic migrations of the local store.

`HEAD` and `KNOWN_REVISIONS` let a start-up check the schema without
importing alembic (~0.2 s): alembic runs only when the database is behind.
A test keeps them equal to the scripts in ``versions/``.
"""

KNOWN_REVISIONS = (
    "0001_initial",
    "0002_record_counts",
    "0003_covering_deal_indexes",
    "0004_deal_reached_position",
    "0005_sync_state",
    "0006_data_rights",
    "0007_merges",
)
HEAD = KNOWN_REVISIONS[-1]
