"""REST APIs (API Gateway v1): resources, methods, deployments as route snapshots, gateway responses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from .common import Authorizer, GatewayResponse, Stage
from .origin import NO_ORIGIN, Origin

HTTP_METHODS: tuple[str, ...] = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
"""The methods ``ANY`` stands for (DG ``api-gateway-method-settings-method-request``)."""

AUTHORIZATION_TYPES: tuple[str, ...] = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")
ENDPOINT_TYPES: tuple[str, ...] = ("EDGE", "REGIONAL", "PRIVATE")


@dataclass(frozen=True, slots=True, kw_only=True)
class Method:
    """One method on a resource: ``GET``, ..., or ``ANY``."""

    http_method: str
    authorization_type: str = "NONE"
    api_key_required: bool = False
    integration_type: str | None = None
    """AWS_PROXY, HTTP_PROXY, MOCK, HTTP, AWS; None when the source does not say (apiSummary) or none exists."""
    authorizer_id: str | None = None
    integration_uri: str | None = None
    """The integration's ``uri`` when the source has it (used to copy it into a fix)."""
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A resource of the tree, by its full path (``/pets/{id}``), with its methods.

    The tree is implied by the paths; every resource's parent is also a resource (AWS creates
    each path part as its own resource). ``id`` is the AWS resource id when the source has it.
    """

    path: str
    methods: tuple[Method, ...] = ()
    id: str | None = None
    origin: Origin = NO_ORIGIN

    @property
    def path_part(self) -> str:
        return "" if self.path == "/" else self.path.rsplit("/", 1)[1]

    @property
    def parent_path(self) -> str | None:
        if self.path == "/":
            return None
        parent = self.path.rsplit("/", 1)[0]
        return parent or "/"

    @property
    def is_greedy(self) -> bool:
        part = self.path_part
        return part.startswith("{") and part.endswith("+}")

    @property
    def is_variable(self) -> bool:
        part = self.path_part
        return part.startswith("{") and part.endswith("}")

    def method(self, http_method: str) -> Method | None:
        for m in self.methods:
            if m.http_method == http_method:
                return m
        return None

    @property
    def method_names(self) -> tuple[str, ...]:
        return tuple(sorted(m.http_method for m in self.methods))


@dataclass(frozen=True, slots=True, kw_only=True)
class RestDeployment:
    """An immutable snapshot of the API's routes, what a stage serves.

    ``resources`` is None when the source could not see the snapshot (moto has no apiSummary);
    the gateway then falls back to the working copy and says so in the trace.
    """

    id: str
    resources: tuple[Resource, ...] | None = None
    description: str = ""
    created: str | None = None
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True, slots=True, kw_only=True)
class RestApi:
    """A REST API: its working copy (what ``get-resources`` shows), deployments and stages."""

    kind: ClassVar[str] = "REST"

    id: str
    name: str = ""
    region: str = "us-east-1"
    account: str | None = None
    endpoint_type: str = "EDGE"
    disable_execute_api_endpoint: bool = False
    api_key_source: str = "HEADER"
    vpc_endpoint_ids: tuple[str, ...] = ()
    resources: tuple[Resource, ...] = ()
    deployments: tuple[RestDeployment, ...] = ()
    stages: tuple[Stage, ...] = ()
    stages_known: bool = True
    """False when the source does not say which stages exist (a hand-written OpenAPI file)."""
    gateway_responses: tuple[GatewayResponse, ...] = ()
    authorizers: tuple[Authorizer, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    origin: Origin = NO_ORIGIN
    id_known: bool = True
    """False when the source carries no API id (it was bound to the request's id, an assumption)."""
    notes: tuple[str, ...] = field(default=())
    """What the source could not verify, shown with every diagnosis of this API."""
    source_kind: str = ""
    """Where it was read from: ``openapi``, ``snapshot``, ``live``, ``cloudformation``, ``sam``, ``terraform``..."""

    def stage(self, name: str) -> Stage | None:
        for s in self.stages:
            if s.name == name:
                return s
        return None

    def deployment(self, deployment_id: str | None) -> RestDeployment | None:
        if deployment_id is None:
            return None
        for d in self.deployments:
            if d.id == deployment_id:
                return d
        return None

    def resource(self, path: str) -> Resource | None:
        for r in self.resources:
            if r.path == path:
                return r
        return None

    def gateway_response(self, response_type: str) -> GatewayResponse | None:
        for g in self.gateway_responses:
            if g.type == response_type:
                return g
        return None

    def authorizer(self, authorizer_id: str | None) -> Authorizer | None:
        for a in self.authorizers:
            if a.id == authorizer_id:
                return a
        return None
