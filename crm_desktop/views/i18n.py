"""The UI language: English (the source text) or Simplified Chinese.

The translation source ``crm_desktop/resources/translations/crm_desktop_zh_CN.ts``
is the only file kept in the repository; the compiled ``.qm`` is built, not
committed (STYLE §10). At start, `install_translations` compiles it with Qt's
``lrelease`` into the user cache (once per content of the ``.ts``), loads it,
and loads Qt's own translations for standard dialogs and buttons. Where
``lrelease`` is missing (a frozen bundle without it), `TsTranslator` reads the
``.ts`` directly, so Chinese still works.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from crm_desktop import resources

log = logging.getLogger(__name__)

LANGUAGE_KEY = "ui/language"
LANGUAGES = ("system", "en", "zh_CN")
"""Values of the ``ui/language`` setting."""
SOURCE_LANGUAGE = "en"
TRANSLATIONS_DIR = resources.path("translations")
CATALOG = "crm_desktop"

_installed: list[QTranslator] = []
_state = {"language": SOURCE_LANGUAGE}


def ts_path(language: str = "zh_CN") -> Path:
    """The translation source for `language`."""
    return TRANSLATIONS_DIR / f"{CATALOG}_{language}.ts"


def choose_language(setting: object, system: QLocale | None = None) -> str:
    """``"en"`` or ``"zh_CN"``: the setting, else the system locale (zh* → zh_CN)."""
    if setting in ("en", "zh_CN"):
        return str(setting)
    locale = system if system is not None else QLocale.system()
    names = [*locale.uiLanguages(), locale.name()]
    first = next((n for n in names if n), "en")
    return "zh_CN" if first.replace("-", "_").lower().startswith("zh") else "en"


def current_language() -> str:
    """The language last installed: ``"en"`` or ``"zh_CN"``."""
    return _state["language"]


def data_language() -> str:
    """The language for data the app creates (default pipeline, demo): ``"en"`` or ``"zh"``."""
    return "zh" if current_language().startswith("zh") else "en"


def install_translations(
    app: QCoreApplication,
    language: str | None,
    *,
    cache_dir: Path | None = None,
    use_lrelease: bool = True,
) -> str:
    """Install the translators for `language` (a ``ui/language`` value or None).

    Args:
        language: "en", "zh_CN", or "system"/None for the system locale.
        cache_dir: where compiled ``.qm`` files go (default: the user cache).
        use_lrelease: False skips compiling and reads the ``.ts`` directly.
    Returns:
        The language chosen, ``"en"`` or ``"zh_CN"``.
    """
    chosen = choose_language(language)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    _state["language"] = chosen
    _set_default_locale(chosen)
    if chosen == SOURCE_LANGUAGE:
        return chosen
    translator = _app_translator(chosen, cache_dir, use_lrelease)
    if translator is not None:
        _install(app, translator)
    qt_base = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_base.load(f"qtbase_{chosen}", qt_dir):
        _install(app, qt_base)
    else:
        log.info("Qt's own %s translations are not installed in %s", chosen, qt_dir)
    return chosen


def _install(app: QCoreApplication, translator: QTranslator) -> None:
    app.installTranslator(translator)
    _installed.append(translator)


def _set_default_locale(language: str) -> None:
    """Dates and numbers in Qt widgets follow the UI language when it is not the system's."""
    system = QLocale.system()
    same = system.name().lower().startswith("zh") == language.startswith("zh")
    QLocale.setDefault(system if same else QLocale("en_US" if language == "en" else language))


def _app_translator(
    language: str, cache_dir: Path | None, use_lrelease: bool
) -> QTranslator | None:
    source = ts_path(language)
    if not source.exists():
        log.warning("no translations for %s at %s", language, source)
        return None
    qm = _prebuilt_qm(source) or (compile_qm(source, cache_dir) if use_lrelease else None)
    if qm is not None:
        translator = QTranslator()
        if translator.load(str(qm)):
            return translator
        log.warning("could not load %s; reading %s instead", qm, source)
    return TsTranslator(source)


def _prebuilt_qm(source: Path) -> Path | None:
    """A ``.qm`` an installer built beside the ``.ts`` (frozen bundles), if current."""
    qm = source.with_suffix(".qm")
    if qm.exists() and qm.stat().st_mtime >= source.stat().st_mtime:
        return qm
    return None


def default_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("crm-desktop", appauthor=False) / "translations"


def compile_qm(source: Path, cache_dir: Path | None = None) -> Path | None:
    """Compile `source` with lrelease into the cache, unless already compiled.

    The file name carries a hash of the ``.ts`` content, so an edited or
    upgraded ``.ts`` (or another checkout sharing the cache) never reuses a
    stale ``.qm``. Returns None when lrelease is unavailable or fails.
    """
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    folder = cache_dir or default_cache_dir()
    target = folder / f"{source.stem}-{digest}.qm"
    if target.exists():
        return target
    lrelease = find_qt_tool("lrelease")
    if lrelease is None:
        log.info("lrelease not found: reading %s directly", source.name)
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{source.stem}.", suffix=".qm")
        os.close(fd)
        done = subprocess.run(
            [str(lrelease), "-silent", str(source), "-qm", tmp],
            capture_output=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0 or Path(tmp).stat().st_size == 0:
            log.warning("lrelease failed: %s", done.stderr.decode(errors="replace").strip())
            Path(tmp).unlink(missing_ok=True)
            return None
        os.replace(tmp, target)  # atomic: a second app instance never reads half a file
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("could not compile %s: %s", source.name, exc)
        return None
    for stale in folder.glob(f"{source.stem}-*.qm"):
        if stale != target:
            stale.unlink(missing_ok=True)
    return target


def find_qt_tool(name: str) -> Path | None:
    """A Qt tool shipped with PySide6 (``lrelease``, ``lupdate``), or None.

    Looks for the binary inside the PySide6 package, then for the
    ``pyside6-<name>`` wrapper beside the running Python (a virtual
    environment's bin/Scripts), then on PATH.
    """
    suffix = ".exe" if os.name == "nt" else ""
    candidates: list[Path] = []
    try:
        import PySide6

        package = Path(PySide6.__file__).parent
        # The binary itself first: its Python wrapper costs an interpreter start.
        candidates += [package / f"{name}{suffix}", package / "Qt" / "libexec" / f"{name}{suffix}"]
    except ImportError:  # pragma: no cover (PySide6 is what imports us)
        pass
    candidates.append(Path(sys.executable).parent / f"pyside6-{name}{suffix}")
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(f"pyside6-{name}")
    return Path(found) if found else None


class TsTranslator(QTranslator):
    """Translations read straight from a ``.ts`` file (when lrelease is unavailable).

    Lookup follows Qt's: context, source text and disambiguation comment,
    then the same without the comment. Vanished, obsolete and empty
    translations are skipped; unfinished ones with text are used, as
    lrelease does by default.
    """

    def __init__(self, source: Path) -> None:
        super().__init__()
        self._messages = read_ts(source)

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        found = self._messages.get((context, source_text, disambiguation or ""))
        if found is None and disambiguation:
            found = self._messages.get((context, source_text, ""))
        return found  # None: Qt asks the next translator, then uses the source

    def isEmpty(self) -> bool:
        return not self._messages

    def __len__(self) -> int:
        return len(self._messages)


def read_ts(source: Path) -> dict[tuple[str, str, str], str]:
    """(context, source, comment) -> translation, for every usable message of `source`."""
    messages: dict[tuple[str, str, str], str] = {}
    root = ET.parse(source).getroot()
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("vanished", "obsolete"):
                continue
            forms = translation.findall("numerusform")
            text = (forms[0].text if forms else translation.text) or ""
            if text:
                key = (name, message.findtext("source") or "", message.findtext("comment") or "")
                messages[key] = text
    return messages
