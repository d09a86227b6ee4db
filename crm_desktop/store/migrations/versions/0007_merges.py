"""Merged records: where a merged-away record's id now points.

Revision ID: 0007_merges
Revises: 0006_data_rights
"""

revision = "0007_merges"
down_revision = "0006_data_rights"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
