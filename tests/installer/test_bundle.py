"""The Linux desktop bundle, built by the documented command and used as a rep would.

Builds with ``python installer/build.py`` into a temporary folder (a few
minutes: PyInstaller analyses the app and its dependencies), unpacks the
tarball elsewhere, runs the bundled ``crm-desktop --self-test`` without any
environment set up, checks what is in (migrations as files, compiled
translations, icons, the desktop entry) and what is not (the server, test
tools, unused Qt modules), and installs and uninstalls it with install.sh.

Set ``CRM_BUNDLE_DIST`` to a folder an earlier ``build.py --dist`` filled to
skip the build while working on these tests.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from crm_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
NAME = "crm-desktop"
TOP = f"{NAME}-{__version__}-linux-x86_64"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or os.uname().machine != "x86_64",
        reason="CI builds the Linux x86_64 bundle; other platforms are built by hand",
    ),
]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("CRM_BUNDLE_DIST")
    if given:
        return Path(given)
    base = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [
            sys.executable,
            "installer/build.py",
            "--dist",
            str(base / "dist"),
            "--work",
            str(base / "build"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    assert "build: package" in result.stdout
    assert "build: the bundle needs glibc 2." in result.stdout
    return base / "dist"


@pytest.fixture(scope="module")
def unpacked(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tarball unpacked in a fresh folder, as a user would."""
    tarball = dist / f"{TOP}.tar.gz"
    assert tarball.is_file(), f"no {tarball.name} in {dist}"
    target = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(tarball) as tar:
        assert {m.name.split("/")[0] for m in tar.getmembers()} == {TOP}
        tar.extractall(target, filter="tar")
    return target / TOP


def _clean_env(home: Path) -> dict[str, str]:
    """A user's environment: no Qt platform, no store settings, nothing of the venv."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env


def test_the_unpacked_bundle_passes_its_self_test(unpacked: Path, tmp_path: Path):
    executable = unpacked / NAME
    assert os.access(executable, os.X_OK)
    home = tmp_path / "home"
    result = subprocess.run(
        [str(executable), "--self-test"],
        env=_clean_env(home),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"crm-desktop {__version__} self-test (bundle in {unpacked}" in out
    assert "ok store: created, encrypted (SQLCipher" in out  # migrations ran from files
    assert "found by Chinese name, pinyin, initials and a word of the notes (FTS5)" in out
    # The bundled, compiled translations were used (not the .ts, not a compile at start).
    assert "ok translations: zh_CN from crm_desktop_zh_CN.qm (compiled): 'Contacts' → 联系人" in out
    assert "ok window: rendered" in out and "联系人" in out.split("ok window:")[1]
    assert "ok charts: pyqtgraph" in out
    assert out.rstrip().splitlines()[-1].startswith("self-test: passed in ")
    assert not (home / ".local" / "share" / NAME).exists()


def test_the_bundle_carries_what_the_app_loads_from_files(unpacked: Path):
    internal = unpacked / "_internal"
    package = internal / "crm_desktop"
    versions = package / "store" / "migrations" / "versions"
    expected = {p.name for p in (ROOT / "crm_desktop/store/migrations/versions").glob("*.py")}
    assert expected and {p.name for p in versions.glob("*.py")} == expected
    assert (package / "store" / "migrations" / "env.py").is_file()
    translations = package / "resources" / "translations"
    qm, ts = translations / "crm_desktop_zh_CN.qm", translations / "crm_desktop_zh_CN.ts"
    assert qm.stat().st_size > 1000
    assert qm.stat().st_mtime >= ts.stat().st_mtime  # else the app would ignore the .qm
    assert (package / "resources" / "icons" / "app.svg").is_file()
    qt = internal / "PySide6" / "Qt"
    assert (qt / "translations" / "qtbase_zh_CN.qm").is_file()
    assert not (qt / "translations" / "qtbase_de.qm").exists()  # only the app's languages
    assert (qt / "plugins" / "platforms" / "libqxcb.so").is_file()
    assert (qt / "plugins" / "platforms" / "libqwayland.so").is_file()
    assert (qt / "plugins" / "iconengines" / "libqsvgicon.so").is_file()


def test_the_bundle_leaves_out_what_the_app_does_not_use(unpacked: Path):
    internal = unpacked / "_internal"
    qt_libs = {p.name.split(".so")[0] for p in (internal / "PySide6" / "Qt" / "lib").iterdir()}
    for unused in ("libQt6WebEngineCore", "libQt6Qml", "libQt6Quick", "libQt6Multimedia",
                   "libQt63DCore", "libQt6Pdf", "libQt6Network"):  # fmt: skip
        assert unused not in qt_libs
    bindings = {p.name.split(".")[0] for p in (internal / "PySide6").glob("*.so")}
    # The app's four, plus what pyqtgraph imports (QtOpenGL at import, QtOpenGLWidgets optional).
    assert bindings == {"QtCore", "QtGui", "QtWidgets", "QtSvg", "QtOpenGL", "QtOpenGLWidgets"}
    assert not (internal / "PySide6" / "Qt" / "plugins" / "platformthemes" / "libqgtk3.so").exists()
    assert not list(internal.glob("libgtk-3*")) and not list(internal.glob("libcairo*"))
    present = {p.name for p in internal.iterdir()}
    for unused in ("crm_server", "fastapi", "uvicorn", "starlette", "pytest", "hypothesis",
                   "mypy", "argon2", "psycopg", "psycopg_binary"):  # fmt: skip
        assert unused not in present
    pure = _pure_modules(unpacked / NAME)
    assert "crm_desktop.views.self_test" in pure and "pyqtgraph" in pure
    for unused in ("crm_server", "fastapi", "uvicorn", "pytest", "hypothesis", "tkinter",
                   "phonenumbers.geodata", "pyqtgraph.opengl"):  # fmt: skip
        assert not any(m == unused or m.startswith(unused + ".") for m in pure), unused


def _pure_modules(executable: Path) -> set[str]:
    """Names of the Python modules in the executable's archive (PYZ)."""
    from PyInstaller.archive.readers import CArchiveReader, ZlibArchiveReader

    package = CArchiveReader(str(executable))
    pyz_name = next(name for name in package.toc if name.endswith(".pyz"))
    pyz = package.open_embedded_archive(pyz_name)
    assert isinstance(pyz, ZlibArchiveReader)
    return set(pyz.toc)


def test_the_desktop_entry_and_icons(unpacked: Path):
    share = unpacked / "share"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(share / "applications" / f"{NAME}.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"] == NAME and section["Icon"] == NAME
    assert section["Terminal"] == "false"
    assert "客户" in section["GenericName[zh_CN]"]
    png = share / "icons" / "hicolor" / "256x256" / "apps" / f"{NAME}.png"
    header = png.read_bytes()[:24]
    assert header.startswith(b"\x89PNG") and header[16:24] == (256).to_bytes(4, "big") * 2
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{NAME}.svg").is_file()


def test_install_sh_installs_for_the_user_and_uninstalls(unpacked: Path, tmp_path: Path):
    prefix = tmp_path / "prefix"
    env = {**_clean_env(tmp_path / "home"), "PREFIX": str(prefix)}
    installed = subprocess.run(
        ["sh", str(unpacked / "install.sh")], env=env, capture_output=True, text=True, timeout=300
    )
    assert installed.returncode == 0, installed.stderr
    app = prefix / "lib" / NAME / NAME
    desktop = (prefix / "share" / "applications" / f"{NAME}.desktop").read_text(encoding="utf-8")
    assert f'Exec="{app}"' in desktop.splitlines()
    assert (prefix / "share/icons/hicolor/256x256/apps" / f"{NAME}.png").is_file()
    version = subprocess.run(
        [str(prefix / "bin" / NAME), "--version"], env=env, capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.strip() == f"{NAME} {__version__}"
    removed = subprocess.run(
        ["sh", str(unpacked / "install.sh"), "--uninstall"], env=env, capture_output=True, text=True
    )
    assert removed.returncode == 0, removed.stderr
    assert not (prefix / "lib" / NAME).exists() and not (prefix / "bin" / NAME).exists()
    assert not list(prefix.rglob(f"{NAME}.*"))
    bad = subprocess.run(
        ["sh", str(unpacked / "install.sh"), "--bogus"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "usage:" in bad.stderr
