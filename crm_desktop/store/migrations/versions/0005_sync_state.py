"""Sync bookkeeping: what each change's author had seen, conflicts, rejected changes.

Revision ID: 0005_sync_state
Revises: 0004_deal_reached_position
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sync_state"
down_revision = "0004_deal_reached_position"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("seen", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("field_name", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("base_value", sa.JSON(), nullable=True),
        sa.Column("winner_value", sa.JSON(), nullable=True),
        sa.Column("loser_value", sa.JSON(), nullable=True),
        sa.Column("winner_hlc", sa.Integer(), nullable=False),
        sa.Column("winner_device", sa.String(), nullable=True),
        sa.Column("winner_user", sa.String(), nullable=True),
        sa.Column("loser_hlc", sa.Integer(), nullable=False),
        sa.Column("loser_device", sa.String(), nullable=True),
        sa.Column("loser_user", sa.String(), nullable=True),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_conflict_open", "sync_conflict", ["resolved", "created_at"])
    op.create_index("ix_sync_conflict_record", "sync_conflict", ["record_id"])
    op.create_table(
        "sync_rejected",
        sa.Column("change_id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("op", sa.String(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("change_id"),
    )
    op.execute("INSERT INTO record_count(entity, count) VALUES ('sync_conflict', 0)")


def downgrade() -> None:
    op.drop_table("sync_rejected")
    op.drop_index("ix_sync_conflict_record", "sync_conflict")
    op.drop_index("ix_sync_conflict_open", "sync_conflict")
    op.drop_table("sync_conflict")
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("seen")
