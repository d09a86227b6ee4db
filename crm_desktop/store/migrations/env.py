"""Alembic environment: always given a live connection by `crm_desktop.store.migrate`."""

from alembic import context

from crm_desktop.store.schema import metadata

connection = context.config.attributes["connection"]


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # The FTS5 table and its shadow tables are made by hand in migrations.
    return not (type_ == "table" and str(name).startswith("search_fts"))


context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
