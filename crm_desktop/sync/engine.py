"""One sync round: push the outbox, pull what changed, check the result.

Every step is its own local transaction and resumable: the outbox is
acknowledged only after the server answered, and the pull cursor moves in the
same transaction as the page it covers. A round killed at any point resumes
where it stopped; a change pushed twice is a duplicate the server ignores.
After the round a digest compares counts with the server, and a mismatch
runs a full re-sync instead of drifting silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from crm_desktop.domain.models import SYNCED_MODELS
from crm_desktop.store.changes import ChangeSet, table_of
from crm_desktop.sync.apply import (
    ApplyStats,
    apply_records,
    pending_writes,
    read_meta_int,
    write_meta,
)
from crm_desktop.sync.protocol import (
    DEFAULT_PULL_PAGE,
    Digest,
    Hello,
    PullResponse,
    PushRequest,
    PushResponse,
    WireChange,
)

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store

Progress = Callable[[str, int, "int | None"], None]
PUSH_BATCH = 500


class Transport(Protocol):
    """How the engine reaches the server (HTTP in the app, in-process in tests)."""

    def hello(self) -> Hello: ...

    def push(self, request: PushRequest) -> PushResponse: ...

    def pull(self, cursor: int, limit: int) -> PullResponse: ...

    def digest(self) -> Digest: ...


@dataclass
class SyncReport:
    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0
    pulled: int = 0
    removed: int = 0
    conflicts: int = 0
    full_resync: bool = False
    cursor: int = 0
    mismatch: dict[str, tuple[int, int]] = field(default_factory=dict)
    changes: ChangeSet = field(default_factory=ChangeSet)


def pending_count(store: Store) -> int:
    """Changes waiting in the outbox."""
    with store.read() as conn:
        acked = read_meta_int(conn, "acked_seq")
        count = conn.exec_driver_sql("SELECT count(*) FROM change_log WHERE seq > ?", (acked,))
        return int(count.scalar() or 0)


def unsynced_ids(store: Store) -> dict[str, frozenset[str]]:
    """Entity -> ids of records with a change in the outbox (not acknowledged by the server)."""
    found: dict[str, set[str]] = {}
    with store.read() as conn:
        acked = read_meta_int(conn, "acked_seq")
        rows = conn.exec_driver_sql(
            "SELECT DISTINCT entity, record_id FROM change_log WHERE seq > ?", (acked,)
        )
        for entity, record_id in rows:
            found.setdefault(str(entity), set()).add(str(record_id))
    return {entity: frozenset(ids) for entity, ids in found.items()}


def local_counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        rows = conn.exec_driver_sql("SELECT entity, count FROM record_count")
        return {entity: count for entity, count in rows if entity in SYNCED_MODELS}


class SyncEngine:
    def __init__(
        self,
        store: Store,
        transport: Transport,
        *,
        push_batch: int = PUSH_BATCH,
        pull_page: int = DEFAULT_PULL_PAGE,
    ) -> None:
        self.store = store
        self.transport = transport
        self.push_batch = push_batch
        self.pull_page = pull_page

    def sync(self, progress: Progress | None = None) -> SyncReport:
        """One round; raises `crm_desktop.sync.errors.SyncError` subclasses on failure."""
        report = SyncReport()
        notify = progress or (lambda phase, done, total: None)
        self.transport.hello()
        self.push(report, notify)
        self.pull(report, notify)
        self.check(report, notify)
        return report

    # -- push ---------------------------------------------------------------
    def push(self, report: SyncReport, notify: Progress) -> None:
        total = pending_count(self.store)
        while True:
            seqs, changes = self._outbox_batch()
            if not changes:
                return
            notify("push", report.pushed + report.duplicates + report.rejected, total)
            response = self.transport.push(PushRequest(changes=changes))
            self._acknowledge(seqs[-1], changes, response)
            report.pushed += len(response.accepted)
            report.duplicates += len(response.duplicates)
            report.rejected += len(response.rejected)
            report.conflicts += response.conflicts
            notify("push", report.pushed + report.duplicates + report.rejected, total)

    def _outbox_batch(self) -> tuple[list[int], list[WireChange]]:
        with self.store.read() as conn:
            acked = read_meta_int(conn, "acked_seq")
            rows = conn.exec_driver_sql(
                "SELECT seq, change_id, entity, record_id, op, fields, hlc, device_id, seen "
                "FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
                (acked, self.push_batch),
            ).all()
        changes = [
            WireChange(
                change_id=r[1],
                entity=r[2],
                record_id=r[3],
                op=r[4],
                fields=json.loads(r[5]),
                hlc=r[6],
                device_id=r[7],
                seen=r[8],
            )
            for r in rows
        ]
        return [r[0] for r in rows], changes

    def _acknowledge(
        self, last_seq: int, changes: list[WireChange], response: PushResponse
    ) -> None:
        by_id = {c.change_id: c for c in changes}
        now = datetime.now(UTC).isoformat()
        with self.store.write() as tx:
            for rejection in response.rejected:
                change = by_id.get(rejection.change_id)
                if change is None:
                    continue
                tx.conn.exec_driver_sql(
                    "INSERT OR REPLACE INTO sync_rejected(change_id, entity, record_id, op, "
                    "fields, code, reason, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        change.change_id,
                        change.entity,
                        change.record_id,
                        change.op,
                        json.dumps(change.fields, ensure_ascii=False),
                        rejection.code,
                        rejection.reason,
                        now,
                    ),
                )
            write_meta(tx.conn, "acked_seq", last_seq)

    # -- pull ---------------------------------------------------------------
    def pull(
        self,
        report: SyncReport,
        notify: Progress,
        *,
        cursor: int | None = None,
        stats: ApplyStats | None = None,
    ) -> None:
        replica = self.store.replica
        if cursor is None:
            cursor = replica.pull_cursor
        stats = stats or ApplyStats()
        # The next page is fetched while this one is applied: the server's time
        # and the local writes overlap instead of adding up.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as fetcher:
            coming = fetcher.submit(self.transport.pull, cursor, self.pull_page)
            while True:
                page = coming.result()
                if page.more:
                    coming = fetcher.submit(self.transport.pull, page.cursor, self.pull_page)
                self._apply_page(page, report, stats, notify)
                if not page.more:
                    break
        report.removed += stats.removed

    def _apply_page(
        self, page: PullResponse, report: SyncReport, stats: ApplyStats, notify: Progress
    ) -> None:
        """One page, one local transaction, with the cursor that covers it."""
        replica = self.store.replica
        # A re-sync from 0 never lowers the saved cursor: it is also what new
        # edits claim their author had seen.
        saved = max(page.cursor, replica.pull_cursor)
        with self.store.write(foreign_keys=False) as tx:
            tx.capturing = False
            apply_records(tx, page.records, stats)
            write_meta(tx.conn, "pull_cursor", saved)
            report.changes.merge(tx.changes)
        replica.pull_cursor = saved
        report.pulled += len(page.records)
        report.cursor = page.cursor
        notify("pull", report.pulled, None)

    # -- check --------------------------------------------------------------
    def check(self, report: SyncReport, notify: Progress) -> None:
        """Compare counts with the server; on a mismatch, re-sync everything once."""
        if pending_count(self.store):
            return  # edits made during the round: counts cannot agree yet
        sent = report.pushed + report.duplicates + report.rejected
        if not sent and self._verified_at() == self.store.replica.pull_cursor:
            # Nothing moved on either side since counts last agreed: asking the
            # server to count again would cost it a scan and prove nothing new.
            return
        digest = self.transport.digest()
        if digest.cursor > self.store.replica.pull_cursor:
            # Others wrote since the pull: counts taken at different cursors prove
            # nothing. Catch up once; if the server moved on again, the next round checks.
            self.pull(report, notify)
            digest = self.transport.digest()
            if digest.cursor > self.store.replica.pull_cursor:
                return
        mismatch = self._mismatch(digest)
        if not mismatch:
            self._mark_verified(digest.cursor)
            return
        report.full_resync = True
        notify("resync", 0, None)
        stats = ApplyStats(seen_ids={})
        self.pull(report, notify, cursor=0, stats=stats)
        self._drop_unseen(stats.seen_ids or {})
        digest = self.transport.digest()
        report.mismatch = self._mismatch(digest)
        if not report.mismatch:
            self._mark_verified(digest.cursor)

    def _verified_at(self) -> int | None:
        with self.store.read() as conn:
            value = conn.exec_driver_sql(
                "SELECT value FROM local_meta WHERE key = 'digest_cursor'"
            ).scalar()
        return int(value) if value is not None else None

    def _mark_verified(self, cursor: int) -> None:
        with self.store.write() as tx:
            write_meta(tx.conn, "digest_cursor", cursor)

    def _mismatch(self, digest: Digest) -> dict[str, tuple[int, int]]:
        local = local_counts(self.store)
        return {
            entity: (local.get(entity, 0), digest.counts.get(entity, 0))
            for entity in SYNCED_MODELS
            if local.get(entity, 0) != digest.counts.get(entity, 0)
        }

    def _drop_unseen(self, seen: dict[str, set[str]]) -> None:
        """Remove local records the server no longer shows this user (and no edit is pending)."""
        with self.store.write(foreign_keys=False) as tx:
            tx.capturing = False
            for entity, model in SYNCED_MODELS.items():
                keep = seen.get(entity, set())
                ids = [
                    row[0]
                    for row in tx.conn.exec_driver_sql(f"SELECT id FROM {table_of(model).name}")
                    if row[0] not in keep
                ]
                pending = pending_writes(tx.conn, {(entity, i) for i in ids})
                for record_id in ids:
                    if (entity, record_id) not in pending:
                        tx.delete(model, record_id)
