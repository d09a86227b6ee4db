"""``crm-server`` commands, run in-process through `main([...])`."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session

from crm_desktop.sync.protocol import LoginRequest
from crm_server import auth, cli
from crm_server.db import make_engine
from crm_server.errors import ApiError
from crm_server.models import Device, User

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(database_url, capsys, monkeypatch):
    """Runs ``crm-server --database-url URL ARGS`` with `stdin` as its piped input."""

    def run(*args: str, stdin: str = "") -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = cli.main(["--database-url", database_url, *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def engine_of(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def sign_in(engine, user: str, password: str, device_id: str = "dev-1") -> str:
    with Session(engine) as session:
        request = LoginRequest(user=user, password=password, device_id=device_id)
        token = auth.login(session, request).token
        session.commit()
    return token


def test_init_creates_the_database(run):
    result = run("init")
    assert result.code == 0
    assert result.out.startswith("Database ready:")
    assert run("init").code == 0  # again: harmless


def test_user_add_reads_the_password_from_stdin(run, engine_of):
    result = run("user", "add", "amy", "--role", "manager", "--team", "east", stdin="s3cret-pw\n")
    assert result.code == 0, result.err
    assert "amy" in result.out
    with Session(engine_of) as session:
        user = session.get(User, "amy")
        assert (user.role, user.team, user.disabled) == ("manager", "east", False)
        assert "s3cret-pw" not in user.password_hash
    assert sign_in(engine_of, "amy", "s3cret-pw")


def test_user_add_refuses_a_duplicate_and_a_short_password(run):
    assert run("user", "add", "amy", "--role", "rep", stdin="s3cret-pw\n").code == 0
    duplicate = run("user", "add", "amy", "--role", "admin", stdin="other-pw\n")
    assert duplicate.code == 1
    assert duplicate.err == "crm-server: error: User amy already exists.\n"
    short = run("user", "add", "ben", "--role", "rep", stdin="short\n")
    assert short.code == 1
    assert "at least 8 characters" in short.err
    assert "Traceback" not in duplicate.err + short.err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_user_add_prompts_twice_on_a_terminal(database_url, monkeypatch, engine_of):
    prompts: list[str] = []
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: prompts.append(prompt) or "typed-pw")
    monkeypatch.setattr(sys, "stdin", Terminal())
    assert cli.main(["--database-url", database_url, "user", "add", "amy", "--role", "rep"]) == 0
    assert len(prompts) == 2
    assert sign_in(engine_of, "amy", "typed-pw")


def test_mismatched_prompted_passwords_are_an_error(monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal())
    answers = iter(["typed-pw-1", "typed-pw-2"])
    with pytest.raises(cli.ServerError, match="do not match"):
        cli.read_password(lambda prompt: next(answers))
    same = iter(["typed-pw-1", "typed-pw-1"])
    assert cli.read_password(lambda prompt: next(same)) == "typed-pw-1"


def test_user_list_and_passwd(run, engine_of):
    run("user", "add", "amy", "--role", "rep", "--team", "east", stdin="first-pw\n")
    run("user", "add", "root", "--role", "admin", stdin="admin-pw\n")
    sign_in(engine_of, "amy", "first-pw")
    listing = run("user", "list")
    assert listing.code == 0
    lines = listing.out.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "TEAM", "DISABLED", "DEVICES"]
    assert lines[1].split() == ["amy", "rep", "east", "no", "1"]
    assert lines[2].split() == ["root", "admin", "-", "no", "0"]
    assert run("user", "passwd", "amy", stdin="second-pw\n").code == 0
    assert sign_in(engine_of, "amy", "second-pw")
    with pytest.raises(ApiError):
        sign_in(engine_of, "amy", "first-pw")
    missing = run("user", "passwd", "nobody", stdin="second-pw\n")
    assert missing.code == 1 and "No user named nobody" in missing.err


def test_device_list_and_revoke(run, engine_of):
    assert run("device", "list").out == "(none)\n"
    run("user", "add", "amy", "--role", "rep", stdin="first-pw\n")
    sign_in(engine_of, "amy", "first-pw", "dev-1")
    sign_in(engine_of, "amy", "first-pw", "dev-2")
    result = run("device", "revoke", "dev-2", "--wipe")
    assert result.code == 0
    assert "erase its local data" in result.out
    assert run("device", "revoke", "dev-1").code == 0
    with Session(engine_of) as session:
        assert session.get(Device, "dev-2").wipe is True
        assert session.get(Device, "dev-1").wipe is False
        assert session.get(Device, "dev-1").revoked_at is not None
    lines = run("device", "list").out.splitlines()
    assert lines[0].split() == ["ID", "USER", "NAME", "CREATED", "LAST", "SEEN", "REVOKED"]
    assert [line.split()[:2] for line in lines[1:]] == [["dev-1", "amy"], ["dev-2", "amy"]]
    assert lines[2].endswith("(wipe)") and not lines[1].endswith("(wipe)")
    missing = run("device", "revoke", "nope")
    assert missing.code == 1
    assert missing.err == "crm-server: error: No device with id nope.\n"


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frob"],
        ["user"],
        ["user", "add", "amy"],
        ["user", "add", "amy", "--role", "boss"],
        ["device", "revoke"],
        ["serve", "--port", "x"],
        ["serve", "--workers", "0"],
    ],
)
def test_bad_usage_exits_2(argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: crm-server")
    assert "Traceback" not in err


def test_an_unreachable_database_is_a_one_line_error(capsys):
    code = cli.main(["--database-url", "postgresql://nobody@127.0.0.1:1/none", "user", "list"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("crm-server: error: database error:")
    assert err.count("\n") == 1


def test_the_database_option_is_accepted_after_the_command(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'after.sqlite3'}"
    assert cli.main(["init", "--database-url", url]) == 0
    assert (tmp_path / "after.sqlite3").exists()


def test_admin_commands_do_not_load_the_web_stack(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    code = (
        "import sys\n"
        "from crm_server.cli import main\n"
        f"assert main(['--database-url', {url!r}, 'user', 'list']) == 0\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(loaded & {'uvicorn', 'fastapi', 'starlette'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("[]")
