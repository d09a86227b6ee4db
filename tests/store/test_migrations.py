"""The migration chain builds exactly the models' schema, and upgrades keep data."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from crm_desktop.services import contacts
from crm_desktop.store.engine import open_store
from crm_desktop.store.integrity import check_integrity
from crm_desktop.store.migrate import alembic_config
from crm_desktop.store.migrations import HEAD
from crm_desktop.store.schema import metadata


def _not_fts(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and str(name).startswith("search_fts"))


def test_migrated_schema_equals_the_models(store):
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _not_fts})
        assert compare_metadata(context, metadata) == []


def test_upgrade_from_first_revision_counts_existing_rows(data_dir, memory_keyring):
    from alembic import command

    store = open_store(data_dir, use_keychain=True)
    contacts.create_contacts(store, [{"name": f"P{i}"} for i in range(5)])
    writer = store.engine.connect().execution_options(crm_begin="BEGIN IMMEDIATE")
    with writer as conn, conn.begin():
        command.downgrade(alembic_config(conn), "0001_initial")
    store.close()
    store = open_store(data_dir, use_keychain=True)  # migrates back to HEAD at open
    try:
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
            kept = conn.exec_driver_sql(
                "SELECT count FROM record_count WHERE entity = 'contact'"
            ).scalar()
        assert kept == 5
        assert check_integrity(store, full=True).ok
    finally:
        store.close()
