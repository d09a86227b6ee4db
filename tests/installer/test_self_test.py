"""`crm-desktop --self-test` from the sources (the bundle runs it in test_bundle.py).

Run in a child process: the self-test installs the Chinese translations and its
own QApplication state, which must not leak into the other GUI tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _self_test(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # As on a rep's machine where nothing is set up: the self-test needs none of these.
        if key not in ("QT_QPA_PLATFORM", "CRM_PASSPHRASE", "CRM_DATA_DIR", "DISPLAY")
    }
    home = tmp_path / "home"
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        TMPDIR=str(tmp_path),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-m", "crm_desktop", "--self-test", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


def test_self_test_passes_and_touches_no_user_data(tmp_path):
    shot = tmp_path / "window.png"
    user_data = tmp_path / "user-data"
    result = _self_test(tmp_path, "--data-dir", str(user_data), CRM_SELF_TEST_SCREENSHOT=str(shot))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("crm-desktop 0.1.0 self-test")
    for check in ("store", "contact", "search", "translations", "icon", "window", "charts"):
        assert any(line.startswith(f"ok {check}: ") for line in lines), result.stdout
    assert "联系人" in result.stdout  # 'Contacts' in Chinese, in the rendered navigation too
    assert "FTS5" in result.stdout
    assert lines[-1].startswith("self-test: passed in ")
    assert shot.read_bytes().startswith(b"\x89PNG")
    # Nothing of the user's was opened or created: no store, settings or translation cache.
    assert not user_data.exists()
    home = tmp_path / "home"
    for folder in (".local/share", ".config", ".cache"):
        assert not (home / folder / "crm-desktop").exists()
    # Its temporary folder is gone.
    assert not list(tmp_path.glob("crm-desktop-self-test-*"))


def test_a_failed_check_exits_1_with_a_message_not_a_traceback(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the screenshot's folder should be")
    result = _self_test(tmp_path, CRM_SELF_TEST_SCREENSHOT=str(blocked / "window.png"))
    assert result.returncode == 1
    assert "crm-desktop: self-test failed: window: could not save the screenshot" in result.stderr
    assert "Traceback" not in result.stderr
    assert "self-test: passed" not in result.stdout
    assert not list(tmp_path.glob("crm-desktop-self-test-*"))  # cleaned up on failure too


def test_self_test_is_in_the_help():
    from crm_desktop.cli.main import build_parser

    assert "--self-test" in build_parser().format_help()
