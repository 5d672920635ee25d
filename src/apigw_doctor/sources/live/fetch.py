"""Making calls: errors translated, throttled calls repeated, listings followed page by page, fan-out.

:meth:`Caller.call` returns the parsed answer or raises :class:`CallFailed` (an answer that says no: not
found, access denied, an operation the endpoint lacks) for the fetchers to turn into notes. Failures of the
whole source (no credentials, an endpoint that cannot be reached, credentials refused) become
:class:`~apigw_doctor.errors.InputError` at once, located at ``aws``.

Throttling: botocore's adaptive mode retries first; when it gives up (or was bypassed, as botocore's Stubber
does), the call is made again up to ``throttle_retries`` times after ``retryAfterSeconds`` (else 1, 2, 4 s),
with the injected ``sleep``. Listings are followed with an explicit loop on the operation's page token
(``position`` for v1, ``NextToken`` for v2), so a throttled page is repeated alone rather than the listing
restarting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
    SSOError,
    TokenRetrievalError,
)
from botocore.exceptions import (
    ConnectionError as EndpointError,
)

from ...errors import InputError
from .calls import is_throttle, retry_after
from .fields import JSON, objs, opt_text
from .pacing import Sleep
from .session import AWS, Clients

T = TypeVar("T")

CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "ExpiredToken",
        "ExpiredTokenException",
        "MissingAuthenticationTokenException",
    }
)
DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedException", "ForbiddenException"})
PAGE_LIMIT = 500
"""v1 ``limit`` maximum: one page holds up to 500 items (AWS's default is 25)."""
MAX_PAGES = 1000
_PAGING: dict[str, tuple[str, str | None, str]] = {
    "apigateway": ("position", "limit", "items"),
    "apigatewayv2": ("NextToken", None, "Items"),
}


class CallFailed(Exception):
    """An answer that says no. ``reason`` is one plain line for a note."""

    def __init__(self, service: str, operation: str, code: str, message: str, status: int | None) -> None:
        super().__init__(f"{operation}: {code}: {message}")
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.status = status

    @property
    def not_found(self) -> bool:
        return self.code == "NotFoundException"

    @property
    def denied(self) -> bool:
        return self.code in DENIED_CODES or (self.status == 403 and not self.code.isdigit())

    @property
    def throttled(self) -> bool:
        return is_throttle(self.status, self.code)

    @property
    def reason(self) -> str:
        """``AccessDeniedException: User ... is not authorized`` or ``HTTP 404 (not offered by this endpoint)``."""
        message = " ".join(self.message.split())
        if self.code.isdigit() or message.startswith("<"):
            status = self.status or (int(self.code) if self.code.isdigit() else None)
            hint = " (not offered by this endpoint)" if status in (404, 405, 501) else ""
            if status == 500:
                hint = " (the endpoint failed; emulators answer so for what they do not implement)"
            return f"{self.operation} answered HTTP {status}{hint}"
        if len(message) > 160:
            message = message[:157] + "..."
        return f"{self.operation} answered {self.code}" + (f": {message}" if message else "")


class Caller:
    """Calls through the source's clients; thread-safe."""

    def __init__(self, clients: Clients, sleep: Sleep, throttle_retries: int = 2) -> None:
        self.clients = clients
        self._sleep = sleep
        self._throttle_retries = throttle_retries
        self._local = threading.local()

    def retrying(self) -> bool:
        return bool(getattr(self._local, "retrying", False))

    def call(self, service: str, region: str, method: str, **params: object) -> JSON:
        """``client.<method>(**params)``; CallFailed for a refusal, InputError when the source cannot work."""
        client = self.clients.client(service, region)
        attempt = 0
        while True:
            try:
                self._local.retrying = attempt > 0
                answer = getattr(client, method)(**params)
                return {str(k): v for k, v in answer.items()}
            except ClientError as exc:
                failed = _failed(service, exc)
                if failed.code in CREDENTIAL_CODES:
                    raise InputError(f"the AWS credentials were refused ({failed.reason})", AWS) from None
                if not failed.throttled or attempt >= self._throttle_retries:
                    raise failed from None
                wait = retry_after(exc.response) or float(2**attempt)
                self._sleep(min(wait, 60.0))
                attempt += 1
            except BotoCoreError as exc:
                raise _source_error(exc, self.clients.endpoint(), service, region) from None
            finally:
                self._local.retrying = False

    def items(self, service: str, region: str, method: str, **params: object) -> list[JSON]:
        """Every item of a listing, page after page (``items`` for v1, ``Items`` for v2)."""
        token_key, limit_key, items_key = _PAGING[service]
        found: list[JSON] = []
        token: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            page_params = dict(params)
            if limit_key is not None:
                page_params[limit_key] = PAGE_LIMIT
            if token is not None:
                page_params[token_key] = token
            page = self.call(service, region, method, **page_params)
            found.extend(objs(page, items_key))
            token = opt_text(page, token_key)
            if token is None or token in seen:
                break
            seen.add(token)
        return found


def _failed(service: str, exc: ClientError) -> CallFailed:
    response = exc.response if isinstance(exc.response, dict) else {}
    error = response.get("Error") or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    operation = str(getattr(exc, "operation_name", "") or "call")
    return CallFailed(
        service,
        operation,
        str(error.get("Code") or status or "Error"),
        str(error.get("Message") or ""),
        status if isinstance(status, int) else None,
    )


def _source_error(exc: BotoCoreError, endpoint: str | None, service: str, region: str) -> InputError:
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return InputError(
            "no AWS credentials found (environment, ~/.aws files, SSO, container or instance role); "
            "give --profile or set AWS_PROFILE",
            AWS,
        )
    if isinstance(exc, CredentialRetrievalError | SSOError | TokenRetrievalError):
        return InputError(f"cannot load AWS credentials: {exc}", AWS)
    if isinstance(exc, NoRegionError):
        return InputError("no region: give --region or set AWS_REGION", AWS)
    if isinstance(exc, EndpointError | ReadTimeoutError):
        where = endpoint or f"{service} in {region}"
        return InputError(f"cannot reach {where}: {exc}", AWS)
    return InputError(f"{service} in {region}: {exc}", AWS)


def parallel(workers: int, tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Run ``tasks`` and return their results in order; ``workers`` 1 runs them one after the other.

    The first exception (in task order) is raised once every task has finished.
    """
    if workers <= 1 or len(tasks) <= 1:
        return [task() for task in tasks]
    with ThreadPoolExecutor(max_workers=min(workers, len(tasks)), thread_name_prefix="apigw-doctor") as pool:
        futures = [pool.submit(task) for task in tasks]
        return [future.result() for future in futures]
