"""``--probe``: one real request to the fixed URL, to see what API Gateway itself answers now.

The request is the one diagnosed (method, URL, headers). ``connect_to`` (``HOST:PORT``) sends it to another
address with the URL's Host header and TLS name kept, like curl's ``--connect-to``: for a private endpoint
reached through a tunnel, or a local emulator. A gateway miss is recognised by ``x-amzn-ErrorType`` (or, when
a proxy strips it, by the 403 "Missing Authentication Token" body); any other answer means the request got
past routing. An endpoint that cannot be reached gives ``routed=None``: the probe then proves nothing.

A deployment reaches every edge of API Gateway within seconds, not at once: a miss is tried again
(``attempts``, ``pause`` seconds apart) before the probe reports it.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..gateway import Request

MISS_TYPES = frozenset({"MissingAuthenticationTokenException", "NotFoundException", "ForbiddenException"})
MAT_BODY = b'{"message":"Missing Authentication Token"}'


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeResult:
    url: str
    status: int | None = None
    error_type: str | None = None
    body: str = ""
    """The first 200 characters of the body."""
    error: str | None = None
    """Why no answer came (connection refused, timeout, TLS...)."""
    attempts: int = 1

    @property
    def routed(self) -> bool | None:
        """True: past routing; False: still a gateway miss; None: the endpoint could not be reached."""
        if self.status is None:
            return None
        if self.error_type in MISS_TYPES:
            return False
        return not (self.status == 403 and self.body.encode("utf-8").startswith(MAT_BODY))

    def summary(self) -> str:
        if self.status is None:
            return f"no answer ({self.error})"
        kind = f", x-amzn-ErrorType {self.error_type}" if self.error_type else ""
        return f"{self.status}{kind} {self.body[:80]!r}"


def probe(
    request: Request,
    *,
    connect_to: str | None = None,
    timeout: float = 10.0,
    attempts: int = 3,
    pause: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> ProbeResult:
    """Send ``request`` once (again after a pause while it is still a gateway miss, up to ``attempts``)."""
    result = _once(request, connect_to, timeout)
    tries = 1
    while result.routed is False and tries < attempts:
        sleep(pause)
        result = _once(request, connect_to, timeout)
        tries += 1
    return ProbeResult(
        url=result.url,
        status=result.status,
        error_type=result.error_type,
        body=result.body,
        error=result.error,
        attempts=tries,
    )


def _once(request: Request, connect_to: str | None, timeout: float) -> ProbeResult:
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    address, address_port = host, port
    if connect_to:
        name, _, number = connect_to.rpartition(":")
        address, address_port = name.strip("[]") or host, int(number)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {k: v for k, v in request.headers if k.lower() not in ("host", "content-length")}
    headers["Host"] = parts.netloc
    connection: http.client.HTTPConnection
    if secure:
        context = ssl.create_default_context()
        connection = _TlsTo(address, address_port, host, timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(address, address_port, timeout=timeout)
    try:
        connection.request(request.method, target, headers=headers)
        answer = connection.getresponse()
        body = answer.read(4096)
        return ProbeResult(
            url=request.url,
            status=answer.status,
            error_type=(answer.getheader("x-amzn-ErrorType") or "").split(":")[0] or None,
            body=body.decode("utf-8", "replace")[:200],
        )
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return ProbeResult(url=request.url, error=str(exc) or type(exc).__name__)
    finally:
        connection.close()


class _TlsTo(http.client.HTTPSConnection):
    """HTTPS to ``address`` while checking the certificate (and sending SNI) for ``server_name``."""

    def __init__(self, address: str, port: int, server_name: str, *, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(address, port, timeout=timeout, context=context)
        self._server_name = server_name
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self._server_name)


__all__ = ["ProbeResult", "probe"]
