"""Screenshots of sync in the app (status bar, Conflicts view, Account page), en + zh_CN.

    python tools/sync_screenshots.py

A demo store signed in (as far as the store knows) to https://hq.example.com,
with two conflicts and one change the server refused, the way a sync leaves
them; no server is contacted (the controller is not started, so no round
runs). Writes docs/screenshots/{sync-status,sync-syncing,sync-offline,conflicts,
account}-<language>.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
PASSPHRASE = "screenshot passphrase"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", default="offscreen")
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = args.platform
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for language in ("en", "zh_CN"):
            shoot(Path(tmp) / language, language)
    print(f"screenshots in {OUT}")
    return 0


def seed(store: object, language: str) -> list[str]:
    """Demo data, an account, two conflicts, a refusal; two contacts edited since the sync."""
    from crm_desktop.domain.local import SyncRejected
    from crm_desktop.domain.models import SyncConflict
    from crm_desktop.services.contacts import update_contact
    from crm_desktop.services.demo import generate_demo
    from crm_desktop.services.queries import ContactQuery
    from crm_desktop.store import keys
    from crm_desktop.store.changes import table_of
    from crm_desktop.sync.account import Account, save_account
    from crm_desktop.sync.apply import write_meta

    zh = language.startswith("zh")
    generate_demo(store, 300, seed=7, language="zh" if zh else "en")  # type: ignore[arg-type]
    keys.keychain_available = lambda: False  # the token stays in this throwaway store
    save_account(store, Account("https://hq.example.com", "alice", "rep", "north"), "t" * 40)  # type: ignore[arg-type]
    rows = ContactQuery(store).page_after(None, 5).rows  # type: ignore[arg-type]
    now = datetime.now(UTC)
    other = "laptop-of-bob"
    values = (
        ("title", "采购经理" if zh else "Buyer", "采购总监" if zh else "Head of purchasing", None),
        ("phone", "138 0013 8000", "139 1234 5678", "138 0013 8000"),
    )
    with store.write() as tx:  # type: ignore[attr-defined]
        for n, (field, mine, theirs, base) in enumerate(values):
            tx.insert(
                SyncConflict,
                {
                    "entity": "contact",
                    "record_id": rows[n].id,
                    "field_name": field,
                    "base_value": base,
                    "winner_value": theirs,
                    "loser_value": mine,
                    "winner_device": other,
                    "winner_user": "bob",
                    "loser_device": store.device_id,  # type: ignore[attr-defined]
                    "loser_user": "alice",
                    "created_at": now - timedelta(minutes=20 + n * 7),
                    "updated_at": now,
                },
            )
        tx.conn.execute(
            table_of(SyncRejected).insert(),
            {
                "change_id": "01a2-rejected",
                "entity": "contact",
                "record_id": rows[2].id,
                "op": "upsert",
                "fields": {"owner": "carol"},
                "code": "forbidden",
                "reason": "You may not give a record to a user outside your team."
                if not zh
                else "不能把记录转给团队以外的用户。",
                "rejected_at": now - timedelta(minutes=5),
            },
        )
    with store.read() as conn:  # type: ignore[attr-defined]
        last = conn.exec_driver_sql("SELECT max(seq) FROM change_log").scalar() or 0
    with store.write() as tx:  # type: ignore[attr-defined]
        write_meta(tx.conn, "acked_seq", last)  # everything so far was "sent"
    for row in rows[3:5]:  # edited after the last sync: marked in the list
        update_contact(store, row.id, {"title": "VP" if not zh else "副总裁"})  # type: ignore[arg-type]
    return [r.id for r in rows]


def shoot(data_dir: Path, language: str) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QUndoStack

    from crm_desktop.store.engine import open_store
    from crm_desktop.views.app import make_application
    from crm_desktop.views.context import AppContext
    from crm_desktop.views.i18n import install_translations
    from crm_desktop.views.main_window import MainWindow
    from crm_desktop.views.runner import Runner
    from crm_desktop.views.settings_dialog import SettingsDialog
    from crm_desktop.views.sync_controller import OFFLINE, SYNCING, SyncController, tr
    from crm_desktop.views.theme import apply_theme

    app = make_application()
    install_translations(app, language)
    extra = os.environ.get("SYNC_SCREENSHOTS_EXTRA_QM")  # preview translations not merged yet
    if extra and language != "en":
        from PySide6.QtCore import QTranslator

        translator = QTranslator(app)
        if translator.load(extra):
            app.installTranslator(translator)
    apply_theme(app, "light")
    store = open_store(data_dir, passphrase=lambda _new: PASSPHRASE, use_keychain=False)
    seed(store, language)
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("sync/last_synced", (datetime.now(UTC) - timedelta(minutes=3)).isoformat())
    runner = Runner()
    ctx = AppContext(store, runner, QUndoStack(), settings)
    window = MainWindow(ctx)
    window.resize(1400, 860)
    window.show()
    controller = SyncController(ctx, window)
    controller.start = lambda: controller.refresh_counts()  # type: ignore[method-assign]
    try:
        window.sync_controller = _install(window)
        window.show_section("contacts")
        _settle(app, runner)
        window.grab().save(str(OUT / f"sync-status-{language}.png"))
        controller._publish(state=SYNCING, phase="push", done=1_500, total=10_000)
        _settle(app, runner)
        window.statusBar().grab().save(str(OUT / f"sync-syncing-{language}.png"))
        controller._publish(
            state=OFFLINE,
            message=tr("Offline: the server cannot be reached. Your changes stay queued."),
        )
        _settle(app, runner)
        window.statusBar().grab().save(str(OUT / f"sync-offline-{language}.png"))
        controller._publish(state="idle", message="")
        window.show_section("conflicts")
        _settle(app, runner)
        window.grab().save(str(OUT / f"conflicts-{language}.png"))
        dialog = SettingsDialog(ctx, window)
        dialog.show()
        dialog.show_page(dialog.account_page)
        _settle(app, runner)
        dialog.grab().save(str(OUT / f"account-{language}.png"))
        dialog.close()
        from crm_desktop.sync.account import forget_account

        forget_account(store)
        controller.refresh_counts()
        _settle(app, runner)
        dialog = SettingsDialog(ctx, window)
        dialog.show()
        dialog.show_page(dialog.account_page)
        dialog.account_page.server_edit.setText("http://192.168.1.20:8765")
        dialog.account_page.user_edit.setText("alice")
        _settle(app, runner)
        dialog.grab().save(str(OUT / f"account-sign-in-{language}.png"))
        dialog.close()
    finally:
        controller.stop()
        window.close()
        runner.wait_idle()
        runner.stop()
        store.close()


def _install(window: object) -> object:
    from crm_desktop.views.sync_status import install_sync

    return install_sync(window)


def _settle(app: object, runner: object) -> None:
    import time

    from PySide6.QtWidgets import QApplication

    for _ in range(5):
        runner.wait_idle()  # type: ignore[attr-defined]
        deadline = time.monotonic() + 0.4
        while time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.02)


if __name__ == "__main__":
    raise SystemExit(main())
