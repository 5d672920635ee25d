"""What a walk returns: the response AWS would send, what matched, and the trace of steps."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..model import Api, Method, Route, Stage
from .evidence import Evidence, rule
from .paths import Segments
from .request import Request
from .responses import Response


class Failure(StrEnum):
    """The step at which the walk stopped (``NONE`` when the request reaches the integration)."""

    NONE = "none"
    HOST = "host"
    ENDPOINT_DISABLED = "endpoint-disabled"
    PRIVATE = "private"
    DOMAIN_MAPPING = "domain-mapping"
    STAGE = "stage"
    ROUTE = "route"
    IAM = "iam"
    AUTH_HEADER = "auth-header"
    AUTHORIZER = "authorizer"
    API_KEY = "api-key"


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    ok: bool
    detail: str
    rule: str
    evidence: Evidence

    @staticmethod
    def of(name: str, ok: bool, detail: str, rule_id: str) -> Step:
        return Step(name, ok, detail, rule_id, rule(rule_id).evidence)


@dataclass(frozen=True, slots=True)
class Resolution:
    via: str
    """``execute-api``, ``vpce`` or ``custom-domain``."""
    api_id: str | None = None
    api_kind: str | None = None
    region: str | None = None
    stage: str | None = None
    base_path: str | None = None
    """The custom-domain mapping key that matched (``""`` for ``(none)``), or None off custom domains."""
    domain: str | None = None
    mapping_stage: str | None = None
    """The stage the custom-domain mapping names (None: the stage comes from the URL)."""


@dataclass(frozen=True, slots=True)
class Matched:
    resource: str
    method: str
    path_parameters: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    request: Request
    response: Response
    failure: Failure
    trace: tuple[Step, ...]
    resolution: Resolution | None = None
    matched: Matched | None = None
    api: Api | None = None
    stage: Stage | None = None
    deployment_id: str | None = None
    """The deployment that routed the request (None: the working copy was used)."""
    used_working_copy: bool = False
    canary: bool = False
    routed_method: str | None = None
    """The method used for routing (after X-HTTP-Method-Override)."""
    route_segments: Segments | None = None
    """The path segments routed against the API (after the stage and base path are removed)."""
    handler: Method | Route | None = None

    @property
    def ok(self) -> bool:
        return self.failure is Failure.NONE

    @property
    def failed_step(self) -> Step | None:
        for s in self.trace:
            if not s.ok:
                return s
        return None
