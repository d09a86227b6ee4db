"""Alembic environment: always given a live connection by `crm_desktop.store.migrate`."""

from alembic import context

from crm_desktop.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
