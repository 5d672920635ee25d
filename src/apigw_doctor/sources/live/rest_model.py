"""REST API answers (apigateway v1) -> model objects. Pure: dicts in, dataclasses and notes out.

Each builder takes the parsed answer and the list to append notes to. What AWS cannot hold but an emulator
may (two resources with one path, a method named ``FOO``) is kept out of the model with a note, so a live
World always reads back from a snapshot file.
"""

from __future__ import annotations

from ...errors import InputError
from ...model import (
    AUTHORIZATION_TYPES,
    ENDPOINT_TYPES,
    HTTP_METHODS,
    Authorizer,
    Canary,
    GatewayResponse,
    Method,
    Origin,
    Resource,
    RestDeployment,
    Stage,
)
from ..validate import validate_resources
from .fields import JSON, flag, iso, number, obj, opt_text, origin, pairs, strings, text

INTEGRATION_TYPES = ("AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK")
AUTHORIZER_TYPES = ("TOKEN", "REQUEST", "COGNITO_USER_POOLS")
AUTHORIZED = ("CUSTOM", "COGNITO_USER_POOLS")
"""Authorization types that name an authorizer."""
ANY_ALIASES = {"X-AMAZON-APIGATEWAY-ANY-METHOD": "ANY"}
HEADER_PREFIX = "gatewayresponse.header."


def api_origin(region: str, api_id: str, *parts: str) -> Origin:
    return origin(region, "restapis", api_id, *parts)


def endpoint_type(api: JSON) -> str:
    types = strings(obj(api, "endpointConfiguration"), "types")
    return types[0] if types and types[0] in ENDPOINT_TYPES else "EDGE"


def method(name: str, data: JSON, at: Origin, path: str, notes: list[str]) -> Method | None:
    """One entry of ``resourceMethods`` (or of an apiSummary path, where only the auth fields exist)."""
    http_method = ANY_ALIASES.get(name.upper(), name.upper())
    if http_method not in HTTP_METHODS and http_method != "ANY":
        notes.append(f"Method {name!r} on {path} is not an HTTP method API Gateway routes: it was left out.")
        return None
    auth = text(data, "authorizationType", "NONE").upper() or "NONE"
    if auth not in AUTHORIZATION_TYPES:
        notes.append(f"{http_method} {path} has authorization type {auth!r}, which API Gateway lacks: NONE assumed.")
        auth = "NONE"
    integration = obj(data, "methodIntegration")
    kind = text(integration, "type").upper()
    return Method(
        http_method=http_method,
        authorization_type=auth,
        api_key_required=flag(data, "apiKeyRequired"),
        integration_type=kind if kind in INTEGRATION_TYPES else None,
        authorizer_id=opt_text(data, "authorizerId") if auth in AUTHORIZED else None,
        integration_uri=opt_text(integration, "uri"),
        origin=at,
    )


def resources(items: list[JSON], region: str, api_id: str, notes: list[str]) -> tuple[Resource, ...]:
    """``get-resources --embed methods`` items -> the working copy, sorted by path."""
    by_path: dict[str, Resource] = {}
    for item in items:
        path = text(item, "path")
        resource_id = opt_text(item, "id")
        at = api_origin(region, api_id, "resources", resource_id or path)
        if not path.startswith("/"):
            notes.append(f"Resource {resource_id or '?'} has no path: it was left out.")
            continue
        if path in by_path:
            notes.append(f"Resource {path} appears twice ({by_path[path].id} and {resource_id}): the first is kept.")
            continue
        methods = []
        for name, data in sorted(obj(item, "resourceMethods").items()):
            found = method(name, data if isinstance(data, dict) else {}, at.child("methods", name), path, notes)
            if found is not None:
                methods.append(found)
        by_path[path] = Resource(path=path, methods=_unique(methods), id=resource_id, origin=at)
    return _complete(by_path, api_origin(region, api_id, "resources"), notes)


def summary_resources(
    summary: JSON, at: Origin, working: tuple[Resource, ...], notes: list[str]
) -> tuple[Resource, ...]:
    """A deployment's ``apiSummary`` (path -> method -> {authorizationType, apiKeyRequired}) -> resources.

    Every ancestor path becomes a resource too, as AWS creates each path part. The summary names no
    authorizer: a CUSTOM/COGNITO method takes the working copy's authorizer for the same path and method when
    its type matches (an assumption the notes would show if it mattered). Integrations are unknown (None).
    """
    same = {(r.path, m.http_method): m for r in working for m in r.methods}
    by_path: dict[str, Resource] = {}
    for path, entries in sorted(summary.items()):
        if not path.startswith("/") or not isinstance(entries, dict):
            continue
        methods = []
        for name, data in sorted(entries.items()):
            snap = {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}
            found = method(name, snap, at.child("apiSummary", path, name), path, notes)
            if found is None:
                continue
            twin = same.get((path, found.http_method))
            authorizer = twin.authorizer_id if twin and twin.authorization_type == found.authorization_type else None
            methods.append(
                Method(
                    http_method=found.http_method,
                    authorization_type=found.authorization_type,
                    api_key_required=found.api_key_required,
                    authorizer_id=authorizer if found.authorization_type in AUTHORIZED else None,
                    origin=found.origin,
                )
            )
        by_path[path] = Resource(path=path, methods=_unique(methods), origin=at.child("apiSummary", path))
    return _complete(by_path, at, notes)


def _unique(methods: list[Method]) -> tuple[Method, ...]:
    seen: dict[str, Method] = {}
    for m in methods:
        seen.setdefault(m.http_method, m)
    return tuple(sorted(seen.values(), key=lambda m: m.http_method))


def _complete(by_path: dict[str, Resource], at: Origin, notes: list[str]) -> tuple[Resource, ...]:
    """Add ``/`` and every missing ancestor; note a tree AWS would refuse (an emulator may hold one)."""
    for path in list(by_path):
        parts = [p for p in path.split("/") if p]
        for i in range(len(parts)):
            ancestor = "/" + "/".join(parts[:i])
            by_path.setdefault(ancestor, Resource(path=ancestor, origin=at))
    by_path.setdefault("/", Resource(path="/", origin=at))
    result = tuple(by_path[p] for p in sorted(by_path))
    try:
        validate_resources(result)
    except InputError as exc:
        notes.append(f"The resource tree holds what AWS would refuse: {exc.message}.")
    return result


def stage(item: JSON, region: str, api_id: str, notes: list[str]) -> Stage:
    name = text(item, "stageName")
    canary = None
    settings = obj(item, "canarySettings")
    if settings:
        canary_deployment = opt_text(settings, "deploymentId")
        if canary_deployment is None:
            notes.append(f"Stage {name!r} has canary settings without a canary deployment: the canary is ignored.")
        else:
            canary = Canary(
                percent=min(100.0, max(0.0, number(settings, "percentTraffic") or 0.0)),
                deployment_id=canary_deployment,
                stage_variable_overrides=pairs(settings, "stageVariableOverrides"),
            )
    return Stage(
        name=name,
        deployment_id=opt_text(item, "deploymentId"),
        variables=pairs(item, "variables"),
        canary=canary,
        origin=api_origin(region, api_id, "stages", name),
    )


def deployment(item: JSON, region: str, api_id: str, resources: tuple[Resource, ...] | None) -> RestDeployment:
    deployment_id = text(item, "id")
    return RestDeployment(
        id=deployment_id,
        resources=resources,
        description=text(item, "description"),
        created=iso(item, "createdDate"),
        origin=api_origin(region, api_id, "deployments", deployment_id),
    )


def gateway_responses(items: list[JSON], region: str, api_id: str) -> tuple[GatewayResponse, ...]:
    """The customised responses only: AWS lists every type, the defaults with ``defaultResponse: true``."""
    found: dict[str, GatewayResponse] = {}
    for item in items:
        kind = text(item, "responseType")
        if not kind or flag(item, "defaultResponse"):
            continue
        status = text(item, "statusCode")
        headers = tuple(
            sorted(
                (key[len(HEADER_PREFIX) :], value)
                for key, value in pairs(item, "responseParameters")
                if key.startswith(HEADER_PREFIX)
            )
        )
        found[kind] = GatewayResponse(
            type=kind,
            status=int(status) if status.isdigit() and 100 <= int(status) <= 599 else None,
            templates=pairs(item, "responseTemplates"),
            headers=headers,
            origin=api_origin(region, api_id, "gatewayresponses", kind),
        )
    return tuple(found[k] for k in sorted(found))


def authorizers(items: list[JSON], region: str, api_id: str) -> tuple[Authorizer, ...]:
    found = []
    for item in items:
        kind = text(item, "type", "TOKEN").upper()
        authorizer_id = text(item, "id")
        if not authorizer_id or kind not in AUTHORIZER_TYPES:
            continue
        source = text(item, "identitySource")
        found.append(
            Authorizer(
                id=authorizer_id,
                name=text(item, "name"),
                type=kind,
                identity_sources=tuple(s.strip() for s in source.split(",") if s.strip()),
                origin=api_origin(region, api_id, "authorizers", authorizer_id),
            )
        )
    return tuple(sorted(found, key=lambda a: a.id))


def uses_authorizers(resources: tuple[Resource, ...] | None) -> bool:
    return any(m.authorization_type in AUTHORIZED for r in resources or () for m in r.methods)
