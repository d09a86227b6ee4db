"""Per-table row counts, kept by the write path (fast totals on big stores).

Revision ID: 0002_record_counts
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_record_counts"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

SYNCED_TABLES = (
    "company",
    "contact",
    "pipeline",
    "stage",
    "deal",
    "deal_stage_history",
    "activity",
    "task",
    "tag",
    "custom_field",
)


def upgrade() -> None:
    op.create_table(
        "record_count",
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entity"),
    )
    for table in SYNCED_TABLES:  # existing stores start from their true counts
        op.execute(
            f"INSERT INTO record_count(entity, count) SELECT '{table}', count(*) FROM {table}"
        )


def downgrade() -> None:
    op.drop_table("record_count")
