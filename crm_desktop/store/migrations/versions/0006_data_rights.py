"""Data rights: consent records and erasures (both synced).

Revision ID: 0006_data_rights
Revises: 0005_sync_state
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_data_rights"
down_revision = "0005_sync_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("contact_id", sa.String(), nullable=False),
        sa.Column("purpose", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(), nullable=True),
        sa.Column("notes", sa.String(), nullable=True),
        sa.Column("recorded_by", sa.String(), nullable=True),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consent_contact", "consent", ["contact_id", "purpose", "recorded_at"])
    op.create_table(
        "erasure",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("erased_by", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_erasure_record", "erasure", ["record_id"])
    # Deleting or re-indexing a search document removes its tokens from the
    # index at once (else they stay in older segments until FTS5 merges them):
    # an erased person's name must not survive in the index.
    op.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('secure-delete', 1)")
    op.execute("INSERT OR IGNORE INTO record_count(entity, count) VALUES ('consent', 0)")
    op.execute("INSERT OR IGNORE INTO record_count(entity, count) VALUES ('erasure', 0)")


def downgrade() -> None:
    op.drop_index("ix_erasure_record", "erasure")
    op.drop_table("erasure")
    op.drop_index("ix_consent_contact", "consent")
    op.drop_table("consent")
    op.execute("DELETE FROM record_count WHERE entity IN ('consent', 'erasure')")
    op.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('secure-delete', 0)")
