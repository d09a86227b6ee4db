"""Screenshots of the main views in English and Chinese, into docs/screenshots/.

    python tools/screenshots.py            # offscreen (QWidget.grab)
    xvfb-run -a python tools/screenshots.py --platform xcb   # a real X window

Builds a demo store (2,000 contacts, fixed seed) in a temporary directory,
opens the main window in each language and grabs each section. Chinese text
needs a CJK font: on Debian, `apt-get install fonts-noto-cjk`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SECTIONS = ("dashboard", "contacts", "companies", "deals", "activities", "tasks")
PASSPHRASE = "screenshot passphrase"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", default="offscreen", help="Qt platform (offscreen, xcb)")
    parser.add_argument("--contacts", type=int, default=2000)
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = args.platform
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for language in ("en", "zh_CN"):
            shoot(Path(tmp) / language, language, args.contacts)
    print(f"screenshots in {OUT}")
    return 0


def shoot(data_dir: Path, language: str, contacts: int) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QUndoStack

    from crm_desktop.services.demo import generate_demo
    from crm_desktop.store.engine import open_store
    from crm_desktop.views.app import make_application
    from crm_desktop.views.context import AppContext
    from crm_desktop.views.i18n import install_translations
    from crm_desktop.views.main_window import MainWindow
    from crm_desktop.views.runner import Runner
    from crm_desktop.views.theme import apply_theme

    app = make_application()
    install_translations(app, language)
    apply_theme(app, "light")
    store = open_store(data_dir, passphrase=lambda _new: PASSPHRASE, use_keychain=False)
    generate_demo(store, contacts, seed=7, language="zh" if language.startswith("zh") else "en")
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    runner = Runner()
    window = MainWindow(AppContext(store, runner, QUndoStack(), settings))
    window.resize(1400, 860)
    window.show()
    try:
        for key in SECTIONS:
            view = window.show_section(key)
            _settle(app, runner)
            if key == "contacts":
                table = getattr(view, "table", None)
                if table is not None:
                    table.selectRow(2)
                    _settle(app, runner)
            window.grab().save(str(OUT / f"{key}-{language}.png"))
    finally:
        window.close()
        runner.wait_idle()
        runner.stop()
        store.close()


def _settle(app: object, runner: object) -> None:
    import time

    from PySide6.QtWidgets import QApplication

    for _ in range(6):  # pages arrive in rounds: worker, GUI, worker again
        runner.wait_idle()  # type: ignore[attr-defined]
        deadline = time.monotonic() + 0.4
        while time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.02)


if __name__ == "__main__":
    raise SystemExit(main())
