"""What installer/build.py generates before PyInstaller runs: icons and .qm files."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtGui import QImage, QImageReader

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def build():
    path = ROOT / "installer" / "build.py"
    spec = importlib.util.spec_from_file_location("crm_installer_build", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_version_is_the_package_version(build):
    from crm_desktop import __version__

    assert build.version() == __version__


def test_icons_render_from_the_svg_in_every_format(build, qapp, tmp_path):
    build.make_icons(tmp_path)
    png = QImage(str(tmp_path / "crm-desktop-256.png"))
    assert (png.width(), png.height()) == (256, 256)
    assert png.pixelColor(128, 128).alpha() == 255  # drawn, not an empty canvas
    assert png.pixelColor(0, 0).alpha() == 0  # rounded corners stay transparent
    reader = QImageReader(str(tmp_path / "crm-desktop.ico"))
    assert reader.imageCount() == len(build.ICO_SIZES)
    sizes = set()
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        sizes.add(reader.read().width())
    assert sizes == set(build.ICO_SIZES)
    icns = (tmp_path / "crm-desktop.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    offset, kinds = 8, []
    while offset < len(icns):
        kind = icns[offset : offset + 4]
        (length,) = struct.unpack(">I", icns[offset + 4 : offset + 8])
        assert icns[offset + 8 : offset + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind.decode())
        offset += length
    assert offset == len(icns) and {"ic07", "ic08", "ic09", "ic10"} <= set(kinds)


def test_ico_directory_entries_point_at_their_images(build):
    pngs = {16: b"\x89PNG-a", 256: b"\x89PNG-bbbb"}
    data = build.ico_bytes(pngs)
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, 2)
    for index, size in enumerate((16, 256)):
        entry = struct.unpack("<BBBBHHII", data[6 + 16 * index : 22 + 16 * index])
        assert entry[0] == (0 if size == 256 else size)  # 0 stands for 256
        length, offset = entry[6], entry[7]
        assert data[offset : offset + length] == pngs[size]


def test_translations_compile_to_a_qm_qt_loads(build, tmp_path):
    compiled = build.compile_translations(tmp_path)
    assert [p.name for p in compiled] == ["crm_desktop_zh_CN.qm"]
    translator = QTranslator()
    assert translator.load(str(compiled[0]))
    assert translator.translate("MainWindow", "Contacts") == "联系人"


def test_a_missing_svg_stops_the_build(build, qapp, tmp_path):
    with pytest.raises(SystemExit, match="cannot render"):
        build.render_pngs(tmp_path / "missing.svg", (16,))
