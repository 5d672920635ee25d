"""`fix --apply --probe`: after the change, one real HTTPS request to the fixed URL.

moto serves no data plane, so a TLS server on loopback stands in for the execute-api endpoint: it holds a
certificate for the API's host name (made here with ``cryptography``, trusted through SSL_CERT_FILE) and is
reached with ``--probe-connect-to``, the way a private endpoint is reached through a tunnel.
"""

from __future__ import annotations

import datetime
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from apigw_doctor.sandbox import DemoApi
from live.test_fix_apply import apply_json

HOST = "petstore01.execute-api.us-east-1.amazonaws.com"


class Gateway(BaseHTTPRequestHandler):
    routed = True

    def do_GET(self) -> None:
        if Gateway.routed:
            body, extra = b'{"vaccinations": []}', {}
            self.send_response(200)
        else:
            body, extra = (
                b'{"message":"Missing Authentication Token"}',
                {"x-amzn-ErrorType": "MissingAuthenticationTokenException"},
            )
            self.send_response(403)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def _certificate(tmp: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def gateway(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    cert, key = _certificate(tmp_path_factory.mktemp("tls"))
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.routed = True
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_probe_confirms_the_fix(sandbox_cli: DemoApi, gateway: str, tmp_path: Path) -> None:
    url = sandbox_cli.trap("NOT_DEPLOYED").url
    assert HOST in url
    code, data, _ = apply_json(tmp_path, url, "--probe", "--probe-connect-to", gateway)
    probe = data["apply"]["verification"]["probe"]
    assert code == 0 and data["apply"]["result"] == "FIXED"
    assert probe["status"] == 200 and probe["routed"] is True and probe["url"] == url


def test_probe_still_missing_is_not_fixed(sandbox_cli: DemoApi, gateway: str, tmp_path: Path) -> None:
    Gateway.routed = False
    url = sandbox_cli.trap("NOT_DEPLOYED").url
    code, data, _ = apply_json(tmp_path, url, "--probe", "--probe-connect-to", gateway, "--probe-attempts", "1")
    applied = data["apply"]
    assert code == 1 and applied["result"] == "NOT FIXED"
    assert applied["verification"]["probe"]["routed"] is False and "probe still got 403" in applied["reason"]
    assert json.loads(Path(applied["backup"]).read_text())["state"] == "not-fixed"


def test_probe_of_an_unreachable_endpoint_proves_nothing(sandbox_cli: DemoApi, tmp_path: Path) -> None:
    url = sandbox_cli.trap("NOT_DEPLOYED").url
    code, data, _ = apply_json(tmp_path, url, "--probe")  # DNS is refused off loopback in these tests
    probe = data["apply"]["verification"]["probe"]
    assert code == 0 and data["apply"]["result"] == "FIXED"
    assert probe["routed"] is None and probe["error"]
