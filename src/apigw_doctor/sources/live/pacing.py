"""Pacing under API Gateway's management-API quotas: token buckets, pure (the clock and sleep are injected).

The quotas (reference 8.2, DG ``limits``) are per account and region, fixed, and shared by every caller of the
account. Each is a token bucket: it holds at most ``burst`` tokens, refills at ``rate`` tokens per second, and
every call takes one token from each bucket whose rule covers it. A quota written "N per T seconds" is a bucket
of ``N`` tokens refilling at ``N / T`` per second.

A call that finds a bucket empty still takes its token (the balance goes negative: a reservation) and is told
how long to wait, so concurrent callers queue up in order instead of all waking at once::

    >>> clock = FakeClock()
    >>> pacer = Pacer(clock=clock, sleep=clock.sleep)
    >>> [pacer.reserve("acct:us-east-1", "apigateway", "GetRestApi") for _ in range(41)][-2:]
    [0.0, 0.1]
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], None]

API_GATEWAY = ("apigateway", "apigatewayv2")


@dataclass(frozen=True, slots=True, kw_only=True)
class Quota:
    """One quota: the operations it covers (``operation`` None: all of ``services``), its rate and burst."""

    name: str
    services: tuple[str, ...]
    operation: str | None
    rate: float
    """Tokens added per second."""
    burst: int
    """The bucket's size: calls allowed at once after a quiet spell."""

    def covers(self, service: str, operation: str) -> bool:
        return service in self.services and (self.operation is None or self.operation == operation)


QUOTAS: tuple[Quota, ...] = (
    Quota(name="API Gateway total", services=API_GATEWAY, operation=None, rate=10.0, burst=40),
    Quota(name="GetResources", services=("apigateway",), operation="GetResources", rate=2.5, burst=5),
    Quota(name="CreateDeployment", services=("apigateway",), operation="CreateDeployment", rate=0.2, burst=1),
    Quota(name="CloudTrail LookupEvents", services=("cloudtrail",), operation="LookupEvents", rate=2.0, burst=2),
)
"""API Gateway: 10 requests/s with a burst of 40 for all operations together; GetResources 5 per 2 s;
CreateDeployment 1 per 5 s. CloudTrail LookupEvents: 2 per second (CloudTrail's own quota)."""


class _Bucket:
    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, quota: Quota, now: float) -> None:
        self.rate = quota.rate
        self.burst = float(quota.burst)
        self.tokens = float(quota.burst)
        self.stamp = now

    def take(self, now: float) -> float:
        """Take one token (possibly on credit); the seconds to wait before the call may go."""
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class Pacer:
    """Token buckets per (key, quota); ``key`` names an account and region, e.g. ``"AKIA...:us-east-1"``.

    Thread-safe: one lock guards every bucket, and the waiting happens outside it.
    """

    def __init__(
        self,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        quotas: tuple[Quota, ...] = QUOTAS,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._quotas = quotas
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def reserve(self, key: str, service: str, operation: str) -> float:
        """Take the tokens one call needs; the seconds it must wait (0.0: it may go now)."""
        with self._lock:
            now = self._clock()
            wait = 0.0
            for quota in self._quotas:
                if not quota.covers(service, operation):
                    continue
                bucket = self._buckets.get((key, quota.name))
                if bucket is None:
                    bucket = self._buckets[(key, quota.name)] = _Bucket(quota, now)
                wait = max(wait, bucket.take(now))
            return wait

    def pace(self, key: str, service: str, operation: str) -> float:
        """Wait until one call may go (sleeping with the injected ``sleep``); the seconds waited."""
        wait = self.reserve(key, service, operation)
        if wait > 0:
            self._sleep(wait)
        return wait


class FakeClock:
    """A clock that moves only when slept on: for tests and doctests, never for real calls."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds
