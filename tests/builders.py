"""A compact way to write Worlds in tests and case files (test-only; users use snapshot files).

    rest_api("abc123", stages={"prod": ["GET /pets", "GET /pets/{id}"]}, working=[...more routes...])

A route string is ``"METHOD /path"`` with optional flags after it: ``iam`` (AWS_IAM), ``key``
(apiKeyRequired), ``custom`` (CUSTOM authorizer ``auth1``), ``cognito``, ``jwt`` (HTTP), ``mock`` /
``proxy`` (integration type). A bare ``"/path"`` declares a resource without methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping as MappingT
from typing import Any

from apigw_doctor.model import (
    Authorizer,
    Canary,
    Cors,
    DomainName,
    GatewayResponse,
    HttpApi,
    HttpDeployment,
    Mapping,
    Method,
    Resource,
    RestApi,
    RestDeployment,
    Route,
    Stage,
    World,
)

_AUTH = {"iam": "AWS_IAM", "custom": "CUSTOM", "cognito": "COGNITO_USER_POOLS", "jwt": "JWT"}


def _parse(spec: str) -> tuple[str | None, str, set[str]]:
    words = spec.split()
    if words[0].startswith("/"):
        return None, words[0], set(words[1:])
    return words[0].upper(), words[1], set(words[2:])


def resources(specs: Iterable[str]) -> tuple[Resource, ...]:
    """Route strings -> resources, adding every ancestor (as AWS does) and the root."""
    by_path: dict[str, list[Method]] = {"/": []}
    for spec in specs:
        method, path, flags = _parse(spec)
        path = "/" + "/".join(p for p in path.split("/") if p)
        parts = [p for p in path.split("/") if p]
        for i in range(1, len(parts) + 1):
            by_path.setdefault("/" + "/".join(parts[:i]), [])
        if method is not None:
            auth = next((_AUTH[f] for f in flags if f in _AUTH), "NONE")
            integ = "MOCK" if "mock" in flags else ("NONE" if "nointegration" in flags else "AWS_PROXY")
            by_path[path].append(
                Method(
                    http_method=method,
                    authorization_type=auth,
                    api_key_required="key" in flags,
                    integration_type=None if integ == "NONE" else integ,
                    authorizer_id="auth1" if auth in ("CUSTOM", "COGNITO_USER_POOLS") else None,
                )
            )
    return tuple(Resource(path=p, methods=tuple(ms), id=f"r{i}") for i, (p, ms) in enumerate(sorted(by_path.items())))


def routes(specs: Iterable[str]) -> tuple[Route, ...]:
    out = []
    for spec in specs:
        if spec.split()[0] == "$default":
            flags = set(spec.split()[1:])
            out.append(Route(key="$default", authorization_type=next((_AUTH[f] for f in flags if f in _AUTH), "NONE")))
            continue
        method, path, flags = _parse(spec)
        auth = next((_AUTH[f] for f in flags if f in _AUTH), "NONE")
        out.append(
            Route(
                key=f"{method} {path}",
                authorization_type=auth,
                authorizer_id="auth1" if auth in ("JWT", "CUSTOM") else None,
            )
        )
    return tuple(out)


def rest_api(
    api_id: str = "abc123",
    *,
    stages: MappingT[str, Iterable[str]] | None = None,
    working: Iterable[str] | None = None,
    region: str = "us-east-1",
    canary: MappingT[str, tuple[float, Iterable[str]]] | None = None,
    extra_deployments: MappingT[str, Iterable[str]] | None = None,
    gateway_responses: Iterable[GatewayResponse] = (),
    **kw: Any,
) -> RestApi:
    """A REST API whose stage ``s`` is deployed with routes ``stages[s]`` (deployment id ``d-s``).

    ``working`` is the working copy (default: the union of every stage's routes).
    ``canary={"prod": (10.0, routes)}`` adds a canary deployment ``c-prod`` to that stage.
    """
    stages = dict(stages or {"prod": ["GET /pets"]})
    deployments = [RestDeployment(id=f"d-{name}", resources=resources(specs)) for name, specs in stages.items()]
    stage_objs = []
    for name in stages:
        c = None
        if canary and name in canary:
            pct, specs = canary[name]
            deployments.append(RestDeployment(id=f"c-{name}", resources=resources(specs)))
            c = Canary(percent=pct, deployment_id=f"c-{name}")
        stage_objs.append(Stage(name=name, deployment_id=f"d-{name}", canary=c))
    for dep_id, specs in (extra_deployments or {}).items():
        deployments.append(RestDeployment(id=dep_id, resources=resources(specs)))
    if working is None:
        working = [s for specs in stages.values() for s in specs]
    authorizers = kw.pop("authorizers", (Authorizer(id="auth1", name="auth", type="TOKEN"),))
    return RestApi(
        id=api_id,
        name=kw.pop("name", f"api-{api_id}"),
        region=region,
        resources=resources(working),
        deployments=tuple(deployments),
        stages=tuple(stage_objs),
        gateway_responses=tuple(gateway_responses),
        authorizers=tuple(authorizers),
        **kw,
    )


def http_api(
    api_id: str = "h1",
    *,
    stages: MappingT[str, Iterable[str]] | None = None,
    working: Iterable[str] | None = None,
    region: str = "us-east-1",
    auto_deploy: bool = False,
    cors: Cors | None = None,
    **kw: Any,
) -> HttpApi:
    stages = dict(stages or {"$default": ["GET /pets"]})
    deployments = tuple(HttpDeployment(id=f"d-{n.strip('$')}", routes=routes(specs)) for n, specs in stages.items())
    stage_objs = tuple(Stage(name=n, deployment_id=f"d-{n.strip('$')}", auto_deploy=auto_deploy) for n in stages)
    if working is None:
        working = list(dict.fromkeys(s for specs in stages.values() for s in specs))
    return HttpApi(
        id=api_id,
        name=kw.pop("name", f"http-{api_id}"),
        region=region,
        routes=routes(working),
        deployments=deployments,
        stages=stage_objs,
        cors=cors,
        authorizers=(
            Authorizer(id="auth1", name="jwt", type="JWT", identity_sources=("$request.header.Authorization",)),
        ),
        **kw,
    )


def domain(name: str, *mappings: tuple[str, str, str | None], endpoint_type: str = "REGIONAL") -> DomainName:
    """``domain("api.example.com", ("", "abc123", "prod"), ("v1/orders", "h1", "$default"))``."""
    return DomainName(
        name=name,
        endpoint_type=endpoint_type,
        mappings=tuple(
            Mapping(base_path=bp, api_id=api, stage=st, source="v2" if "/" in bp else "v1") for bp, api, st in mappings
        ),
    )


def world(*items: RestApi | HttpApi | DomainName) -> World:
    apis = tuple(i for i in items if isinstance(i, RestApi | HttpApi))
    doms = tuple(i for i in items if isinstance(i, DomainName))
    return World(apis=apis, domains=doms)
