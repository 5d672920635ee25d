"""OpenAPI 3 and Swagger 2 files, as API Gateway exports and imports them, turned into a REST or HTTP API.

What a file says, and what it does not:

* **Which API.** The id and region come from an ``execute-api`` server URL (OAS3 ``servers[0].url``, Swagger
  ``host``). Without one, the id is a slug of ``info.title`` (``Pet Store`` -> ``pet-store``; the file name
  when there is no title), the region is ``us-east-1``, ``id_known`` is False and the API carries a note.
* **Which stage.** The base path (OAS3 ``servers[0].url`` with its variables' defaults, Swagger ``basePath``)
  is read in one of API Gateway's import modes: ``split`` (default, what exports mean: the first segment is
  the stage, the rest is prepended to every path), ``prepend`` (all of it is prepended, stage unknown) or
  ``ignore`` (stage unknown). A known stage becomes ``Stage(name, "export")`` serving the deployment
  ``export``, whose snapshot is the file's paths; the working copy is the same (an export cannot show it).
  An unknown stage leaves ``stages=()``, ``stages_known=False`` and the paths as the working copy.
* **REST or HTTP.** An apigatewayv2 export is recognised by ``x-amazon-apigateway-importexport-version``,
  ``x-amazon-apigateway-cors``, an integration with ``payloadFormatVersion`` or a JWT authorizer; the caller
  can force the kind. HTTP API files without a base path are exports of the ``$default`` stage.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ..errors import InputError
from ..model import (
    DEFAULT_ROUTE,
    DEFAULT_STAGE,
    HttpApi,
    HttpDeployment,
    Method,
    Origin,
    Resource,
    RestApi,
    RestDeployment,
    Route,
    Stage,
    World,
)
from .document import Document, fail, opt_mapping, opt_string
from .openapi_extensions import (
    api_key_source,
    cors,
    endpoint,
    gateway_responses,
    integration_target,
    integration_type,
    is_http_export,
)
from .openapi_security import Security, has_jwt_authorizer
from .openapi_spec import PathItem, Server, Spec
from .validate import path_segments, validate_resources, validate_routes

BASEPATH_MODES = ("split", "prepend", "ignore")
API_KINDS = ("REST", "HTTP")
DEFAULT_REGION = "us-east-1"
EXPORT_ID = "export"
EXECUTE_API_HOST = re.compile(
    r"(?P<id>[a-z0-9]+)(?:-vpce-[a-z0-9]+)?\.execute-api\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)"
    r"\.amazonaws\.com(?:\.cn)?"
)
STAGE_NAME = re.compile(r"[A-Za-z0-9_\-]+")


def check_options(basepath_mode: str, api_kind: str | None) -> tuple[str, str | None]:
    """The options, normalised; InputError for a value that is not one of the choices."""
    mode = basepath_mode.lower()
    if mode not in BASEPATH_MODES:
        raise InputError(f"basePath mode {basepath_mode!r} is not one of {', '.join(BASEPATH_MODES)}")
    kind = api_kind.upper() if api_kind is not None else None
    if kind is not None and kind not in API_KINDS:
        raise InputError(f"API kind {api_kind!r} is not one of {', '.join(API_KINDS)}")
    return mode, kind


@dataclass(frozen=True, slots=True)
class _Read:
    """What every part of one API is built from: the document, its security, where the API lives."""

    spec: Spec
    items: tuple[PathItem, ...]
    security: Security
    server: Server
    api_id: str
    title: str
    region: str
    id_known: bool
    stage: str | None
    prefix: str
    mode: str


def load_openapi(doc: Document, *, basepath_mode: str = "split", api_kind: str | None = None) -> World:
    """One OpenAPI 3 / Swagger 2 document -> a World holding its one API."""
    mode, forced = check_options(basepath_mode, api_kind)
    spec = Spec(doc)
    items = spec.path_items()
    operations = tuple(op for item in items for op in item.operations)
    kind = forced or ("HTTP" if is_http_export(spec, operations) or has_jwt_authorizer(spec) else "REST")
    server = spec.server()
    title = _title(spec)
    api_id, region, id_known = _identity(server, title, doc.path)
    stage, prefix = _stage_and_prefix(server, mode, kind)
    read = _Read(spec, items, Security(spec, kind), server, api_id, title, region, id_known, stage, prefix, mode)
    notes: list[str] = []
    if not id_known:
        notes.append(
            f"{doc.path} has no execute-api server URL: the API id {api_id!r} is a slug of its title "
            f"and the region {region} is assumed"
        )
    return World(apis=(_http_api(read, notes) if kind == "HTTP" else _rest_api(read, notes),))


def _rest_api(read: _Read, notes: list[str]) -> RestApi:
    spec, stage = read.spec, read.stage
    resources = _resources(read)
    validate_resources(resources)
    ep = endpoint(spec, read.server)
    stages: tuple[Stage, ...] = ()
    deployments: tuple[RestDeployment, ...] = ()
    if stage is not None:
        stages = (Stage(name=stage, deployment_id=EXPORT_ID, origin=read.server.origin),)
        deployments = (
            RestDeployment(
                id=EXPORT_ID,
                resources=resources,
                description=f"exported stage {stage}",
                origin=spec.origin.child("paths"),
            ),
        )
        notes.append(
            f"{spec.path} is an export of stage {stage!r}: it shows only what is deployed on that stage; "
            "the working copy and other stages are not visible"
        )
    else:
        notes.append(
            f"{spec.path} names no stage (basePath mode {read.mode!r}): stages are unknown, so any stage in "
            "a URL is accepted and the paths stand in for what is deployed"
        )
    notes.extend(dict.fromkeys(read.security.notes))
    if not ep.endpoint_type_known:
        notes.append(
            f"{spec.path} does not give the endpoint type: EDGE (AWS's default) is assumed, so errors carry "
            "CloudFront's X-Cache header; add x-amazon-apigateway-endpoint-configuration.types to say otherwise"
        )
    return RestApi(
        id=read.api_id,
        name=read.title,
        region=read.region,
        endpoint_type=ep.endpoint_type,
        disable_execute_api_endpoint=ep.disable_execute_api_endpoint,
        api_key_source=api_key_source(spec),
        vpc_endpoint_ids=ep.vpc_endpoint_ids,
        resources=resources,
        deployments=deployments,
        stages=stages,
        stages_known=stage is not None,
        gateway_responses=gateway_responses(spec),
        authorizers=read.security.authorizers,
        origin=spec.origin,
        id_known=read.id_known,
        notes=tuple(notes),
    )


def _resources(read: _Read) -> tuple[Resource, ...]:
    """Every path and every ancestor of one (AWS creates each path part; ``/`` always exists), by path."""
    found: dict[str, tuple[Origin, tuple[Method, ...]]] = {}
    for item in read.items:
        path = _join(read.prefix, item.path)
        parts = path_segments(path, item.origin)
        methods = []
        for op in item.operations:
            auth = read.security.auth(op)
            methods.append(
                Method(
                    http_method=op.method,
                    authorization_type=auth.authorization_type,
                    api_key_required=auth.api_key_required,
                    integration_type=integration_type(op),
                    authorizer_id=auth.authorizer_id,
                    integration_uri=integration_target(op),
                    origin=op.origin,
                )
            )
        for i in range(len(parts)):
            found.setdefault("/" + "/".join(parts[:i]), (item.origin, ()))
        found[path] = (item.origin, tuple(methods))
    found.setdefault("/", (read.spec.origin.child("paths"), ()))
    return tuple(
        Resource(path=path, methods=methods, origin=origin) for path, (origin, methods) in sorted(found.items())
    )


def _http_api(read: _Read, notes: list[str]) -> HttpApi:
    spec, stage = read.spec, read.stage
    routes = []
    for item in read.items:
        for op in item.operations:
            default = item.path == "/" + DEFAULT_ROUTE
            auth = read.security.auth(op)
            routes.append(
                Route(
                    key=DEFAULT_ROUTE if default else f"{op.method} {_join(read.prefix, item.path)}",
                    authorization_type=auth.authorization_type,
                    authorizer_id=auth.authorizer_id,
                    target=integration_target(op),
                    origin=op.origin,
                )
            )
    validate_routes(routes)
    stages: tuple[Stage, ...] = ()
    deployments: tuple[HttpDeployment, ...] = ()
    if stage is not None:
        stages = (Stage(name=stage, deployment_id=EXPORT_ID, origin=read.server.origin),)
        deployments = (
            HttpDeployment(
                id=EXPORT_ID,
                routes=tuple(routes),
                description=f"exported stage {stage}",
                origin=spec.origin.child("paths"),
            ),
        )
        notes.append(
            f"{spec.path} is an export of stage {stage!r}: it shows the routes of that stage; other "
            "stages and undeployed changes are not visible"
        )
    else:
        notes.append(
            f"{spec.path} names no stage (basePath mode {read.mode!r}): stages are unknown, so any stage in a "
            "URL is accepted and the routes stand in for what is deployed"
        )
    notes.extend(dict.fromkeys(read.security.notes))
    return HttpApi(
        id=read.api_id,
        name=read.title,
        region=read.region,
        disable_execute_api_endpoint=endpoint(spec, read.server).disable_execute_api_endpoint,
        routes=tuple(routes),
        deployments=deployments,
        stages=stages,
        stages_known=stage is not None,
        cors=cors(spec),
        authorizers=read.security.authorizers,
        origin=spec.origin,
        id_known=read.id_known,
        notes=tuple(notes),
    )


def _title(spec: Spec) -> str:
    info = opt_mapping(spec.data, "info", spec.origin)
    title = opt_string(info, "title", spec.origin.child("info")) if info is not None else None
    return title or ""


def slug(text: str) -> str:
    """``Pet Store (v2)`` -> ``pet-store-v2``: lower-case letters and digits joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _identity(server: Server, title: str, path: str) -> tuple[str, str, bool]:
    match = EXECUTE_API_HOST.fullmatch(server.host or "")
    if match is not None:
        return match["id"], match["region"], True
    stem = os.path.splitext(os.path.basename(path))[0]
    return slug(title) or slug(stem) or "api", DEFAULT_REGION, False


def _stage_and_prefix(server: Server, mode: str, kind: str) -> tuple[str | None, str]:
    """The stage named by the base path (None: unknown) and the prefix for every path (``""`` or ``/a/b``)."""
    parts = [p for p in server.base_path.split("/") if p]
    if mode == "ignore":
        return None, ""
    if mode == "prepend":
        return None, "/" + "/".join(parts) if parts else ""
    if not parts:
        return (DEFAULT_STAGE if kind == "HTTP" else None), ""
    stage = parts[0]
    if not STAGE_NAME.fullmatch(stage) and not (kind == "HTTP" and stage == DEFAULT_STAGE):
        fail(
            f"the base path's first segment {stage!r} is not a stage name (letters, digits, - and _); "
            "use basePath mode 'prepend' or 'ignore' if it is not a stage",
            server.origin,
        )
    return stage, "/" + "/".join(parts[1:]) if len(parts) > 1 else ""


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    return prefix if path == "/" else prefix + path
