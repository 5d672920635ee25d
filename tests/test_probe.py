"""`--probe`: one real HTTP request (a local server on loopback stands in for the endpoint)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from apigw_doctor.actions import probe
from apigw_doctor.gateway import Request

MAT = b'{"message":"Missing Authentication Token"}'


class Endpoint(BaseHTTPRequestHandler):
    """Answers like API Gateway: /ok routes, /late routes from the third request on, anything else is a miss."""

    hits: ClassVar[dict[str, int]] = {}
    hosts: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Endpoint.hosts.append(self.headers.get("Host", ""))
        n = Endpoint.hits[self.path] = Endpoint.hits.get(self.path, 0) + 1
        if self.path == "/ok" or (self.path == "/late" and n >= 3):
            self._answer(200, b'{"pets": []}', {})
        elif self.path == "/stripped":
            self._answer(403, MAT, {})
        else:
            self._answer(403, MAT, {"x-amzn-ErrorType": "MissingAuthenticationTokenException"})

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    Endpoint.hits.clear()
    Endpoint.hosts.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_routed_answer(endpoint: str) -> None:
    result = probe(Request.from_url("GET", f"http://{endpoint}/ok"), sleep=lambda _: None)
    assert result.routed is True and result.status == 200 and result.attempts == 1


def test_a_miss_is_tried_again_then_reported(endpoint: str) -> None:
    waits: list[float] = []
    result = probe(Request.from_url("GET", f"http://{endpoint}/nope"), sleep=waits.append, attempts=3, pause=2.0)
    assert result.routed is False and result.error_type == "MissingAuthenticationTokenException"
    assert result.attempts == 3 and waits == [2.0, 2.0]
    assert "403" in result.summary() and "MissingAuthenticationTokenException" in result.summary()


def test_a_deployment_that_takes_a_moment(endpoint: str) -> None:
    result = probe(Request.from_url("GET", f"http://{endpoint}/late"), sleep=lambda _: None, attempts=3)
    assert result.routed is True and result.attempts == 3


def test_the_body_tells_a_miss_when_a_proxy_strips_the_header(endpoint: str) -> None:
    result = probe(Request.from_url("GET", f"http://{endpoint}/stripped"), sleep=lambda _: None, attempts=1)
    assert result.routed is False and result.error_type is None


def test_connect_to_keeps_the_host(endpoint: str) -> None:
    url = "http://abc123.execute-api.us-east-1.amazonaws.com/ok"
    result = probe(Request.from_url("GET", url), connect_to=endpoint, sleep=lambda _: None)
    assert result.routed is True and Endpoint.hosts == ["abc123.execute-api.us-east-1.amazonaws.com"]


def test_an_unreachable_endpoint_proves_nothing() -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = probe(Request.from_url("GET", f"http://127.0.0.1:{port}/ok"), timeout=2, sleep=lambda _: None)
    assert result.routed is None and result.status is None and result.error
    assert result.summary().startswith("no answer")
