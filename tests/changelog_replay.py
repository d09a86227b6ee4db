"""Rebuild every synced table from the change log alone and compare with the tables.

If any code path wrote synced data without its change rows, the rebuilt state
differs from the real one: this is how the tests prove change capture is total.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from crm_desktop.domain.models import SYNCED_MODELS, CustomValue
from crm_desktop.services.results import OpResult
from crm_desktop.store.changes import CUSTOM_PREFIX, insert_defaults, synced_columns, table_of
from crm_desktop.store.engine import Store
from crm_desktop.store.wire import to_wire

State = dict[str, dict[str, dict[str, Any]]]


def replayed_state(store: Store) -> State:
    state: State = {entity: {} for entity in SYNCED_MODELS}
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT entity, record_id, op, fields FROM change_log ORDER BY seq"
        ).all()
    for entity, record_id, op, fields in rows:
        if op == "delete":
            state[entity].pop(record_id, None)
        else:
            if record_id not in state[entity]:
                state[entity][record_id] = insert_defaults(SYNCED_MODELS[entity])
            record = state[entity][record_id]
            for key, value in json.loads(fields).items():
                if value is None and key.startswith(CUSTOM_PREFIX):
                    record.pop(key, None)
                else:
                    record[key] = value
    return state


def actual_state(store: Store) -> State:
    state: State = {}
    with store.read() as conn:
        custom: dict[str, dict[str, Any]] = {}
        for row in conn.execute(select(table_of(CustomValue))).mappings():
            custom.setdefault(row["record_id"], {})[CUSTOM_PREFIX + row["field_id"]] = row["value"]
        for entity, model in SYNCED_MODELS.items():
            columns = synced_columns(model)
            table = table_of(model)
            state[entity] = {
                row["id"]: {c: to_wire(row[c]) for c in columns} | custom.get(row["id"], {})
                for row in conn.execute(select(table)).mappings()
            }
    return state


def assert_change_log_is_complete(store: Store) -> None:
    replayed, actual = replayed_state(store), actual_state(store)
    for entity in SYNCED_MODELS:
        assert replayed[entity] == actual[entity], f"{entity}: tables and change log disagree"


def assert_record_counts_are_exact(store: Store) -> None:
    with store.read() as conn:
        kept = dict(conn.exec_driver_sql("SELECT entity, count FROM record_count").all())
        for entity in SYNCED_MODELS:
            actual = conn.exec_driver_sql(f"SELECT count(*) FROM {entity}").scalar_one()
            assert kept.get(entity, 0) == actual, entity


def last_seq(store: Store) -> int:
    with store.read() as conn:
        seq = conn.exec_driver_sql("SELECT COALESCE(MAX(seq), 0) FROM change_log").scalar_one()
    return int(seq)


def assert_logged(store: Store, before: int, result: OpResult[Any]) -> None:
    """Every record the ChangeSet names has a change row written since `before`, and only those."""
    with store.read() as conn:
        logged = set(
            conn.exec_driver_sql(
                "SELECT entity, record_id FROM change_log WHERE seq > ?", (before,)
            ).fetchall()
        )
    named = {
        (entity, record_id)
        for kind in (result.changes.created, result.changes.updated, result.changes.deleted)
        for entity, ids in kind.items()
        for record_id in ids
    }
    assert named, "the operation reported no change"
    assert logged == named
