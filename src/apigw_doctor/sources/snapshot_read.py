"""Reading a snapshot (``"format": "apigw-doctor/world"``) back into a World, strictly and by hand.

Every object is checked against its fields: an unknown field, a missing required one, a wrong type or an
out-of-range value is an :class:`InputError` at ``file#/json/pointer`` saying what was expected. References
are checked too (a stage's deployment, a canary's deployment, a method's authorizer), and so are the route
trees (:mod:`.validate`). Objects get ``Origin(snapshot file, their pointer in it)``; a stored ``origin``
is checked for shape and otherwise informational.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import (
    AUTHORIZATION_TYPES,
    ENDPOINT_TYPES,
    HTTP_METHODS,
    Api,
    Authorizer,
    Canary,
    Cors,
    DomainName,
    GatewayResponse,
    HttpApi,
    HttpDeployment,
    Mapping,
    Method,
    Origin,
    Resource,
    RestApi,
    RestDeployment,
    Route,
    Stage,
    World,
)
from .document import fail, type_name
from .snapshot_format import FORMAT, VERSION, Obj
from .validate import validate_resources, validate_routes

INTEGRATION_TYPES = ("AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK")
HTTP_AUTHORIZATION_TYPES = ("NONE", "AWS_IAM", "JWT", "CUSTOM")
REST_AUTHORIZER_TYPES = ("TOKEN", "REQUEST", "COGNITO_USER_POOLS")
HTTP_AUTHORIZER_TYPES = ("JWT", "REQUEST")
DEPLOYMENT_STATUSES = ("PENDING", "FAILED", "DEPLOYED", "SUCCEEDED")


def world_from_dict(data: object, source: str) -> World:
    """A snapshot's parsed JSON -> World. ``source`` (the file) is used in origins and error locations."""
    root = Origin(source, "")
    obj = Obj(data, root, "world")
    if obj.data["format"] != FORMAT:
        fail(f"expected 'format' to be {FORMAT!r}, got {obj.data['format']!r}", root.child("format"))
    version = obj.data["version"]
    if version != VERSION or isinstance(version, bool):
        fail(
            f"snapshot version {version!r} is not one this apigw-doctor reads (expected {VERSION})",
            root.child("version"),
        )
    apis = obj.many("apis", _api)
    _unique(((f"{a.id} in {a.region}", a.origin) for a in apis), "API")
    domains = obj.many("domains", _domain)
    _unique(((d.name.lower(), d.origin) for d in domains), "domain")
    return World(apis=apis, domains=domains, notes=obj.strings("notes"))


def _api(value: object, origin: Origin) -> Api:
    if not isinstance(value, dict):
        fail(f"expected an API (an object), got {type_name(value)}", origin)
    if "kind" not in value:
        fail("missing field 'kind' in an API (REST or HTTP)", origin)
    kind = value["kind"]
    if kind == "REST":
        return _rest_api(value, origin)
    if kind == "HTTP":
        return _http_api(value, origin)
    fail(f"expected REST or HTTP for 'kind' in an API, got {kind!r}", origin.child("kind"))


def _rest_api(value: object, origin: Origin) -> RestApi:
    o = Obj(value, origin, "REST API")
    authorizers = o.many("authorizers", _rest_authorizer)
    resources = o.many("resources", _resource)
    validate_resources(resources)
    deployments = o.many("deployments", _rest_deployment)
    stages = o.many("stages", _stage)
    _check_references(o, authorizers, deployments, stages)
    for resource in (*resources, *(r for d in deployments for r in d.resources or ())):
        for method in resource.methods:
            _check_authorizer(method.authorizer_id, authorizers, method.origin)
    return RestApi(
        id=o.text("id"),
        name=o.text("name"),
        region=o.text("region", "us-east-1"),
        account=o.opt_text("account"),
        endpoint_type=o.choice("endpoint_type", ENDPOINT_TYPES, "EDGE") or "EDGE",
        disable_execute_api_endpoint=o.flag("disable_execute_api_endpoint", False),
        api_key_source=o.choice("api_key_source", ("HEADER", "AUTHORIZER"), "HEADER") or "HEADER",
        vpc_endpoint_ids=o.strings("vpc_endpoint_ids"),
        resources=resources,
        deployments=deployments,
        stages=stages,
        stages_known=o.flag("stages_known", True),
        gateway_responses=o.many("gateway_responses", _gateway_response),
        authorizers=authorizers,
        tags=o.pairs("tags"),
        origin=origin,
        id_known=o.flag("id_known", True),
        notes=o.strings("notes"),
        source_kind=o.text("source_kind"),
    )


def _http_api(value: object, origin: Origin) -> HttpApi:
    o = Obj(value, origin, "HTTP API")
    authorizers = o.many("authorizers", _http_authorizer)
    routes = o.many("routes", _route)
    validate_routes(routes)
    deployments = o.many("deployments", _http_deployment)
    stages = o.many("stages", _stage)
    _check_references(o, authorizers, deployments, stages)
    for route in (*routes, *(r for d in deployments for r in d.routes or ())):
        _check_authorizer(route.authorizer_id, authorizers, route.origin)
    cors = o.data.get("cors")
    return HttpApi(
        id=o.text("id"),
        name=o.text("name"),
        region=o.text("region", "us-east-1"),
        account=o.opt_text("account"),
        disable_execute_api_endpoint=o.flag("disable_execute_api_endpoint", False),
        routes=routes,
        deployments=deployments,
        stages=stages,
        stages_known=o.flag("stages_known", True),
        cors=None if cors is None else _cors(cors, origin.child("cors")),
        authorizers=authorizers,
        tags=o.pairs("tags"),
        origin=origin,
        id_known=o.flag("id_known", True),
        notes=o.strings("notes"),
        source_kind=o.text("source_kind"),
    )


def _check_references(
    o: Obj,
    authorizers: tuple[Authorizer, ...],
    deployments: tuple[RestDeployment, ...] | tuple[HttpDeployment, ...],
    stages: tuple[Stage, ...],
) -> None:
    _unique(((a.id, a.origin) for a in authorizers), "authorizer")
    _unique(((d.id, d.origin) for d in deployments), "deployment")
    _unique(((s.name, s.origin) for s in stages), "stage")
    ids = {d.id for d in deployments}
    for stage in stages:
        if stage.deployment_id is not None and stage.deployment_id not in ids:
            fail(
                f"stage {stage.name!r} points at deployment {stage.deployment_id!r}, which is not in this API's "
                'deployments (list it, with "resources": null when its routes are unknown)',
                stage.origin.child("deployment_id"),
            )
        if stage.canary is not None and stage.canary.deployment_id not in ids:
            fail(
                f"the canary of stage {stage.name!r} points at deployment {stage.canary.deployment_id!r}, which "
                "is not in this API's deployments",
                stage.origin.child("canary", "deployment_id"),
            )


def _check_authorizer(authorizer_id: str | None, authorizers: tuple[Authorizer, ...], origin: Origin) -> None:
    if authorizer_id is not None and all(a.id != authorizer_id for a in authorizers):
        fail(f"authorizer {authorizer_id!r} is not in this API's authorizers", origin.child("authorizer_id"))


def _unique(keys: Iterable[tuple[str, Origin]], what: str) -> None:
    seen: dict[str, Origin] = {}
    for key, origin in keys:
        if key in seen:
            fail(f"{what} {key!r} appears twice (also at {seen[key]})", origin)
        seen[key] = origin


def _resource(value: object, origin: Origin) -> Resource:
    o = Obj(value, origin, "resource")
    return Resource(path=o.text("path"), methods=o.many("methods", _method), id=o.opt_text("id"), origin=origin)


def _method(value: object, origin: Origin) -> Method:
    o = Obj(value, origin, "method")
    return Method(
        http_method=o.choice("http_method", (*HTTP_METHODS, "ANY"), "GET") or "GET",
        authorization_type=o.choice("authorization_type", AUTHORIZATION_TYPES, "NONE") or "NONE",
        api_key_required=o.flag("api_key_required", False),
        integration_type=o.choice("integration_type", INTEGRATION_TYPES, None),
        authorizer_id=o.opt_text("authorizer_id"),
        integration_uri=o.opt_text("integration_uri"),
        origin=origin,
    )


def _rest_deployment(value: object, origin: Origin) -> RestDeployment:
    o = Obj(value, origin, "REST deployment")
    resources = o.objects("resources", _resource, nullable=True)
    if resources is not None:
        validate_resources(resources)
    return RestDeployment(
        id=o.text("id"),
        resources=resources,
        description=o.text("description"),
        created=o.opt_text("created"),
        origin=origin,
    )


def _route(value: object, origin: Origin) -> Route:
    o = Obj(value, origin, "route")
    return Route(
        key=o.text("key"),
        authorization_type=o.choice("authorization_type", HTTP_AUTHORIZATION_TYPES, "NONE") or "NONE",
        api_key_required=o.flag("api_key_required", False),
        authorizer_id=o.opt_text("authorizer_id"),
        target=o.opt_text("target"),
        origin=origin,
    )


def _http_deployment(value: object, origin: Origin) -> HttpDeployment:
    o = Obj(value, origin, "HTTP deployment")
    routes = o.objects("routes", _route, nullable=True)
    if routes is not None:
        validate_routes(routes)
    return HttpDeployment(
        id=o.text("id"),
        routes=routes,
        status=o.choice("status", DEPLOYMENT_STATUSES, None),
        auto_deployed=o.flag("auto_deployed", False),
        description=o.text("description"),
        created=o.opt_text("created"),
        origin=origin,
    )


def _stage(value: object, origin: Origin) -> Stage:
    o = Obj(value, origin, "stage")
    canary = o.data.get("canary")
    return Stage(
        name=o.text("name"),
        deployment_id=o.opt_text("deployment_id"),
        variables=o.pairs("variables"),
        canary=None if canary is None else _canary(canary, origin.child("canary")),
        auto_deploy=o.flag("auto_deploy", False),
        last_deployment_status=o.opt_text("last_deployment_status"),
        origin=origin,
    )


def _canary(value: object, origin: Origin) -> Canary:
    o = Obj(value, origin, "canary")
    percent = o.data["percent"]
    if isinstance(percent, bool) or not isinstance(percent, int | float) or not 0 <= percent <= 100:
        fail(
            f"expected a percentage (a number from 0 to 100) for 'percent' in canary, got {percent!r}",
            origin.child("percent"),
        )
    return Canary(
        percent=float(percent),
        deployment_id=o.text("deployment_id"),
        stage_variable_overrides=o.pairs("stage_variable_overrides"),
    )


def _gateway_response(value: object, origin: Origin) -> GatewayResponse:
    o = Obj(value, origin, "gateway response")
    status = o.data.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        fail(
            f"expected an HTTP status (an integer from 100 to 599) or null for 'status' in gateway response, "
            f"got {status!r}",
            origin.child("status"),
        )
    return GatewayResponse(
        type=o.text("type"),
        status=status,
        templates=o.pairs("templates"),
        headers=o.pairs("headers"),
        origin=origin,
    )


def _authorizer(value: object, origin: Origin, types: tuple[str, ...]) -> Authorizer:
    o = Obj(value, origin, "authorizer")
    default = "method.request.header.Authorization" if "TOKEN" in types else "$request.header.Authorization"
    sources = o.strings("identity_sources") if "identity_sources" in o.data else (default,)
    return Authorizer(
        id=o.text("id"),
        name=o.text("name"),
        type=o.choice("type", types, types[0]) or types[0],
        identity_sources=sources,
        origin=origin,
    )


def _rest_authorizer(value: object, origin: Origin) -> Authorizer:
    return _authorizer(value, origin, REST_AUTHORIZER_TYPES)


def _http_authorizer(value: object, origin: Origin) -> Authorizer:
    return _authorizer(value, origin, HTTP_AUTHORIZER_TYPES)


def _cors(value: object, origin: Origin) -> Cors:
    o = Obj(value, origin, "cors")
    return Cors(
        allow_origins=o.strings("allow_origins"),
        allow_methods=o.strings("allow_methods"),
        allow_headers=o.strings("allow_headers"),
    )


def _domain(value: object, origin: Origin) -> DomainName:
    o = Obj(value, origin, "domain")
    mappings = o.many("mappings", _mapping)
    _unique(((m.base_path or "(none)", m.origin) for m in mappings), "base path")
    return DomainName(
        name=o.text("name"),
        endpoint_type=o.choice("endpoint_type", ENDPOINT_TYPES, "REGIONAL") or "REGIONAL",
        region=o.opt_text("region"),
        mappings=mappings,
        origin=origin,
    )


def _mapping(value: object, origin: Origin) -> Mapping:
    o = Obj(value, origin, "mapping")
    base_path = o.text("base_path")
    if base_path.startswith("/") or base_path.endswith("/") or "//" in base_path:
        fail(
            f"base path {base_path!r} must not start or end with '/' or hold '//' (use \"\" for (none))",
            origin.child("base_path"),
        )
    return Mapping(
        base_path=base_path,
        api_id=o.text("api_id"),
        stage=o.opt_text("stage"),
        source=o.choice("source", ("v1", "v2"), "v1") or "v1",
        origin=origin,
    )
