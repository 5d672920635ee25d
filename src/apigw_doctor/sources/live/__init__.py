"""The live source: the AWS account itself, read through boto3, turned into the model.

::

    source = LiveSource(LiveConfig(profile="prod", regions=("eu-west-1",)))
    world = source.world_for_request(Request.from_url("GET", url))     # only what this URL needs
    world = source.world_for_apis(["abc123"])                           # snapshot / drift
    print(source.calls.summary())                                       # every call made

Every call is read-only (an internal guard refuses any other before it is sent), paced under API Gateway's
management quotas, retried in botocore's adaptive mode (and again after ``retryAfterSeconds`` when still
throttled), and recorded in :attr:`LiveSource.calls`. What cannot be read becomes a note on the World or the
API, never a silent gap; only failures of the whole source (no credentials, no endpoint, an API id named for
a snapshot that does not exist) are :class:`~apigw_doctor.errors.InputError`. ``docs/live.md`` lists the
calls each command makes; ``docs/iam-policy.json`` is the least-privilege policy.

This package imports boto3: import it only where the live source is used (never on the CLI start-up path).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any

from ...gateway import Request
from ...model import World
from .calls import Call, CallLog, ReadOnlyViolation, is_read_only
from .fetch import Caller
from .pacing import QUOTAS, Clock, FakeClock, Pacer, Quota, Sleep
from .resolve import Resolver
from .session import Client, Clients, LiveConfig


class LiveSource:
    """The AWS account as a source. Thread-safe; clients are made once per (service, region) and reused."""

    def __init__(
        self,
        config: LiveConfig | None = None,
        session: Any | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.config = config or LiveConfig()
        self.calls = CallLog()
        """Every AWS operation made, in order, with throttles and retries."""
        pacer = Pacer(clock=clock, sleep=sleep) if self.config.pacing else None
        self._clients = Clients(self.config, session, self.calls, pacer, lambda: self._caller.retrying())
        self._caller = Caller(self._clients, sleep)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> LiveSource:
        """From the CLI's AWS options: ``profile``, ``region``, ``endpoint_url``, ``no_pacing`` (and ``regions``,
        ``max_attempts`` when a command has them); missing attributes take their defaults."""
        regions = getattr(args, "regions", None) or ()
        if isinstance(regions, str):
            regions = regions.split(",")
        max_attempts = getattr(args, "max_attempts", None)
        return cls(
            LiveConfig(
                profile=getattr(args, "profile", None),
                region=getattr(args, "region", None),
                endpoint_url=getattr(args, "endpoint_url", None),
                regions=tuple(r.strip() for r in regions if r and r.strip()),
                pacing=not getattr(args, "no_pacing", False),
                max_attempts=max_attempts if isinstance(max_attempts, int) else None,
            )
        )

    def client(self, service: str, region: str) -> Client:
        """A configured botocore client: read-only, paced, counted in :attr:`calls` (e.g. for CloudTrail)."""
        return self._clients.client(service, region)

    def writer(self, operations: frozenset[str]) -> Clients:
        """Clients allowed to send exactly ``operations`` (besides reads), for ``fix --apply`` and ``rollback``.

        They share this source's session, call log and pacing buckets (the quotas are per account, reads and
        writes alike: CreateDeployment 1 per 5 s); this source's own clients stay read-only.
        """
        if any(is_read_only(op) for op in operations):
            raise ValueError("a writer names write operations only")
        return self._clients.with_writes(frozenset(operations))

    def default_region(self) -> str | None:
        """The region used when a URL does not name one: ``region``, else the profile's or AWS_REGION."""
        return self._clients.default_region()

    def world_for_request(self, request: Request) -> World:
        """Only what a diagnosis of ``request`` needs: its API (or custom domain and the API it maps to).

        An API that does not exist is left out (the diagnosis then says API_NOT_FOUND or WRONG_REGION).
        """
        return self._resolver().for_request(request)

    def world_for_apis(
        self,
        api_ids: Sequence[str] | None = None,
        *,
        all_apis: bool = False,
        region: str | None = None,
        include_domains: bool = True,
    ) -> World:
        """The given APIs (REST or HTTP, found by id), or every API of the region(s), with the custom domains.

        ``region`` limits the search to one region; otherwise the default region, then ``regions``. An id
        found nowhere is an InputError located at that id.
        """
        return self._resolver().for_apis(api_ids, all_apis, region, include_domains)

    def world_of_domains(self, region: str) -> World:
        """Only the custom domains of ``region`` with their mappings (v1 and v2, merged): no API is read."""
        return self._resolver().domains(region)

    def _resolver(self) -> Resolver:
        return Resolver(self._caller, self.config.workers, self._clients.default_region, self.config.regions)


__all__ = [
    "QUOTAS",
    "Call",
    "CallLog",
    "FakeClock",
    "LiveConfig",
    "LiveSource",
    "Pacer",
    "Quota",
    "ReadOnlyViolation",
    "is_read_only",
]
