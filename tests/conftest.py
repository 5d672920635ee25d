"""Fixtures shared by every test module.

* ``sandbox`` (session): the embedded AWS sandbox, moto's server in this process on 127.0.0.1.
* ``loopback_only``: refuses name look-ups of anything but the loopback interface (autouse in tests/live).
* ``sandbox_cli``: a fresh demo account in the sandbox and an environment whose AWS settings reach only it,
  for running the real CLI (``clirun.run``) against it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from apigw_doctor.sandbox import DemoApi, Sandbox, seed_demo


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as box:
        yield box


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse name look-ups of anything but the loopback interface (a client without ``endpoint_url``)."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in (None, "localhost") and not _is_loopback(host):
            raise OSError(f"tests/live reach only the sandbox on 127.0.0.1, not {host!r} (missing endpoint_url?)")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _is_loopback(host: Any) -> bool:
    text = host.decode() if isinstance(host, bytes) else str(host)
    try:
        return ipaddress.ip_address(text.strip("[]")).is_loopback
    except ValueError:
        return False


@pytest.fixture
def sandbox_cli(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, loopback_only: None) -> DemoApi:
    """The demo account, and an environment whose AWS settings reach only the sandbox."""
    sandbox.reset()
    for name in [n for n in os.environ if n.upper().startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in sandbox.env({}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return seed_demo(sandbox)
