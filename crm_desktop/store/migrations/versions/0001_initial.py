"""Initial schema: domain tables, change log, tombstones, derived indexes

Revision ID: 0001_initial
Revises: (none)
Create Date: 2026-11-29 19:18:42.249298
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("op", sa.String(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "company",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_sort", sa.String(), nullable=False),
        sa.Column("industry", sa.String(), nullable=True),
        sa.Column("website", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("city", sa.String(), nullable=True),
        sa.Column("country", sa.String(), nullable=True),
        sa.Column("grade", sa.String(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("notes", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_company_owner"), ["owner"], unique=False)
        batch_op.create_index("ix_company_sort", ["name_sort", "id"], unique=False)

    op.create_table(
        "custom_field",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("custom_field", schema=None) as batch_op:
        batch_op.create_index("ux_custom_field_key", ["entity", "key"], unique=True)

    op.create_table(
        "local_meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "pipeline",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "record_tag",
        sa.Column("tag", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("tag", "entity", "record_id"),
    )
    with op.batch_alter_table("record_tag", schema=None) as batch_op:
        batch_op.create_index("ix_record_tag_record", ["record_id"], unique=False)

    op.create_table(
        "search_doc",
        sa.Column("rowid", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("rowid"),
        sa.UniqueConstraint("record_id"),
    )
    with op.batch_alter_table("search_doc", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_doc_name_key"), ["name_key"], unique=False)

    op.create_table(
        "tag",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("color", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "tombstone",
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "record_id"),
    )
    op.create_table(
        "contact",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_sort", sa.String(), nullable=False),
        sa.Column("company_id", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("phones", sa.JSON(), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("source", sa.String(), nullable=True),
        sa.Column("grade", sa.String(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("notes", sa.String(), nullable=True),
        sa.Column("consent_email", sa.Boolean(), nullable=False),
        sa.Column("consent_call", sa.Boolean(), nullable=False),
        sa.Column("consent_sms", sa.Boolean(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_company_sort", ["company_id", "name_sort", "id"], unique=False
        )
        batch_op.create_index("ix_contact_owner_sort", ["owner", "name_sort", "id"], unique=False)
        batch_op.create_index("ix_contact_sort", ["name_sort", "id"], unique=False)
        batch_op.create_index("ix_contact_updated", ["updated_at", "id"], unique=False)

    op.create_table(
        "custom_value",
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("field_id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["custom_field.id"],
        ),
        sa.PrimaryKeyConstraint("record_id", "field_id"),
    )
    with op.batch_alter_table("custom_value", schema=None) as batch_op:
        batch_op.create_index("ix_custom_value_field", ["field_id", "value"], unique=False)

    op.create_table(
        "stage",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("pipeline_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("is_won", sa.Boolean(), nullable=False),
        sa.Column("is_lost", sa.Boolean(), nullable=False),
        sa.Column("stale_days", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["pipeline.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stage", schema=None) as batch_op:
        batch_op.create_index("ix_stage_pipeline", ["pipeline_id", "position"], unique=False)

    op.create_table(
        "deal",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("pipeline_id", sa.String(), nullable=False),
        sa.Column("stage_id", sa.String(), nullable=False),
        sa.Column("company_id", sa.String(), nullable=True),
        sa.Column("contact_id", sa.String(), nullable=True),
        sa.Column("value_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("lost_reason", sa.String(), nullable=True),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("notes", sa.String(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("stage_entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["pipeline.id"],
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["stage.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index("ix_deal_company", ["company_id"], unique=False)
        batch_op.create_index("ix_deal_contact", ["contact_id"], unique=False)
        batch_op.create_index("ix_deal_stage", ["stage_id", "status"], unique=False)
        batch_op.create_index("ix_deal_status_close", ["status", "expected_close"], unique=False)
        batch_op.create_index(
            "ix_deal_status_closed",
            ["status", "closed_at", "currency", "value_cents", "owner"],
            unique=False,
        )

    op.create_table(
        "activity",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=True),
        sa.Column("notes", sa.String(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("contact_id", sa.String(), nullable=True),
        sa.Column("company_id", sa.String(), nullable=True),
        sa.Column("deal_id", sa.String(), nullable=True),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index("ix_activity_company", ["company_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_activity_contact", ["contact_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_activity_deal", ["deal_id", "occurred_at"], unique=False)
        batch_op.create_index(
            "ix_activity_kind_time", ["kind", "occurred_at", "owner"], unique=False
        )

    op.create_table(
        "deal_stage_history",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("deal_id", sa.String(), nullable=False),
        sa.Column("from_stage_id", sa.String(), nullable=True),
        sa.Column("to_stage_id", sa.String(), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moved_by", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deal_stage_history", schema=None) as batch_op:
        batch_op.create_index("ix_dsh_deal", ["deal_id", "moved_at", "to_stage_id"], unique=False)

    op.create_table(
        "task",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contact_id", sa.String(), nullable=True),
        sa.Column("company_id", sa.String(), nullable=True),
        sa.Column("deal_id", sa.String(), nullable=True),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_company", ["company_id"], unique=False)
        batch_op.create_index("ix_task_contact", ["contact_id"], unique=False)
        batch_op.create_index("ix_task_deal", ["deal_id"], unique=False)
        batch_op.create_index("ix_task_open_due", ["done", "due_at"], unique=False)
        batch_op.create_index("ix_task_open_remind", ["done", "remind_at"], unique=False)
    # Full-text index (derived data, rebuilt by `crm-desktop reindex`).
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "name, alt, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE search_fts")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_open_remind")
        batch_op.drop_index("ix_task_open_due")
        batch_op.drop_index("ix_task_deal")
        batch_op.drop_index("ix_task_contact")
        batch_op.drop_index("ix_task_company")

    op.drop_table("task")
    with op.batch_alter_table("deal_stage_history", schema=None) as batch_op:
        batch_op.drop_index("ix_dsh_deal")

    op.drop_table("deal_stage_history")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_kind_time")
        batch_op.drop_index("ix_activity_deal")
        batch_op.drop_index("ix_activity_contact")
        batch_op.drop_index("ix_activity_company")

    op.drop_table("activity")
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_status_closed")
        batch_op.drop_index("ix_deal_status_close")
        batch_op.drop_index("ix_deal_stage")
        batch_op.drop_index("ix_deal_contact")
        batch_op.drop_index("ix_deal_company")

    op.drop_table("deal")
    with op.batch_alter_table("stage", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_pipeline")

    op.drop_table("stage")
    with op.batch_alter_table("custom_value", schema=None) as batch_op:
        batch_op.drop_index("ix_custom_value_field")

    op.drop_table("custom_value")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_updated")
        batch_op.drop_index("ix_contact_sort")
        batch_op.drop_index("ix_contact_owner_sort")
        batch_op.drop_index("ix_contact_company_sort")

    op.drop_table("contact")
    op.drop_table("tombstone")
    op.drop_table("tag")
    with op.batch_alter_table("search_doc", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_doc_name_key"))

    op.drop_table("search_doc")
    with op.batch_alter_table("record_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_record_tag_record")

    op.drop_table("record_tag")
    op.drop_table("pipeline")
    op.drop_table("local_meta")
    with op.batch_alter_table("custom_field", schema=None) as batch_op:
        batch_op.drop_index("ux_custom_field_key")

    op.drop_table("custom_field")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_index("ix_company_sort")
        batch_op.drop_index(batch_op.f("ix_company_owner"))

    op.drop_table("company")
    op.drop_table("change_log")
