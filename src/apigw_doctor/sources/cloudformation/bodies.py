"""``Body`` and ``BodyS3Location``: an API's OpenAPI definition, read by the OpenAPI source.

An inline ``Body`` (intrinsics resolved; what stays symbolic, such as ``${Function.Arn}`` in an integration
URI, is kept as text) and a ``BodyS3Location`` naming a local file (as ``aws cloudformation package`` takes
it, relative to the template) are read with :func:`..openapi.load_openapi`, in the import's base-path mode
(``Parameters.basepath`` for REST, ``BasePath`` for HTTP APIs; ``ignore`` by default, as API Gateway
imports). The stages come from the template, not from the definition. Origins point into the template
(``/Resources/Api/Properties/Body/paths/...`` with the line) or into the local file. An ``s3://`` location
cannot be read offline: the API gets a note and no routes from it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass

from ...errors import InputError
from ...model import HttpApi, Origin, RestApi
from ..document import Document, fail, read_text, type_name
from ..openapi import BASEPATH_MODES, load_openapi
from ..validate import ImpossibleTree
from .resources import Reader
from .template import TemplateResource, relative_file
from .values import ResourceRef, Symbolic, plain
from .yaml_cfn import parse_text

ENDPOINT_CONFIGURATION = "x-amazon-apigateway-endpoint-configuration"
DEFAULT_PATH = "$default"
NO_AUTHORIZER = "NONE"
Relocate = Callable[[Origin], Origin]


@dataclass(frozen=True, slots=True)
class Body:
    """What an API's definition contributes: the API as the OpenAPI source reads it, origins relocated."""

    api: RestApi | HttpApi
    title: str
    declares_endpoint: bool
    """The definition has ``x-amazon-apigateway-endpoint-configuration`` (REST: it gives the endpoint type)."""


def read_body(reader: Reader, resource: TemplateResource, kind: str, notes: list[str]) -> Body | None:
    """The API's definition from ``Body`` or ``BodyS3Location``; None when it has neither or it is not readable."""
    props = reader.props(resource)
    if props.get("Body") is not None:
        return _inline(reader, resource, kind, notes)
    location = props.get("BodyS3Location")
    if location is None:
        return None
    if isinstance(location, str) and not location.startswith("s3://"):
        return _local_file(reader, resource, kind, location)
    where = reader.origin(resource, "BodyS3Location")
    if isinstance(location, dict):
        bucket, key = location.get("Bucket"), location.get("Key")
        shown = f"s3://{plain(bucket)}/{plain(key)}"
    else:
        shown = str(plain(location))
    notes.append(
        f"{where}: the definition of {resource.logical_id} is at {shown}, which cannot be read offline: its routes "
        "are not visible (point BodyS3Location at a local file, as `aws cloudformation package` takes it)"
    )
    return None


def _inline(reader: Reader, resource: TemplateResource, kind: str, notes: list[str]) -> Body | None:
    value = reader.props(resource)["Body"]
    where = reader.origin(resource, "Body")
    if isinstance(value, ResourceRef | Symbolic):
        reason = value.reason if isinstance(value, Symbolic) else f"a reference to {value.logical_id}"
        notes.append(
            f"{where}: the Body of {resource.logical_id} is {value.text} ({reason}): its routes are not visible"
        )
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            fail(f"Body of {resource.logical_id} is text that is not JSON ({exc.msg})", where)
    if not isinstance(value, dict):
        fail(f"Body of {resource.logical_id} must be an OpenAPI definition (a mapping), not {type_name(value)}", where)
    data = plain(value)
    assert isinstance(data, dict)
    path = reader.template.path
    template = reader.template

    def relocate(origin: Origin) -> Origin:
        return template.origin(resource, "/Properties/Body" + origin.pointer)

    doc = Document(path, data, reader.template.syntax)
    return _load(doc, reader, resource, kind, relocate)


def _local_file(reader: Reader, resource: TemplateResource, kind: str, location: str) -> Body:
    path = relative_file(reader.template.path, location)
    try:
        text = read_text(path)
    except InputError as exc:
        fail(f"BodyS3Location {location!r} of {resource.logical_id}: {path}: {exc.message}", reader.origin(resource))
    syntax = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    data, lines, _ = parse_text(text, path, syntax)
    if not isinstance(data, dict):
        fail(f"the top level is {type_name(data)}, expected an OpenAPI definition", Origin(path))

    def relocate(origin: Origin) -> Origin:
        return Origin(path, origin.pointer, lines.line(origin.pointer))

    return _load(Document(path, data, syntax), reader, resource, kind, relocate)


def _load(doc: Document, reader: Reader, resource: TemplateResource, kind: str, relocate: Relocate) -> Body:
    props = reader.props(resource)
    raw_mode = props.get("BasePath") if kind == "HTTP" else None
    parameters = props.get("Parameters")
    if kind == "REST" and isinstance(parameters, dict):
        raw_mode = parameters.get("basepath")
    mode = raw_mode.lower() if isinstance(raw_mode, str) else "ignore"
    if mode not in BASEPATH_MODES:
        key = "BasePath" if kind == "HTTP" else "Parameters"
        fail(f"base path mode {raw_mode!r} is not one of {', '.join(BASEPATH_MODES)}", reader.origin(resource, key))
    paths = doc.data.get("paths")
    if isinstance(paths, dict) and _names_scheme_none(doc.data):
        paths = _without_scheme_none(paths)
        doc = Document(doc.path, {**doc.data, "paths": paths}, doc.syntax)
    if kind == "HTTP" and isinstance(paths, dict) and DEFAULT_PATH in paths and f"/{DEFAULT_PATH}" not in paths:
        doc, relocate = _slash_default(doc, paths, relocate)
    if "openapi" not in doc.data and "swagger" not in doc.data:
        fail(
            f"the definition of {resource.logical_id} is not OpenAPI 3 ('openapi: 3.x') or Swagger 2 "
            "('swagger: \"2.0\"')",
            relocate(Origin(doc.path)),
        )
    try:
        world = load_openapi(doc, basepath_mode=mode, api_kind=kind)
    except InputError as exc:
        location = exc.location or ""
        if location == doc.path:
            pointer = ""
        elif location.startswith(doc.path + "#"):
            pointer = location[len(doc.path) + 1 :]
        else:
            raise
        if isinstance(exc, ImpossibleTree):
            raise ImpossibleTree(exc.message, relocate(Origin(doc.path, pointer))) from None
        raise InputError(exc.message, str(relocate(Origin(doc.path, pointer)))) from None
    (api,) = world.apis
    # The definition's own notes on ids, stages and endpoint types are about exports, not templates.
    kept = tuple(n for n in api.notes if not n.startswith(f"{doc.path} "))
    servers = doc.data.get("servers")
    first = servers[0] if isinstance(servers, list) and servers else None
    declares = ENDPOINT_CONFIGURATION in doc.data or (isinstance(first, dict) and ENDPOINT_CONFIGURATION in first)
    info = doc.data.get("info")
    title = info.get("title") if isinstance(info, dict) else None
    title = title if isinstance(title, str) and "${" not in title else ""
    return Body(_relocated(api, relocate, kept), title, declares)


def _names_scheme_none(data: dict[str, object]) -> bool:
    """True when operations name the security scheme ``NONE`` and the definition does not define it."""
    components = data.get("components")
    holders = (
        components.get("securitySchemes") if isinstance(components, dict) else None,
        data.get("securityDefinitions"),
    )
    if any(isinstance(h, dict) and NO_AUTHORIZER in h for h in holders):
        return False
    return f'"{NO_AUTHORIZER}"' in json.dumps(data.get("paths"), default=str)


def _without_scheme_none(paths: dict[str, object]) -> dict[str, object]:
    """SAM writes ``Authorizer: NONE`` as ``security: [{NONE: []}]``, an undefined scheme API Gateway skips."""
    out: dict[str, object] = {}
    for path, item in paths.items():
        if isinstance(item, dict):
            item = {
                key: {
                    **op,
                    "security": [r for r in op["security"] if not (isinstance(r, dict) and list(r) == [NO_AUTHORIZER])],
                }
                if isinstance(op, dict) and isinstance(op.get("security"), list)
                else op
                for key, op in item.items()
            }
        out[path] = item
    return out


def _slash_default(doc: Document, paths: dict[str, object], relocate: Relocate) -> tuple[Document, Relocate]:
    """SAM writes the ``$default`` route as the path ``$default``; API Gateway also reads ``/$default``."""
    renamed = {(f"/{key}" if key == DEFAULT_PATH else key): value for key, value in paths.items()}
    written, read = f"/paths/{DEFAULT_PATH}", f"/paths/~1{DEFAULT_PATH}"

    def back(origin: Origin) -> Origin:
        pointer = origin.pointer
        if pointer == read or pointer.startswith(read + "/"):
            pointer = written + pointer[len(read) :]
        return relocate(Origin(origin.source, pointer, origin.line))

    return Document(doc.path, {**doc.data, "paths": renamed}, doc.syntax), back


def _relocated(api: RestApi | HttpApi, relocate: Relocate, notes: tuple[str, ...]) -> RestApi | HttpApi:
    authorizers = tuple(dataclasses.replace(a, origin=relocate(a.origin)) for a in api.authorizers)
    if isinstance(api, HttpApi):
        routes = tuple(dataclasses.replace(r, origin=relocate(r.origin)) for r in api.routes)
        return dataclasses.replace(api, routes=routes, authorizers=authorizers, notes=notes)
    resources = tuple(
        dataclasses.replace(
            r,
            origin=relocate(r.origin),
            methods=tuple(dataclasses.replace(m, origin=relocate(m.origin)) for m in r.methods),
        )
        for r in api.resources
    )
    responses = tuple(dataclasses.replace(g, origin=relocate(g.origin)) for g in api.gateway_responses)
    return dataclasses.replace(
        api, resources=resources, authorizers=authorizers, gateway_responses=responses, notes=notes
    )
