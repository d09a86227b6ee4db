"""Data rights: consent records, audit log, erasures.

Revision ID: 0006_data_rights
Revises: 0005_sync_state
"""

revision = "0006_data_rights"
down_revision = "0005_sync_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
