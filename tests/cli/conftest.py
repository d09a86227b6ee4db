"""Fixtures for CLI tests: `main([...])` run in-process against a temporary data dir.

Two ways in, as on real machines:
- `run`: the OS keychain holds the store key (the in-memory keyring from
  tests/conftest.py); a raw key opens in ~0.3 ms, so most tests use it.
- `run_pp`: no keychain (pinned, so a developer's keychain is never touched),
  the passphrase comes from CRM_PASSPHRASE: the real KDF path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crm_desktop.cli.main import main
from crm_desktop.store import keys

PASSPHRASE = "correct horse battery staple"


@dataclass
class Result:
    code: int
    out: str
    err: str


class Runner:
    """Calls main(["--data-dir", DIR, *args]) and returns its exit code and output."""

    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str]):
        self.data_dir = data_dir
        self._capsys = capsys

    def __call__(self, *args: str) -> Result:
        self._capsys.readouterr()  # drop output of earlier steps
        code = main(["--data-dir", str(self.data_dir), *args])
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)


def _common_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_DATA_DIR", raising=False)
    monkeypatch.setenv("CRM_USER", "tester")


@pytest.fixture
def run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: Any,
) -> Runner:
    _common_env(monkeypatch)
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    return Runner(tmp_path / "data", capsys)


@pytest.fixture
def run_pp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Runner:
    _common_env(monkeypatch)
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setattr(keys, "keychain_available", lambda: False)
    return Runner(tmp_path / "data", capsys)


Run = Callable[..., Result]
