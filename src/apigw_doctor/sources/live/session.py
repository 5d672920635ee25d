"""Sessions and clients, the AWS way: the standard credential chain, a profile, a region, an endpoint.

One boto3 session per source, created on first use (a missing profile is an InputError then, not at import).
Clients are made once per (service, region) and reused: a boto3 session is not thread-safe, so clients are
made under a lock; the clients themselves are, and the parallel fetches share them. Every client carries the
handlers of :mod:`.calls` (read-only guard, pacing, call log) and botocore's adaptive retry mode.

``endpoint_url`` (or ``AWS_ENDPOINT_URL``, which botocore reads itself) points every client elsewhere, e.g. at
moto. An endpoint on the loopback interface is an emulator: its 5xx answers are missing features rather than
passing faults, so it gets one attempt per call unless ``max_attempts`` says otherwise.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import BotoCoreError, ProfileNotFound  # type: ignore[import-untyped]

from ...errors import InputError
from .calls import CallLog, Hooks
from .pacing import API_GATEWAY, Pacer

Client = Any
"""A botocore client (botocore ships no type hints)."""

AWS = "aws"
"""The location of errors that concern the whole source (credentials, endpoint, region)."""
DEFAULT_ATTEMPTS = 5
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0")


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveConfig:
    """Where and how the live source reads. All fields are optional: the standard AWS chain fills the rest."""

    profile: str | None = None
    region: str | None = None
    """The default region (the URL's region wins for execute-api hosts)."""
    endpoint_url: str | None = None
    """Also honoured from ``AWS_ENDPOINT_URL`` by botocore itself."""
    regions: tuple[str, ...] = ()
    """Regions to search for custom domains, and for an API not found in the URL's region."""
    pacing: bool = True
    max_attempts: int | None = None
    """Attempts per call in botocore's adaptive retry mode; None: 5 on AWS, 1 on a loopback endpoint."""
    workers: int = 4
    """Calls made in parallel for one API; 1 makes them one at a time, in a fixed order."""


def _version() -> str:
    from ... import __version__

    return __version__


class Clients:
    """The source's boto3 session and its clients, one per (service, region)."""

    def __init__(
        self,
        config: LiveConfig,
        session: Any | None,
        log: CallLog,
        pacer: Pacer | None,
        retrying: Callable[[], bool],
        writes: frozenset[str] = frozenset(),
    ) -> None:
        self.config = config
        self.writes = writes
        """Write operations these clients may send (empty: read-only, the default)."""
        self._session = session
        self._log = log
        self._pacer = pacer
        self._retrying = retrying
        self._clients: dict[tuple[str, str], Client] = {}
        self._account: str | None = None
        self._lock = threading.Lock()

    @property
    def session(self) -> Any:
        with self._lock:
            return self._get_session()

    def _get_session(self) -> Any:
        if self._session is None:
            try:
                self._session = boto3.Session(profile_name=self.config.profile, region_name=self.config.region)
            except ProfileNotFound:
                raise InputError(
                    f"the profile {self.config.profile!r} is not in the AWS config files (~/.aws/config, "
                    "~/.aws/credentials)",
                    AWS,
                ) from None
        return self._session

    def with_writes(self, writes: frozenset[str]) -> Clients:
        """New clients on the same session, call log and pacing buckets, allowed exactly ``writes``."""
        return Clients(self.config, self.session, self._log, self._pacer, self._retrying, writes)

    def default_region(self) -> str | None:
        """``region`` from the config, else the profile's or the environment's (AWS_REGION)."""
        if self.config.region:
            return self.config.region
        name = self.session.region_name
        return str(name) if name else None

    def endpoint(self) -> str | None:
        return self.config.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None

    def attempts(self) -> int:
        if self.config.max_attempts is not None:
            return max(1, self.config.max_attempts)
        endpoint = self.endpoint()
        host = urlsplit(endpoint).hostname if endpoint else None
        return 1 if host in LOOPBACK_HOSTS else DEFAULT_ATTEMPTS

    def client(self, service: str, region: str) -> Client:
        """The client for ``service`` in ``region``: made once, then reused (thread-safe)."""
        with self._lock:
            client = self._clients.get((service, region))
            if client is not None:
                return client
            session = self._get_session()
            config = Config(
                retries={"mode": "adaptive", "max_attempts": self.attempts() - 1},
                user_agent_extra=f"apigw-doctor/{_version()}",
                connect_timeout=10,
                read_timeout=60,
                max_pool_connections=max(10, self.config.workers * 2),
            )
            try:
                client = session.client(
                    service, region_name=region, endpoint_url=self.config.endpoint_url, config=config
                )
            except BotoCoreError as exc:
                raise InputError(f"cannot make a {service} client for {region}: {exc}", AWS) from None
            pace = self._pace_function(region) if self._pacer is not None else None
            Hooks(self._log, service, region, pace, self._retrying, self.writes).install(client.meta.events)
            self._clients[(service, region)] = client
            return client

    def _pace_function(self, region: str) -> Callable[[str, str], float]:
        pacer = self._pacer
        assert pacer is not None
        key = f"{self._account_key()}:{region}"

        def pace(service: str, operation: str) -> float:
            if service not in API_GATEWAY and service != "cloudtrail":
                return 0.0
            return pacer.pace(key, service, operation)

        return pace

    def _account_key(self) -> str:
        """The quotas are per account: the access key id stands for it (no call is spent to learn the account)."""
        if self._account is None:
            try:
                credentials = self._get_session().get_credentials()
            except BotoCoreError as exc:
                raise InputError(f"cannot load AWS credentials: {exc}", AWS) from None
            access_key = getattr(credentials, "access_key", None) if credentials is not None else None
            self._account = str(access_key or self.config.profile or "default")
        return self._account
