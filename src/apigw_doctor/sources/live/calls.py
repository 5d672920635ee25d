"""The call log and the guards every live client carries (installed as botocore event handlers).

Each client made by :class:`~.session.Clients` gets three handlers:

* ``before-call`` (registered first, so it runs even ahead of botocore's ``Stubber``): the **read-only guard**
  refuses any operation whose name does not start with ``Get``, ``List``, ``Describe``, ``Export`` or
  ``Lookup`` by raising :class:`ReadOnlyViolation` before anything is sent; then the call is **paced**
  (API Gateway and CloudTrail quotas, see :mod:`.pacing`) and **recorded**.
* ``needs-retry``: counts throttled attempts that botocore's own retry loop sees (HTTP 429,
  ``TooManyRequestsException``, ``LimitExceededException``) without changing its decision.
* ``after-call``: records the final status, the error code, ``retryAfterSeconds`` and botocore's retry count.

The guard is internal: apigw-doctor reads, it never writes, and a bug that tried would stop here. The one
exception is ``fix --apply``: it makes its own clients (:meth:`~apigw_doctor.sources.live.LiveSource.writer`)
whose guard lets through exactly the write operations it names (``writes``), and nothing else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

READ_PREFIXES: tuple[str, ...] = ("Get", "List", "Describe", "Export", "Lookup")
THROTTLE_CODES = frozenset(
    {"TooManyRequestsException", "LimitExceededException", "ThrottlingException", "Throttling", "RequestLimitExceeded"}
)
_CONTEXT_KEY = "apigw_doctor_call"


class ReadOnlyViolation(RuntimeError):
    """An operation that could change the account was about to be sent (an internal error: a bug)."""


def is_read_only(operation: str) -> bool:
    """``GetResources`` -> True; ``CreateDeployment`` -> False."""
    return operation.startswith(READ_PREFIXES)


@dataclass(frozen=True, slots=True)
class Call:
    """One AWS operation as made (a page of a listing is a call of its own)."""

    service: str
    """The boto3 service name: ``apigateway``, ``apigatewayv2``, ``cloudtrail``..."""
    operation: str
    """The API operation name: ``GetResources``."""
    region: str
    status: int | None = None
    """The final HTTP status; None when no answer came (a connection error) or the call is in flight."""
    error: str | None = None
    """The error code of a failed call (``NotFoundException``, ``AccessDeniedException``, ``500``...)."""
    throttles: int = 0
    """Throttled answers seen for this call, botocore's retried attempts included."""
    retry_after: float | None = None
    """``retryAfterSeconds`` of the last throttled answer."""
    retries: int = 0
    """Attempts botocore retried on its own (adaptive mode)."""
    retry: bool = False
    """True when apigw-doctor made this call again after a throttled one."""
    paced: float = 0.0
    """Seconds the call waited for the pacing buckets."""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.service, self.operation, self.region)


class CallLog:
    """Every operation made, in the order sent; thread-safe. Iterating gives :class:`Call` records."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._lock = threading.Lock()

    def start(self, call: Call) -> int:
        with self._lock:
            self._calls.append(call)
            return len(self._calls) - 1

    def update(self, index: int, change: Callable[[Call], Call]) -> None:
        with self._lock:
            self._calls[index] = change(self._calls[index])

    @property
    def calls(self) -> tuple[Call, ...]:
        with self._lock:
            return tuple(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(self.calls)

    def __len__(self) -> int:
        with self._lock:
            return len(self._calls)

    @property
    def operations(self) -> tuple[tuple[str, str, str], ...]:
        """``(service, operation, region)`` of every call, in order."""
        return tuple(c.key for c in self.calls)

    def count(self, operation: str | None = None, service: str | None = None) -> int:
        return sum(
            1
            for c in self.calls
            if (operation is None or c.operation == operation) and (service is None or c.service == service)
        )

    @property
    def throttles(self) -> int:
        return sum(c.throttles for c in self.calls)

    @property
    def retries(self) -> int:
        """Retried attempts: botocore's own plus apigw-doctor's repeats of throttled calls."""
        return sum(c.retries + (1 if c.retry else 0) for c in self.calls)

    @property
    def paced(self) -> float:
        return sum(c.paced for c in self.calls)

    def mark(self) -> int:
        """A position in the log: ``since(mark)`` gives the calls made after it."""
        return len(self)

    def since(self, mark: int) -> tuple[Call, ...]:
        return self.calls[mark:]

    def summary(self) -> str:
        """``7 calls (GetRestApi 1, GetResources 1, ...); 0 throttled, 0 retried``."""
        counts: dict[str, int] = {}
        for c in self.calls:
            counts[c.operation] = counts.get(c.operation, 0) + 1
        parts = ", ".join(f"{op} {n}" for op, n in counts.items())
        return f"{len(self)} calls ({parts}); {self.throttles} throttled, {self.retries} retried"


def is_throttle(status: int | None, code: str | None) -> bool:
    return status == 429 or (code is not None and code in THROTTLE_CODES)


def retry_after(parsed: dict[str, Any]) -> float | None:
    """``retryAfterSeconds`` of a throttled answer (modelled field, else the Retry-After header)."""
    value = parsed.get("retryAfterSeconds")
    if value is None:
        headers = parsed.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        value = headers.get("retry-after") if isinstance(headers, dict) else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Hooks:
    """The handlers for one client (``service`` in ``region``), bound to a log and a pacing function."""

    log: CallLog
    service: str
    region: str
    pace: Callable[[str, str], float] | None
    """``pace(service, operation)`` -> seconds waited; None: no pacing."""
    retrying: Callable[[], bool]
    """True while apigw-doctor is repeating a throttled call (marks the record)."""
    writes: frozenset[str] = frozenset()
    """Write operations this client may send (``CreateDeployment``...); empty for every reading client."""

    def install(self, events: Any) -> None:
        events.register_first("before-call.*.*", self.before_call)
        events.register("needs-retry.*.*", self.needs_retry)
        events.register("after-call.*.*", self.after_call)

    def before_call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        operation = str(model.name)
        if not is_read_only(operation) and operation not in self.writes:
            raise ReadOnlyViolation(
                f"apigw-doctor only reads: {self.service}.{operation} was refused before it was sent"
                if not self.writes
                else f"{self.service}.{operation} is not one of the changes this fix makes: refused before it was sent"
            )
        waited = self.pace(self.service, operation) if self.pace is not None else 0.0
        index = self.log.start(Call(self.service, operation, self.region, retry=self.retrying(), paced=waited))
        context[_CONTEXT_KEY] = index

    def needs_retry(self, response: Any = None, request_dict: Any = None, **_: Any) -> None:
        if not response or not isinstance(request_dict, dict):
            return
        context = request_dict.get("context") or {}
        index = context.get(_CONTEXT_KEY)
        if index is None:
            return
        http, parsed = response
        code = parsed.get("Error", {}).get("Code") if isinstance(parsed, dict) else None
        if is_throttle(getattr(http, "status_code", None), code):
            after = retry_after(parsed) if isinstance(parsed, dict) else None
            self.log.update(index, lambda c: replace(c, throttles=c.throttles + 1, retry_after=after))
        context["apigw_doctor_seen_attempts"] = True

    def after_call(self, http_response: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        index = context.get(_CONTEXT_KEY)
        if index is None:
            return
        status = getattr(http_response, "status_code", None)
        code = parsed.get("Error", {}).get("Code")
        retries = int(parsed.get("ResponseMetadata", {}).get("RetryAttempts", 0) or 0)
        counted = bool(context.get("apigw_doctor_seen_attempts"))
        throttled = is_throttle(status, code) and not counted
        after = retry_after(parsed) if is_throttle(status, code) else None

        def finish(c: Call) -> Call:
            return replace(
                c,
                status=status,
                error=str(code) if code else None,
                retries=retries,
                throttles=c.throttles + (1 if throttled else 0),
                retry_after=after if after is not None else c.retry_after,
            )

        self.log.update(index, finish)
