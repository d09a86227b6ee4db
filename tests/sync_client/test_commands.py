"""``crm-desktop login | sync | conflicts | logout`` against the scripted server.

The CLI gets every transport from `crm_desktop.sync.transport.make_transport`;
the `fake_network` fixture points that at `FakeServer` through httpx's
MockTransport. Runs against a real server are in the end-to-end tests.
"""

from __future__ import annotations

import gzip
import io
import json
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from crm_desktop.cli.main import main
from crm_desktop.cli.sync_commands import (
    PhaseProgress,
    match_id,
    report_lines,
    short_ids,
    show_value,
)
from crm_desktop.domain.models import SyncConflict
from crm_desktop.errors import CrmError
from crm_desktop.store import keys
from crm_desktop.store.engine import open_store
from crm_desktop.sync.account import TOKEN_SERVICE, load_account
from crm_desktop.sync.engine import SyncReport

from .conftest import SERVER, FakeServer, error

PASSWORD = "s3cret-pass"


class Runner:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch):
        self.data_dir = data_dir
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        self._capsys.readouterr()
        self._monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))  # not a terminal
        code = main(["--data-dir", str(self.data_dir), *args])
        captured = self._capsys.readouterr()
        return code, captured.out, captured.err

    def login(self, *extra: str, user: str = "ann", password: str = PASSWORD):
        return self("login", "--server", SERVER, "--user", user, *extra, stdin=password + "\n")

    def store(self):
        return open_store(self.data_dir, create=False)


@pytest.fixture
def run(tmp_path, monkeypatch, capsys, memory_keyring, fake_network) -> Runner:
    monkeypatch.delenv("CRM_DATA_DIR", raising=False)
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    monkeypatch.delenv("CRM_CA_BUNDLE", raising=False)
    monkeypatch.setenv("CRM_USER", "tester")
    return Runner(tmp_path / "data", capsys, monkeypatch)


def _account(run: Runner):
    store = run.store()
    try:
        return load_account(store), store.store_id, store.device_id
    finally:
        store.close()


# -- login -------------------------------------------------------------------------------
def test_login_creates_the_store_and_signs_in(run, fake_network, memory_keyring):
    code, out, err = run.login()
    assert code == 0, err
    assert out.splitlines()[0] == f"Signed in to {SERVER} as ann (rep, north)."
    account, store_id, device_id = _account(run)
    assert (account.server, account.user, account.role, account.team) == (
        SERVER,
        "ann",
        "rep",
        "north",
    )
    assert memory_keyring.secrets[(TOKEN_SERVICE, store_id)].startswith("token-")
    assert fake_network.paths() == ["/api/v1/hello", "/api/v1/login"]
    sent = json.loads(fake_network.requests[1].content)
    assert sent["device_id"] == device_id
    assert sent["device_name"] == socket.gethostname()
    assert "Authorization" not in fake_network.requests[1].headers


def test_login_with_a_device_name(run, fake_network):
    assert run.login("--device-name", "Ann's laptop")[0] == 0
    assert json.loads(fake_network.requests[1].content)["device_name"] == "Ann's laptop"


def test_wrong_password_is_a_clear_error(run):
    code, _, err = run.login(password="wrong")
    assert code == 1
    assert err == "crm-desktop: error: Wrong user name or password.\n"
    assert _account(run)[0] is None


def test_no_password_on_stdin(run, fake_network):
    code, _, err = run("login", "--server", SERVER, "--user", "ann", stdin="")
    assert code == 1
    assert "No password was entered" in err
    assert "/api/v1/login" not in fake_network.paths()


def test_plain_http_to_another_machine_needs_consent(run, fake_network):
    args = ("login", "--server", "http://hq.example", "--user", "ann")
    code, _, err = run(*args, stdin=PASSWORD)
    assert code == 1
    assert "--insecure-http-ok" in err
    assert fake_network.requests == []
    code, out, err = run(*args, "--insecure-http-ok", stdin=PASSWORD)
    assert code == 0, err
    assert "crm-desktop: warning: http://hq.example uses plain http" in err
    assert out.startswith("Signed in to http://hq.example as ann")


def test_plain_http_to_this_machine_is_fine(run):
    code, _, err = run(
        "login", "--server", "http://127.0.0.1:8000", "--user", "ann", stdin=PASSWORD
    )
    assert code == 0, err
    assert "warning" not in err


def test_a_bad_address_is_refused(run, fake_network):
    code, _, err = run("login", "--server", "hq.example", "--user", "ann", stdin=PASSWORD)
    assert code == 1
    assert "not a server address" in err
    assert fake_network.requests == []


def test_a_protocol_mismatch_at_login(run, fake_network):
    fake_network.hello = {"server": "crm-server", "protocol": 9, "min_protocol": 9}
    code, _, err = run.login()
    assert code == 1
    assert "needs a newer crm-desktop" in err
    assert "/api/v1/login" not in fake_network.paths()


def test_login_while_offline(run, fake_network):
    fake_network.queue("/hello", *[httpx.ConnectError("Network is unreachable")] * 10)
    code, _, err = run.login()
    assert code == 1
    assert err.startswith("crm-desktop: error: Cannot reach the server (cannot connect to")
    assert "check the address" in err


def test_signing_in_as_someone_else_needs_logout_first(run, fake_network):
    fake_network.users["bob"] = ("bobs-password", "manager", None)
    assert run.login()[0] == 0
    code, _, err = run.login(user="bob", password="bobs-password")
    assert code == 1
    assert "signed in as ann" in err and "logout" in err
    assert run.login()[0] == 0  # the same user again: a fresh token


def test_the_ca_bundle_is_checked_and_remembered(run, tmp_path):
    code, _, err = run.login("--ca-bundle", str(tmp_path / "missing.pem"))
    assert code == 1
    assert "cannot be used" in err


# -- logout ------------------------------------------------------------------------------
def test_logout_revokes_and_forgets(run, fake_network, memory_keyring):
    run.login()
    token = next(iter(fake_network.tokens))
    code, out, err = run("logout")
    assert code == 0, err
    assert out.startswith(f"Signed out of {SERVER}.")
    logout = fake_network.requests[-1]
    assert logout.url.path == "/api/v1/logout"
    assert logout.headers["Authorization"] == f"Bearer {token}"
    assert _account(run)[0] is None
    assert not [k for k in memory_keyring.secrets if k[0] == TOKEN_SERVICE]
    assert run("logout")[1] == "This device is not signed in.\n"


def test_logout_while_offline_still_signs_out_and_says_so(run, fake_network):
    run.login()
    fake_network.queue("/logout", *[httpx.ConnectError("Network is unreachable")] * 10)
    code, out, _ = run("logout")
    assert code == 0
    assert "could not be told" in out
    assert _account(run)[0] is None


def test_logout_mentions_changes_not_sent(run):
    run.login()
    run("contact", "add", "--name", "Amy Lee")
    out = run("logout")[1]
    assert "1 local change not sent yet" in out


# -- sync --------------------------------------------------------------------------------
def _accept_all(request: httpx.Request) -> httpx.Response:
    body = json.loads(gzip.decompress(request.content))
    return httpx.Response(200, json={"accepted": [c["change_id"] for c in body["changes"]]})


def test_sync_needs_a_sign_in(run):
    run("contact", "add", "--name", "Amy Lee")
    code, _, err = run("sync")
    assert code == 1
    assert "not signed in" in err and "crm-desktop login" in err


def test_sync_reports_what_moved(run, fake_network):
    run.login()
    run("contact", "add", "--name", "Amy Lee")
    fake_network.queue("/sync/push", _accept_all)
    fake_network.queue(
        "/sync/digest", httpx.Response(200, json={"counts": {"contact": 1}, "cursor": 0})
    )
    code, out, err = run("sync")
    assert code == 0, err
    assert out == "Pushed 1 change, pulled 0 records, removed 0.\n"
    assert fake_network.paths()[-4:] == [
        "/api/v1/hello",
        "/api/v1/sync/push",
        "/api/v1/sync/pull",
        "/api/v1/sync/digest",
    ]


def test_sync_json(run, fake_network):
    run.login()
    code, out, _ = run("sync", "--json")
    assert code == 0
    assert json.loads(out) == {
        "pushed": 0,
        "duplicates": 0,
        "rejected": 0,
        "pulled": 0,
        "removed": 0,
        "conflicts": 0,
        "full_resync": False,
        "cursor": 0,
        "mismatch": {},
    }


def test_sync_offline_says_how_much_waits(run, fake_network):
    run.login()
    run("contact", "add", "--name", "Amy Lee")
    run("contact", "add", "--name", "Bo Chen")
    fake_network.queue("/hello", *[httpx.ConnectError("Name or service not known")] * 10)
    code, out, err = run("sync")
    assert code == 1
    assert out == ""
    assert err.startswith("crm-desktop: error: Offline: cannot connect to https://hq.example")
    assert err.endswith("2 changes are waiting to be sent; nothing is lost.\n")


def test_sync_server_failure_is_an_error(run, fake_network):
    run.login()
    fake_network.queue("/sync/push", *[httpx.Response(503)] * 10)
    run("contact", "add", "--name", "Amy Lee")
    code, _, err = run("sync")
    assert code == 1
    assert "HTTP 503" in err and "stay queued" in err


def test_a_revoked_device_is_signed_out(run, fake_network):
    run.login()
    fake_network.queue("/hello", error(401, "device_revoked", "Access removed by HQ."))
    code, _, err = run("sync")
    assert code == 1
    assert "Access removed by HQ. This device is signed out." in err
    assert _account(run)[0] is None
    assert (run.data_dir / "crm.db").exists()


def test_a_revoked_device_asked_to_wipe_loses_its_local_data(run, fake_network, memory_keyring):
    run.login()
    run("contact", "add", "--name", "Amy Lee")
    fake_network.queue(
        "/hello", error(401, "device_revoked", "This laptop was reported lost.", wipe=True)
    )
    code, _, err = run("sync")
    assert code == 1
    assert "This laptop was reported lost." in err
    assert "local data was wiped" in err
    assert not (run.data_dir / "crm.db").exists()
    assert not (run.data_dir / "store.json").exists()
    assert memory_keyring.secrets == {}  # neither the store key nor the token is left


def test_report_lines_for_a_busy_round():
    report = SyncReport(
        pushed=12,
        duplicates=2,
        rejected=1,
        pulled=1500,
        removed=3,
        conflicts=2,
        full_resync=True,
        mismatch={"contact": (10, 11)},
    )
    assert report_lines(report) == [
        "A full re-sync with the server ran.",
        "Pushed 12 changes (2 already on the server), pulled 1,500 records, removed 3.",
        "2 new conflicts (run `crm-desktop conflicts`).",
        "1 change rejected by the server (run `crm-desktop conflicts rejected`).",
        "Counts still differ from the server's after the re-sync: "
        "contact 10 here, 11 on the server.",
    ]


# -- conflicts ----------------------------------------------------------------------------
def _add_conflicts(run: Runner, device_id: str, record_ids: list[str]) -> list[str]:
    now = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    store = run.store()
    try:
        with store.write() as tx:
            return [
                tx.insert(
                    SyncConflict,
                    {
                        "entity": "contact",
                        "record_id": record_ids[i],
                        "field_name": "title",
                        "base_value": "Sales",
                        "winner_value": f"Director {i}",
                        "loser_value": "Manager",
                        "winner_device": "other-device",
                        "winner_user": "bob",
                        "loser_device": device_id,
                        "loser_user": "ann",
                        "created_at": now + timedelta(minutes=i),
                        "updated_at": now,
                    },
                )
                for i in range(2)
            ]
    finally:
        store.close()


def test_no_conflicts(run):
    run("summary")
    assert run("conflicts")[1] == "No open conflicts.\n"
    assert json.loads(run("conflicts", "--json")[1]) == []
    assert run("conflicts", "rejected")[1] == "No rejected changes.\n"


def test_conflicts_listed_and_resolved_by_the_end_of_their_id(run):
    contacts = [run("contact", "add", "--name", name)[1].strip() for name in ("Amy", "Bo")]
    ids = _add_conflicts(run, _account(run)[2], contacts)
    code, out, _ = run("conflicts")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "ENTITY", "RECORD", "FIELD", "MINE", "THEIRS", "BY,", "WHEN"]
    assert len(lines) == 3
    short = short_ids(ids)
    assert short[ids[0]] in out and "Manager" in out and "Director 0" in out and "bob" in out
    code, out, err = run("conflicts", "resolve", short[ids[0]], "--keep", "mine")
    assert code == 0, err
    assert out.startswith(f"Resolved: kept mine for contact {contacts[0]} title.")
    shown = json.loads(run("contact", "show", contacts[0], "--json")[1])
    assert shown["title"] == "Manager"
    assert len(run("conflicts")[1].splitlines()) == 2
    everything = run("conflicts", "--all")[1]
    assert "resolved" in everything and "open" in everything
    listed = json.loads(run("conflicts", "--all", "--json")[1])
    assert {c["id"] for c in listed} == set(ids)


def test_resolving_an_unknown_conflict(run):
    run("summary")
    code, _, err = run("conflicts", "resolve", "nope", "--keep", "theirs")
    assert code == 1
    assert "No open conflict with id nope" in err
    assert run("conflicts", "resolve", "x", "--keep", "both")[0] == 2


def test_rejected_changes_are_listed_with_reasons(run):
    run("summary")
    store = run.store()
    try:
        with store.write() as tx:
            tx.conn.exec_driver_sql(
                "INSERT INTO sync_rejected(change_id, entity, record_id, op, fields, code, "
                "reason, rejected_at) VALUES ('0190-abc-123456789', 'deal', 'd-1', 'upsert', "
                '\'{"amount": 5, "stage_id": "s"}\', \'forbidden\', '
                "'You may not edit deals of another team.', '2026-03-01 09:30:00.000000')"
            )
    finally:
        store.close()
    out = run("conflicts", "rejected")[1]
    assert "You may not edit deals of another team." in out
    assert "amount, stage_id" in out
    listed = json.loads(run("conflicts", "rejected", "--json")[1])
    assert listed[0]["code"] == "forbidden"


# -- helpers -------------------------------------------------------------------------------
def test_short_ids_use_the_distinguishing_end():
    ids = ["0190aaaa-0000-7000-8000-000000000001", "0190aaaa-0000-7000-8000-000000000002"]
    assert short_ids(ids) == {i: i[-8:] for i in ids}
    close = ["x-123456789", "y-223456789"]
    assert short_ids(close) == {"x-123456789": "123456789", "y-223456789": "223456789"}


def test_match_id():
    ids = ["abc-111", "abd-222", "xyz-333"]
    assert match_id("abc", ids, what="conflict") == "abc-111"
    assert match_id("333", ids, what="conflict") == "xyz-333"
    assert match_id("xyz-333", ids, what="conflict") == "xyz-333"
    with pytest.raises(CrmError, match="matches 2"):
        match_id("ab", ids, what="conflict")
    with pytest.raises(CrmError, match="No conflict"):
        match_id("", ids, what="conflict")


def test_show_value():
    assert show_value(None) == "(empty)"
    assert show_value(["vip", "北京"]) == "vip, 北京"
    assert show_value(True) == "yes"
    assert show_value({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


def test_start_up_does_not_import_the_network_stack():
    code = (
        "import sys\n"
        "from crm_desktop.cli.main import build_parser\n"
        "build_parser()\n"
        "print([m for m in ('httpx', 'pydantic', 'sqlalchemy', 'keyring') if m in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_fake_server_is_what_the_cli_talks_to(fake_network):
    from crm_desktop.sync import transport

    with transport.make_transport(SERVER) as http:
        http.hello()
    assert isinstance(fake_network, FakeServer)
    assert fake_network.paths() == ["/api/v1/hello"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_a_bar_per_phase_and_a_count_without_total(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    progress = PhaseProgress()
    progress("push", 0, 1200)
    progress("push", 1000, 1200)
    progress("pull", 1000, None)
    progress("pull", 2000, None)
    progress.close()
    text = terminal.getvalue()
    assert "push [" in text and "1,000/1,200" in text
    assert "\rpull: 2,000" in text
    assert text.endswith("\n")
