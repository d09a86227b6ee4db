"""Update the Chinese translation source from the strings in ``crm_desktop/views``.

Usage (from the repository root)::

    python tools/update_translations.py           # merge new strings into the .ts
    python tools/update_translations.py --check   # list strings still untranslated
    python tools/update_translations.py --prune   # also drop strings no view uses
    python tools/update_translations.py --fill zh.tsv  # also take translations from a table

Qt's ``lupdate`` (shipped with PySide6) extracts every ``self.tr(...)``,
``QCoreApplication.translate(...)`` and ``QT_TRANSLATE_NOOP(...)`` and merges
them into ``crm_desktop/resources/translations/crm_desktop_zh_CN.ts``:
existing translations are kept, new strings arrive marked unfinished, and
strings no longer in the code are kept as "vanished" (so a string removed
for a while keeps its translation) unless ``--prune`` is given. Translate the
unfinished ones (Qt Linguist, ``pyside6-linguist``, or the XML by hand:
fill ``<translation>`` and remove ``type="unfinished"``) using the glossary
in PRODUCT.md. The ``.qm`` is compiled at run time, never committed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWS = ROOT / "crm_desktop" / "views"
TS_FILE = ROOT / "crm_desktop" / "resources" / "translations" / "crm_desktop_zh_CN.ts"
TARGET_LANGUAGE = "zh_CN"


def sources() -> list[Path]:
    """Every Python file of the views, in a stable order."""
    return sorted(VIEWS.rglob("*.py"))


def _lupdate() -> Path:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from crm_desktop.views.i18n import find_qt_tool

    tool = find_qt_tool("lupdate")
    if tool is None:
        raise SystemExit("lupdate not found: install PySide6 (pyside6-lupdate)")
    return tool


def run_lupdate(ts_file: Path = TS_FILE, *, prune: bool = False) -> None:
    """Merge the views' strings into `ts_file` (created if missing)."""
    ts_file.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(_lupdate()),
        "-silent",
        "-locations",
        "relative",
        "-source-language",
        "en",
        "-target-language",
        TARGET_LANGUAGE,
        *(["-no-obsolete"] if prune else []),
        *(str(path) for path in sources()),
        "-ts",
        str(ts_file),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"lupdate failed:\n{done.stdout}{done.stderr}")


def untranslated(ts_file: Path = TS_FILE) -> list[tuple[str, str]]:
    """(context, source) of every live message with no finished translation."""
    missing: list[tuple[str, str]] = []
    for context in ET.parse(ts_file).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else "unfinished"
            if kind in ("vanished", "obsolete"):
                continue
            forms = translation.findall("numerusform") if translation is not None else []
            texts = [f.text for f in forms] if forms else [getattr(translation, "text", None)]
            if kind == "unfinished" or not all(texts):
                missing.append((name, message.findtext("source") or ""))
    return missing


def read_table(path: Path) -> dict[tuple[str, str], str]:
    """Translations from a tab-separated table: context, source, translation per line.

    ``\\n`` in a cell stands for a line break (a cell cannot hold one).
    """
    table: dict[tuple[str, str], str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 3:
            raise SystemExit(f"{path}:{number}: expected context<TAB>source<TAB>translation")
        context, source, translation = (cell.replace("\\n", "\n") for cell in cells)
        table[(context, source)] = translation
    return table


def fill(ts_file: Path, table: dict[tuple[str, str], str]) -> int:
    """Translate the unfinished messages of `ts_file` found in `table`; how many were."""
    tree = ET.parse(ts_file)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") != "unfinished":
                continue
            text = table.get((name, message.findtext("source") or ""))
            if not text:
                continue
            if message.get("numerus") == "yes":  # Chinese has one plural form
                for form in list(translation):
                    translation.remove(form)
                translation.text = None
                ET.SubElement(translation, "numerusform").text = text
            else:
                translation.text = text
            del translation.attrib["type"]
            filled += 1
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts_file.write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n', encoding="utf-8"
    )
    return filled


def check() -> list[tuple[str, str]]:
    """Strings in the views that the committed .ts does not translate (the .ts is not changed)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / TS_FILE.name
        if TS_FILE.exists():
            shutil.copy2(TS_FILE, copy)
        run_lupdate(copy)
        return untranslated(copy)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only list untranslated strings")
    parser.add_argument("--prune", action="store_true", help="drop strings no view uses")
    parser.add_argument(
        "--fill", type=Path, nargs="*", default=[], help="tables of translations to take"
    )
    args = parser.parse_args(argv)
    if args.check:
        missing = check()
    else:
        run_lupdate(prune=args.prune)
        table: dict[tuple[str, str], str] = {}
        for path in args.fill:
            table.update(read_table(path))
        if table:
            print(f"translated {fill(TS_FILE, table)} string(s) from the tables")
        missing = untranslated()
        print(f"updated {TS_FILE.relative_to(ROOT)}")
    for context, source in missing:
        print(f"untranslated: [{context}] {source}")
    print(f"{len(missing)} string(s) to translate")
    return 1 if args.check and missing else 0


if __name__ == "__main__":
    sys.exit(main())
