"""The headless core never imports Qt (STYLE.md: headless core, thin GUI)."""

import ast
from pathlib import Path

import crm_desktop

CORE_PACKAGES = ("domain", "store", "services", "sync", "cli")
ROOT = Path(crm_desktop.__file__).parent
# The command line starts the app when given no command: its one way into the views.
ENTRY_POINT = ("cli/commands.py", "crm_desktop.views.app")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_modules_do_not_import_qt_or_views():
    offenders = []
    for package in CORE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for name in _imports(path):
                where = path.relative_to(ROOT).as_posix()
                if (where, name) == ENTRY_POINT:
                    continue
                if name.split(".")[0] in {"PySide6", "pyqtgraph"} or name.startswith(
                    "crm_desktop.views"
                ):
                    offenders.append(f"{where} imports {name}")
    assert offenders == []
