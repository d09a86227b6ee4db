"""Covering deal indexes for the board's column totals and the forecast.

Revision ID: 0003_covering_deal_indexes
Revises: 0002_record_counts
"""

from alembic import op

revision = "0003_covering_deal_indexes"
down_revision = "0002_record_counts"
branch_labels = None
depends_on = None

STAGE = ("stage_id", "status", "currency", "owner", "value_cents")
CLOSE = ("status", "expected_close", "stage_id", "currency", "value_cents", "owner", "pipeline_id")


def upgrade() -> None:
    with op.batch_alter_table("deal") as batch:
        batch.drop_index("ix_deal_stage")
        batch.drop_index("ix_deal_status_close")
        batch.create_index("ix_deal_stage", list(STAGE))
        batch.create_index("ix_deal_status_close", list(CLOSE))


def downgrade() -> None:
    with op.batch_alter_table("deal") as batch:
        batch.drop_index("ix_deal_stage")
        batch.drop_index("ix_deal_status_close")
        batch.create_index("ix_deal_stage", ["stage_id", "status"])
        batch.create_index("ix_deal_status_close", ["status", "expected_close"])
