"""Each deal's furthest stage reached, kept by the write path, for the funnel.

Revision ID: 0004_deal_reached_position
Revises: 0003_covering_deal_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_deal_reached_position"
down_revision = "0003_covering_deal_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deal", sa.Column("reached_position", sa.Integer(), nullable=True))
    op.create_index(
        "ix_deal_funnel", "deal", ["pipeline_id", "reached_position", "owner", "created_at"]
    )
    op.execute(
        "UPDATE deal SET reached_position = (SELECT max(s.position) FROM deal_stage_history h "
        "JOIN stage s ON s.id = h.to_stage_id WHERE h.deal_id = deal.id "
        "AND s.pipeline_id = deal.pipeline_id AND NOT s.is_lost)"
    )


def downgrade() -> None:
    op.drop_index("ix_deal_funnel", "deal")
    with op.batch_alter_table("deal") as batch:
        batch.drop_column("reached_position")
