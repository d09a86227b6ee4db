"""The database layer: URLs, SQLite settings, schema creation and its version."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session

from crm_server import config, db
from crm_server.errors import ServerError
from crm_server.models import ServerState


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgresql://postgres@127.0.0.1:5432/test",
            "postgresql+psycopg://postgres@127.0.0.1:5432/test",
        ),
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+psycopg://h/db", "postgresql+psycopg://h/db"),
        ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_postgresql_urls_use_psycopg_3(given, expected):
    assert config.normalise_url(given) == expected


def test_the_database_url_comes_from_the_option_then_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(config.DATABASE_URL_ENV, "postgresql://env/db")
    assert config.resolve_database_url("sqlite:///given") == "sqlite:///given"
    assert config.resolve_database_url() == "postgresql+psycopg://env/db"


def test_the_default_is_a_private_sqlite_file_in_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv(config.DATABASE_URL_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    url = config.resolve_database_url()
    assert url.startswith("sqlite:///") and url.endswith("crm-server.sqlite3")
    directory = os.path.dirname(url.removeprefix("sqlite:///"))
    assert directory.startswith(str(tmp_path))
    if os.name == "posix":
        assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700


def test_safe_url_masks_the_password():
    assert "secret" not in config.safe_url("postgresql+psycopg://u:secret@h/db")


def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
    engine.dispose()


def test_write_sessions_take_the_sqlite_write_lock_at_once(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}", connect_args={"timeout": 0.1})
    db.create_schema(engine)
    with db.session_factory(engine, write=True)() as writer:
        writer.get(ServerState, 1)  # a read, but the transaction holds the write lock
        other = db.make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
        with other.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout = 50")
            with pytest.raises(Exception, match="locked"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        other.dispose()
    engine.dispose()


def test_create_schema_makes_only_server_tables_and_the_state_row(engine):
    db.create_schema(engine)  # again: nothing changes
    tables = set(inspect(engine).get_table_names())
    assert tables == {t.name for t in db.server_tables()} | {"server_schema"}
    assert {"app_user", "device", "sync_record", "sync_change", "server_state"} <= tables
    with Session(engine) as session:
        state = session.get(ServerState, 1)
        assert (state.last_seq, state.hlc) == (0, 0)
    with engine.connect() as conn:
        assert db.stored_version(conn) == db.SCHEMA_VERSION


def test_a_database_from_a_newer_server_is_refused(engine):
    with engine.begin() as conn:
        conn.execute(text("UPDATE server_schema SET version = :v"), {"v": db.SCHEMA_VERSION + 1})
    with pytest.raises(ServerError) as caught:
        db.create_schema(engine)
    assert caught.value.code == "server.schema_newer"


def test_transaction_commits_or_rolls_back(engine):
    factory = db.session_factory(engine, write=True)
    with pytest.raises(RuntimeError), db.transaction(factory) as session:
        session.get(ServerState, 1).last_seq = 5
        raise RuntimeError
    with db.transaction(factory) as session:
        assert session.get(ServerState, 1).last_seq == 0
        session.get(ServerState, 1).last_seq = 7
    with Session(engine) as session:
        assert session.get(ServerState, 1).last_seq == 7


def test_a_version_1_database_gets_the_merge_move_table(engine):
    """1 -> 2 added `merge_move`: a database made by the previous server is upgraded."""
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE merge_move"))
        db._MIGRATIONS[1](conn)  # the step on its own makes the table
    assert "merge_move" in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE merge_move"))
        conn.execute(text("UPDATE server_schema SET version = 1"))
    db.create_schema(engine)
    assert "merge_move" in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert db.stored_version(conn) == 2 == db.SCHEMA_VERSION
