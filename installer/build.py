"""Build the desktop bundle of crm-desktop for the platform this runs on.

    python installer/build.py            # bundle + the platform's package
    python installer/build.py --help     # options (output folders, no package)

Run it with the Python that has crm-desktop and its ``test`` extra installed
(PyInstaller). The same command works on Linux, Windows and macOS:

1. ``prepare``: the app icon rendered from ``resources/icons/app.svg`` with Qt
   (PNG sizes, a Windows ``.ico``, a macOS ``.icns``) and the Chinese
   translations compiled ``.ts`` → ``.qm`` with Qt's lrelease, into the work
   folder (generated, never committed);
2. PyInstaller runs ``installer/crm_desktop.spec``: a one-folder bundle
   ``<dist>/crm-desktop/`` (on macOS also ``<dist>/crm-desktop.app``);
3. the package: Linux ``<dist>/crm-desktop-<version>-linux-<arch>.tar.gz``
   (bundle, ``.desktop`` entry, icons, ``install.sh``); Windows the Inno Setup
   installer when ``iscc`` is on PATH (``installer/windows/crm-desktop.iss``);
   macOS a ``.dmg`` of the ``.app`` (``hdiutil``).

Afterwards: ``<dist>/crm-desktop/crm-desktop --self-test`` checks the bundle.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = ROOT / "crm_desktop"
APP_SVG = PACKAGE / "resources" / "icons" / "app.svg"
TRANSLATIONS = PACKAGE / "resources" / "translations"
NAME = "crm-desktop"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size (several types share a size).
ICNS_TYPES = (
    ("icp4", 16),
    ("icp5", 32),
    ("ic11", 32),
    ("icp6", 64),
    ("ic12", 64),
    ("ic07", 128),
    ("ic08", 256),
    ("ic13", 256),
    ("ic09", 512),
    ("ic14", 512),
    ("ic10", 1024),
)
GENERATED_ENV = "CRM_BUILD_GENERATED"
"""Tells the spec where `prepare` put the icons and ``.qm`` files."""


def version() -> str:
    """``crm_desktop.__version__``, read without importing the package."""
    for line in (PACKAGE / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("build: no __version__ in crm_desktop/__init__.py")


def arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "aarch64": "arm64"}.get(machine, machine)


# -- generated assets ---------------------------------------------------------
def prepare(generated: Path) -> Path:
    """Icons and compiled translations into `generated`; returns it."""
    generated.mkdir(parents=True, exist_ok=True)
    make_icons(generated / "icons")
    compile_translations(generated / "translations")
    return generated


def render_pngs(svg: Path, sizes: tuple[int, ...] = PNG_SIZES) -> dict[int, bytes]:
    """The SVG drawn at each size with Qt's SVG renderer, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([NAME])  # noqa: F841 (fonts, painting)
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"build: cannot render {svg}")
    pngs: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # str works; stubs say bytes
        buffer.close()
        pngs[size] = bytes(data.data())
    return pngs


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG images (Windows Vista and later read these)."""
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG images (OS X 10.7 and later read these)."""
    body = b""
    for kind, size in ICNS_TYPES:
        if size in pngs:
            body += kind.encode("ascii") + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(APP_SVG)
    for size in (48, 128, 256, 512):
        (folder / f"{NAME}-{size}.png").write_bytes(pngs[size])
    (folder / f"{NAME}.png").write_bytes(pngs[256])
    (folder / f"{NAME}.ico").write_bytes(ico_bytes(pngs))
    (folder / f"{NAME}.icns").write_bytes(icns_bytes(pngs))
    shutil.copyfile(APP_SVG, folder / f"{NAME}.svg")


def compile_translations(folder: Path) -> list[Path]:
    """Every ``.ts`` compiled with lrelease (from PySide6); the ``.qm`` paths."""
    sys.path.insert(0, str(ROOT))
    from crm_desktop.views.i18n import find_qt_tool

    lrelease = find_qt_tool("lrelease")
    if lrelease is None:
        raise SystemExit("build: Qt's lrelease not found (it ships with PySide6)")
    folder.mkdir(parents=True, exist_ok=True)
    compiled = []
    for source in sorted(TRANSLATIONS.glob("*.ts")):
        target = folder / source.with_suffix(".qm").name
        subprocess.run(
            [str(lrelease), "-silent", str(source), "-qm", str(target)], check=True, timeout=120
        )
        if not target.exists() or target.stat().st_size == 0:
            raise SystemExit(f"build: lrelease produced nothing for {source.name}")
        compiled.append(target)
    return compiled


# -- the bundle ---------------------------------------------------------------
def run_pyinstaller(dist: Path, work: Path, generated: Path, log_level: str = "WARN") -> None:
    env = dict(os.environ, **{GENERATED_ENV: str(generated)})
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(HERE / "crm_desktop.spec"),
        "--noconfirm",
        "--log-level",
        log_level,
        "--distpath",
        str(dist),
        "--workpath",
        str(work / "pyinstaller"),
    ]
    subprocess.run(command, check=True, env=env, cwd=ROOT)


def fix_translation_times(bundle: Path) -> None:
    """Date each ``.qm`` after its ``.ts``: the app uses a bundled ``.qm`` only when
    it is not older than its source, and PyInstaller copies without keeping times."""
    for qm in bundle.rglob("crm_desktop/resources/translations/*.qm"):
        ts = qm.with_suffix(".ts")
        if ts.exists():
            stamp = ts.stat().st_mtime
            os.utime(qm, (stamp + 10, stamp + 10))


def strip_debug_info(bundle: Path) -> int:
    """Remove debug sections from the ELF files that have them (Linux); bytes saved.

    Only ``--strip-debug`` and only where ``.debug_info`` exists (libpython and
    sqlcipher3 ship with ~40 MB of it): a full strip of every library breaks
    libraries vendored by auditwheel, such as numpy's OpenBLAS.
    """
    strip = shutil.which("strip")
    if strip is None:
        print("build: `strip` not found (binutils); the bundle keeps its debug info")
        return 0
    saved = 0
    for path in sorted(bundle.rglob("*")):
        if not path.is_file() or path.is_symlink() or path.parent.name.endswith(".libs"):
            continue
        with path.open("rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
            if b".debug_info" not in handle.read():
                continue
        before = path.stat().st_size
        subprocess.run([strip, "--strip-debug", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved


def glibc_needed(bundle: Path) -> str | None:
    """The newest glibc symbol version any ELF file of `bundle` asks for (Linux).

    The bundle runs only where the system's glibc is at least that: it is
    decided by the machine (and the wheels) the bundle was built with.
    """
    newest: tuple[int, ...] = ()
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
            for found in re.findall(rb"GLIBC_(2\.[0-9]+(?:\.[0-9]+)?)\x00", handle.read()):
                newest = max(newest, tuple(int(part) for part in found.split(b".")))
    return ".".join(map(str, newest)) or None


def bundle_folder(dist: Path) -> Path:
    return dist / NAME


# -- packages -----------------------------------------------------------------
def package_linux(dist: Path, generated: Path) -> Path:
    """The tarball: the bundle plus ``share/`` (desktop entry, icons) and install.sh."""
    bundle = bundle_folder(dist)
    share = bundle / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "linux" / f"{NAME}.desktop", share / "applications" / f"{NAME}.desktop")
    icons = generated / "icons"
    for size in (48, 128, 256, 512):
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(icons / f"{NAME}-{size}.png", target / f"{NAME}.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icons / f"{NAME}.svg", scalable / f"{NAME}.svg")
    install = bundle / "install.sh"
    shutil.copyfile(HERE / "linux" / "install.sh", install)
    install.chmod(0o755)
    top = f"{NAME}-{version()}-linux-{arch()}"
    tarball = dist / f"{top}.tar.gz"
    with tarfile.open(tarball, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=top)
    return tarball


def package_windows(dist: Path, generated: Path) -> Path | None:
    """The Inno Setup installer, when its compiler is installed."""
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    default = Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"))
    if iscc is None and (default / "Inno Setup 6" / "ISCC.exe").exists():
        iscc = str(default / "Inno Setup 6" / "ISCC.exe")
    script = HERE / "windows" / f"{NAME}.iss"
    defines = [
        f"/DAppVersion={version()}",
        f"/DSourceDir={bundle_folder(dist)}",
        f"/DOutputDir={dist}",
        f"/DIconFile={generated / 'icons' / (NAME + '.ico')}",
    ]
    if iscc is None:
        print(
            f"build: Inno Setup not found; to make the installer: iscc {' '.join(defines)} {script}"
        )
        return None
    subprocess.run([iscc, *defines, str(script)], check=True)
    return dist / f"{NAME}-{version()}-windows-{arch()}-setup.exe"


def package_macos(dist: Path) -> Path:
    """A compressed disk image holding the .app."""
    image = dist / f"{NAME}-{version()}-macos-{arch()}.dmg"
    subprocess.run(
        [
            "hdiutil",
            "create",
            "-volname",
            f"{NAME} {version()}",
            "-srcfolder",
            str(dist / f"{NAME}.app"),
            "-ov",
            "-format",
            "UDZO",
            str(image),
        ],
        check=True,
    )
    return image


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the crm-desktop bundle and package.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output (default: dist/)")
    parser.add_argument(
        "--work", type=Path, default=ROOT / "build", help="intermediate files (default: build/)"
    )
    parser.add_argument(
        "--no-package", action="store_true", help="only the bundle folder, no tarball/installer"
    )
    parser.add_argument(
        "--log-level", default="WARN", help="PyInstaller's log level (INFO shows each step)"
    )
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    started = time.perf_counter()
    generated = prepare(work / "generated")
    run_pyinstaller(dist, work, generated, args.log_level)
    bundle = bundle_folder(dist)
    fix_translation_times(bundle)
    if sys.platform.startswith("linux"):
        saved = strip_debug_info(bundle)
        print(f"build: removed {saved / 2**20:.0f} MiB of debug info")
        print(f"build: the bundle needs glibc {glibc_needed(bundle)} or newer")
    if sys.platform == "darwin":
        fix_translation_times(dist / f"{NAME}.app")
    print(f"build: bundle {bundle} ({size_of(bundle) / 2**20:.0f} MiB)")
    package: Path | None = None
    if not args.no_package:
        if sys.platform.startswith("linux"):
            package = package_linux(dist, generated)
        elif sys.platform == "win32":
            package = package_windows(dist, generated)
        elif sys.platform == "darwin":
            package = package_macos(dist)
    if package is not None:
        print(f"build: package {package} ({size_of(package) / 2**20:.0f} MiB)")
    print(f"build: done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
