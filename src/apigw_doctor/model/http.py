"""HTTP APIs (API Gateway v2): routes, deployments, stages with auto-deploy, CORS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .common import Authorizer, Stage
from .origin import NO_ORIGIN, Origin

DEFAULT_ROUTE = "$default"
DEFAULT_STAGE = "$default"


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """An HTTP API route: ``"GET /pets/{id}"``, ``"ANY /{proxy+}"`` or ``"$default"``."""

    key: str
    authorization_type: str = "NONE"
    """NONE, AWS_IAM, JWT or CUSTOM."""
    api_key_required: bool = False
    authorizer_id: str | None = None
    target: str | None = None
    origin: Origin = NO_ORIGIN

    @property
    def method(self) -> str:
        return "ANY" if self.key == DEFAULT_ROUTE else self.key.split(" ", 1)[0]

    @property
    def path(self) -> str | None:
        """The path template, or None for the ``$default`` route."""
        if self.key == DEFAULT_ROUTE:
            return None
        parts = self.key.split(" ", 1)
        return parts[1] if len(parts) == 2 else None


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpDeployment:
    """What a stage serves. ``routes`` None: the source could not see the deployed routes."""

    id: str
    routes: tuple[Route, ...] | None = None
    status: str | None = None
    """PENDING, FAILED or DEPLOYED (botocore's enum; its documentation text says SUCCEEDED, also accepted)."""
    auto_deployed: bool = False
    description: str = ""
    created: str | None = None
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True, slots=True, kw_only=True)
class Cors:
    """HTTP API CORS configuration: preflights are answered by API Gateway itself."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpApi:
    """An HTTP API: its current routes (what ``get-routes`` shows), deployments and stages."""

    kind: ClassVar[str] = "HTTP"

    id: str
    name: str = ""
    region: str = "us-east-1"
    account: str | None = None
    disable_execute_api_endpoint: bool = False
    routes: tuple[Route, ...] = ()
    deployments: tuple[HttpDeployment, ...] = ()
    stages: tuple[Stage, ...] = ()
    stages_known: bool = True
    cors: Cors | None = None
    authorizers: tuple[Authorizer, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    origin: Origin = NO_ORIGIN
    id_known: bool = True
    notes: tuple[str, ...] = ()
    source_kind: str = ""
    """Where it was read from: ``openapi``, ``snapshot``, ``live``, ``cloudformation``, ``sam``, ``terraform``..."""

    @property
    def endpoint_type(self) -> str:
        return "REGIONAL"

    def stage(self, name: str) -> Stage | None:
        for s in self.stages:
            if s.name == name:
                return s
        return None

    def deployment(self, deployment_id: str | None) -> HttpDeployment | None:
        if deployment_id is None:
            return None
        for d in self.deployments:
            if d.id == deployment_id:
                return d
        return None

    def authorizer(self, authorizer_id: str | None) -> Authorizer | None:
        for a in self.authorizers:
            if a.id == authorizer_id:
                return a
        return None
