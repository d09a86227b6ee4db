"""Merged records: where a merged-away record's id now points; what each import created.

Revision ID: 0007_merges
Revises: 0006_data_rights
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_merges"
down_revision = "0006_data_rights"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "merge_redirect",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("survivor_id", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_merge_redirect_survivor", "merge_redirect", ["survivor_id"])
    op.create_table(
        "import_item",
        sa.Column("import_id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("import_id", "entity", "record_id"),
    )
    op.create_index("ix_import_item_import", "import_item", ["import_id"])
    op.execute("INSERT OR IGNORE INTO record_count(entity, count) VALUES ('merge_redirect', 0)")


def downgrade() -> None:
    op.drop_index("ix_import_item_import", "import_item")
    op.drop_table("import_item")
    op.drop_index("ix_merge_redirect_survivor", "merge_redirect")
    op.drop_table("merge_redirect")
    op.execute("DELETE FROM record_count WHERE entity = 'merge_redirect'")
