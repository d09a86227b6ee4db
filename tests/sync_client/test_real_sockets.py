"""The transport over real sockets: a local HTTPS server with a self-signed
certificate (made with the openssl command), and a port nobody listens on."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_desktop.sync.errors import NetworkError, TlsError
from crm_desktop.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from crm_desktop.sync.transport import HttpTransport


class _HelloHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ok = self.path == "/api/v1/hello" and self.headers[PROTOCOL_HEADER] == "1"
        body = json.dumps(
            {"server": "crm-server", "protocol": PROTOCOL_VERSION, "min_protocol": 1}
        ).encode()
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    made = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        capture_output=True,
        timeout=60,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl could not make a certificate: {made.stderr.decode()[:200]}")
    return folder


@pytest.fixture
def https_server(certificate: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HelloHandler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_untrusted_certificate_is_refused(https_server, monkeypatch):
    monkeypatch.delenv("CRM_CA_BUNDLE", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    slept: list[float] = []
    with (
        HttpTransport(https_server, sleep=slept.append) as http,
        pytest.raises(TlsError) as caught,
    ):
        http.hello()
    assert "could not be verified" in caught.value.message
    assert slept == []  # a certificate does not get better by asking again


def test_the_ca_bundle_makes_it_trusted(https_server, certificate):
    with HttpTransport(https_server, verify=str(certificate / "cert.pem")) as http:
        assert http.hello().protocol == PROTOCOL_VERSION


def test_the_ca_bundle_from_the_environment(https_server, certificate, monkeypatch):
    monkeypatch.setenv("CRM_CA_BUNDLE", str(certificate / "cert.pem"))
    with HttpTransport(https_server) as http:
        assert http.hello().protocol == PROTOCOL_VERSION


def test_nobody_listening_is_offline():
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    slept: list[float] = []
    http = HttpTransport(f"http://127.0.0.1:{port}", retries=2, sleep=slept.append)
    with http, pytest.raises(NetworkError) as caught:
        http.digest()
    assert caught.value.message.startswith("Offline:")
    assert len(slept) == 2
