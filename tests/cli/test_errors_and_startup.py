"""Usage errors, passphrase handling, the real console entry, and a light start-up."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crm_desktop.cli.main import main
from crm_desktop.cli.progress import ProgressBar
from crm_desktop.cli.session import passphrase_provider
from crm_desktop.errors import CrmError, StoreError
from crm_desktop.store import keys

from .conftest import PASSPHRASE


@pytest.mark.parametrize(
    "argv",
    [
        ["frob"],
        ["contact"],
        ["contact", "add"],
        ["contact", "add", "--name"],
        ["contact", "edit", "some-id"],
        ["contact", "list", "--limit", "0"],
        ["search"],
        ["stats", "--bogus"],
        ["demo"],
    ],
)
def test_bad_arguments_print_usage_and_exit_2(argv, capsys, tmp_path):
    code = main(["--data-dir", str(tmp_path), *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("usage: crm-desktop")
    assert "error:" in err
    assert "Traceback" not in err


def test_help_and_version_exit_0(capsys):
    assert main(["--help"]) == 0
    assert "contact" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert "crm-desktop" in capsys.readouterr().out


def test_wrong_passphrase_is_a_clear_error(run_pp, monkeypatch):
    run_pp("contact", "add", "--name", "Amy Lee")
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "not the passphrase")
    for args in (("stats",), ("contact", "list"), ("summary",)):
        result = run_pp(*args)
        assert result.code == 1, args
        assert result.err.startswith("crm-desktop: error: Wrong passphrase")
        assert "Traceback" not in result.err


def test_without_passphrase_or_terminal_the_error_says_what_to_set(run_pp, monkeypatch):
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal
    result = run_pp("summary")
    assert result.code == 1
    assert "CRM_PASSPHRASE" in result.err
    assert not (run_pp.data_dir / "crm.db").exists()


def test_a_short_passphrase_is_refused(run_pp, monkeypatch):
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "short")
    result = run_pp("summary")
    assert result.code == 1
    assert "at least" in result.err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _prompt(answers: list[str]):
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return answers.pop(0)

    return prompt, asked


def test_prompt_asks_twice_when_creating(monkeypatch):
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    prompt, asked = _prompt([PASSPHRASE, PASSPHRASE])
    assert passphrase_provider(_Terminal(), prompt)(True) == PASSPHRASE
    assert len(asked) == 2
    prompt, asked = _prompt([PASSPHRASE])
    assert passphrase_provider(_Terminal(), prompt)(False) == PASSPHRASE
    assert len(asked) == 1


def test_prompt_refuses_different_passphrases(monkeypatch):
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    prompt, _ = _prompt([PASSPHRASE, PASSPHRASE + "!"])
    with pytest.raises(CrmError, match="differ"):
        passphrase_provider(_Terminal(), prompt)(True)


def test_prompt_end_of_input_is_an_error(monkeypatch):
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)

    def eof(_text: str) -> str:
        raise EOFError

    with pytest.raises(StoreError, match="No passphrase"):
        passphrase_provider(_Terminal(), eof)(False)


def test_environment_wins_over_the_prompt(monkeypatch):
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASSPHRASE)
    prompt, asked = _prompt([])
    assert passphrase_provider(_Terminal(), prompt)(True) == PASSPHRASE
    assert asked == []


def test_data_dir_from_the_environment(monkeypatch, capsys, tmp_path, memory_keyring):
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "env-dir"))
    assert main(["summary"]) == 0
    assert str(tmp_path / "env-dir") in capsys.readouterr().out


def test_an_unusable_data_dir_is_an_error_not_a_traceback(capsys, tmp_path, memory_keyring):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["--data-dir", str(blocker / "sub"), "summary"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("crm-desktop: error:")


# -- the real console entry -------------------------------------------------------------
def _console(
    tmp_path: Path, *args: str, passphrase: str = PASSPHRASE
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CRM_PASSPHRASE": passphrase,
        "CRM_DATA_DIR": str(tmp_path / "data"),
        # No keychain in the child either, whatever the machine has.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    return subprocess.run(
        [sys.executable, "-m", "crm_desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_console_entry_exit_codes_and_no_traceback(tmp_path):
    created = _console(tmp_path, "summary")
    assert created.returncode == 0, created.stderr
    assert "Created a new encrypted store" in created.stdout
    missing = _console(tmp_path, "contact", "show", "no-such-id")
    assert missing.returncode == 1
    assert missing.stderr == "crm-desktop: error: No contact with id no-such-id\n"
    wrong = _console(tmp_path, "stats", passphrase="wrong passphrase")
    assert wrong.returncode == 1
    assert wrong.stderr.startswith("crm-desktop: error: Wrong passphrase")
    usage = _console(tmp_path, "contact", "add")
    assert usage.returncode == 2
    assert usage.stderr.startswith("usage:")
    for result in (missing, wrong, usage):
        assert "Traceback" not in result.stderr


def test_stats_starts_without_sqlalchemy_or_sqlmodel(tmp_path):
    """DESIGN §8: importing sqlmodel costs ~0.45 s; `stats` needs neither it nor SQLAlchemy."""
    assert _console(tmp_path, "summary").returncode == 0  # create the store
    code = (
        "import sys\n"
        "from crm_desktop.cli.main import main\n"
        "status = main(['stats', '--json'])\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'pypinyin', 'alembic')\n"
        "         if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    env = {
        **os.environ,
        "CRM_PASSPHRASE": PASSPHRASE,
        "CRM_DATA_DIR": str(tmp_path / "data"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stderr


# -- the progress bar -------------------------------------------------------------------
def test_progress_bar_on_a_pipe_writes_a_line_per_tenth():
    stream = io.StringIO()
    bar = ProgressBar("demo", stream)
    for done in range(0, 1001, 5):
        bar.update(done, 1000)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11  # 0%, 10%, ... 100%
    assert lines[-1].startswith("demo [" + "#" * 30 + "] 100%")
    assert "1,000/1,000" in lines[-1]


def test_progress_bar_on_a_terminal_redraws_in_place():
    stream = _Terminal()
    bar = ProgressBar("demo", stream)
    bar.update(1, 4)
    bar.update(4, 4)
    bar.close()
    text = stream.getvalue()
    assert text.count("\r") == 2
    assert text.endswith("\n")


def test_without_a_screen_the_app_says_what_to_use_instead(capsys, tmp_path, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main(["--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "no screen" in err and "crm-desktop summary" in err


def test_a_missing_x11_library_is_named_instead_of_qt_aborting(capsys, tmp_path, monkeypatch):
    import ctypes.util

    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert main(["--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "libxcb-cursor" in err and "apt install" in err
