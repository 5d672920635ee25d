"""The snapshot file: the project's own JSON for a whole World (see ``docs/snapshot.md``).

A clean JSON mirror of the model: snake_case keys, lists for tuples, objects for name/value pairs
(stage variables, tags, templates, headers). :func:`world_to_dict` writes every field;
:func:`world_from_dict` (in :mod:`.snapshot_read`) reads them back strictly. Writing is atomic: a temporary
file in the same directory, fsync, then a rename; an existing file is kept unless ``force``.
"""

from __future__ import annotations

import json
import os

from ..errors import InputError
from ..files import write_atomic
from ..model import (
    NO_ORIGIN,
    Api,
    Authorizer,
    Canary,
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
from .document import fail, read_document
from .snapshot_format import FORMAT, VERSION
from .snapshot_read import world_from_dict

JSON = dict[str, object]


def is_snapshot(data: JSON) -> bool:
    return data.get("format") == FORMAT


def load_snapshot(path: str) -> World:
    """Read a snapshot file (InputError when it is not one, or not a valid one)."""
    doc = read_document(path)
    if not is_snapshot(doc.data):
        fail(f'not an apigw-doctor snapshot (expected "format": "{FORMAT}")', Origin(path, ""))
    return world_from_dict(doc.data, path)


def snapshot_schema() -> JSON:
    """The snapshot format's JSON Schema (draft 2020-12), shipped as package data."""
    from importlib.resources import files

    text = files("apigw_doctor").joinpath("data", "snapshot.schema.json").read_text(encoding="utf-8")
    schema: JSON = json.loads(text)
    return schema


def world_to_dict(world: World) -> JSON:
    return {
        "format": FORMAT,
        "version": VERSION,
        "apis": [_api(api) for api in world.apis],
        "domains": [_domain(domain) for domain in world.domains],
        "notes": list(world.notes),
    }


def dumps_world(world: World) -> str:
    """The snapshot text: keys sorted, two-space indent, a final newline (stable for diffs)."""
    return json.dumps(world_to_dict(world), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_snapshot(world: World, path: str, force: bool = False) -> None:
    """Write ``world`` to ``path`` atomically; an existing ``path`` is an InputError unless ``force``."""
    if not force and os.path.lexists(path):
        raise InputError("the file already exists (use --force to overwrite it)", path)
    try:
        written = write_atomic(path, dumps_world(world).encode("utf-8"), mode=0o644, overwrite=force)
    except OSError as exc:
        raise InputError(f"cannot write the file ({exc.strerror or exc})", path) from None
    if not written:
        raise InputError("the file already exists (use --force to overwrite it)", path)


def _origin(obj: JSON, origin: Origin) -> JSON:
    if origin != NO_ORIGIN:
        obj["origin"] = {"source": origin.source, "pointer": origin.pointer, "line": origin.line}
    return obj


def _api(api: Api) -> JSON:
    if isinstance(api, HttpApi):
        return _http_api(api)
    return _rest_api(api)


def _rest_api(api: RestApi) -> JSON:
    return _origin(
        {
            "kind": "REST",
            "id": api.id,
            "name": api.name,
            "region": api.region,
            "account": api.account,
            "endpoint_type": api.endpoint_type,
            "disable_execute_api_endpoint": api.disable_execute_api_endpoint,
            "api_key_source": api.api_key_source,
            "vpc_endpoint_ids": list(api.vpc_endpoint_ids),
            "resources": [_resource(r) for r in api.resources],
            "deployments": [_rest_deployment(d) for d in api.deployments],
            "stages": [_stage(s) for s in api.stages],
            "stages_known": api.stages_known,
            "gateway_responses": [_gateway_response(g) for g in api.gateway_responses],
            "authorizers": [_authorizer(a) for a in api.authorizers],
            "tags": dict(api.tags),
            "id_known": api.id_known,
            "notes": list(api.notes),
            "source_kind": api.source_kind,
        },
        api.origin,
    )


def _http_api(api: HttpApi) -> JSON:
    cors = api.cors
    return _origin(
        {
            "kind": "HTTP",
            "id": api.id,
            "name": api.name,
            "region": api.region,
            "account": api.account,
            "disable_execute_api_endpoint": api.disable_execute_api_endpoint,
            "routes": [_route(r) for r in api.routes],
            "deployments": [_http_deployment(d) for d in api.deployments],
            "stages": [_stage(s) for s in api.stages],
            "stages_known": api.stages_known,
            "cors": None
            if cors is None
            else {
                "allow_origins": list(cors.allow_origins),
                "allow_methods": list(cors.allow_methods),
                "allow_headers": list(cors.allow_headers),
            },
            "authorizers": [_authorizer(a) for a in api.authorizers],
            "tags": dict(api.tags),
            "id_known": api.id_known,
            "notes": list(api.notes),
            "source_kind": api.source_kind,
        },
        api.origin,
    )


def _resource(resource: Resource) -> JSON:
    return _origin(
        {"path": resource.path, "id": resource.id, "methods": [_method(m) for m in resource.methods]}, resource.origin
    )


def _method(method: Method) -> JSON:
    return _origin(
        {
            "http_method": method.http_method,
            "authorization_type": method.authorization_type,
            "api_key_required": method.api_key_required,
            "integration_type": method.integration_type,
            "authorizer_id": method.authorizer_id,
            "integration_uri": method.integration_uri,
        },
        method.origin,
    )


def _rest_deployment(deployment: RestDeployment) -> JSON:
    resources = None if deployment.resources is None else [_resource(r) for r in deployment.resources]
    return _origin(
        {
            "id": deployment.id,
            "resources": resources,
            "description": deployment.description,
            "created": deployment.created,
        },
        deployment.origin,
    )


def _route(route: Route) -> JSON:
    return _origin(
        {
            "key": route.key,
            "authorization_type": route.authorization_type,
            "api_key_required": route.api_key_required,
            "authorizer_id": route.authorizer_id,
            "target": route.target,
        },
        route.origin,
    )


def _http_deployment(deployment: HttpDeployment) -> JSON:
    routes = None if deployment.routes is None else [_route(r) for r in deployment.routes]
    return _origin(
        {
            "id": deployment.id,
            "routes": routes,
            "status": deployment.status,
            "auto_deployed": deployment.auto_deployed,
            "description": deployment.description,
            "created": deployment.created,
        },
        deployment.origin,
    )


def _stage(stage: Stage) -> JSON:
    return _origin(
        {
            "name": stage.name,
            "deployment_id": stage.deployment_id,
            "variables": dict(stage.variables),
            "canary": None if stage.canary is None else _canary(stage.canary),
            "auto_deploy": stage.auto_deploy,
            "last_deployment_status": stage.last_deployment_status,
        },
        stage.origin,
    )


def _canary(canary: Canary) -> JSON:
    return {
        "percent": canary.percent,
        "deployment_id": canary.deployment_id,
        "stage_variable_overrides": dict(canary.stage_variable_overrides),
    }


def _gateway_response(response: GatewayResponse) -> JSON:
    return _origin(
        {
            "type": response.type,
            "status": response.status,
            "templates": dict(response.templates),
            "headers": dict(response.headers),
        },
        response.origin,
    )


def _authorizer(authorizer: Authorizer) -> JSON:
    return _origin(
        {
            "id": authorizer.id,
            "name": authorizer.name,
            "type": authorizer.type,
            "identity_sources": list(authorizer.identity_sources),
        },
        authorizer.origin,
    )


def _domain(domain: DomainName) -> JSON:
    return _origin(
        {
            "name": domain.name,
            "endpoint_type": domain.endpoint_type,
            "region": domain.region,
            "mappings": [_mapping(m) for m in domain.mappings],
        },
        domain.origin,
    )


def _mapping(mapping: Mapping) -> JSON:
    return _origin(
        {"base_path": mapping.base_path, "api_id": mapping.api_id, "stage": mapping.stage, "source": mapping.source},
        mapping.origin,
    )
