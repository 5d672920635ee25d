"""An OpenAPI 3 or Swagger 2 document as API Gateway reads it: version, server, local ``$ref``s, operations.

This module only reads and checks shapes; turning operations into model objects is :mod:`.openapi`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..model import Origin
from .document import Document, fail, mapping, opt_mapping, sequence, string

OPERATION_KEYS: dict[str, str] = {
    "get": "GET",
    "put": "PUT",
    "post": "POST",
    "delete": "DELETE",
    "options": "OPTIONS",
    "head": "HEAD",
    "patch": "PATCH",
    "x-amazon-apigateway-any-method": "ANY",
}
"""Path-item keys that are API Gateway methods; every other key (``parameters``, ``summary``, ``x-...``) is ignored."""

INTEGRATION = "x-amazon-apigateway-integration"
_VARIABLE = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class Operation:
    """One method of one path item, with its integration (``$ref`` resolved) when it has one."""

    path: str
    method: str
    data: dict[str, object]
    origin: Origin
    integration: dict[str, object] | None
    integration_origin: Origin


@dataclass(frozen=True, slots=True)
class PathItem:
    path: str
    origin: Origin
    operations: tuple[Operation, ...]


@dataclass(frozen=True, slots=True)
class Server:
    """Where the file says the API lives: host (None when absent) and base path (``""`` when none)."""

    host: str | None
    base_path: str
    origin: Origin
    data: dict[str, object]
    """The OAS3 server object (it may carry ``x-amazon-apigateway-endpoint-configuration``), else empty."""


class Spec:
    """A parsed OpenAPI 3 / Swagger 2 document, with local ``$ref`` resolution."""

    def __init__(self, doc: Document) -> None:
        self.path = doc.path
        self.data = doc.data
        self.origin = Origin(doc.path, "")
        self.version = _version(doc.data, self.origin)

    @property
    def is_oas3(self) -> bool:
        return self.version == "oas3"

    def resolve(self, value: object, origin: Origin) -> tuple[object, Origin]:
        """Follow local ``$ref``s (``#/components/...``); the result's origin is where the target sits."""
        seen: set[str] = set()
        while isinstance(value, dict) and "$ref" in value:
            ref = string(value["$ref"], origin.child("$ref"), "'$ref'")
            if not ref.startswith("#"):
                fail(
                    f"external $ref {ref!r} is not supported: only references inside the file ('#/...')",
                    origin.child("$ref"),
                )
            if ref in seen:
                fail(f"circular $ref {ref!r}", origin.child("$ref"))
            seen.add(ref)
            value, origin = self._lookup(ref, origin.child("$ref"))
        return value, origin

    def _lookup(self, ref: str, at: Origin) -> tuple[object, Origin]:
        pointer = unquote(ref[1:])
        if pointer and not pointer.startswith("/"):
            fail(f"$ref {ref!r} is not a JSON pointer ('#/components/...')", at)
        node: object = self.data
        for token in pointer.split("/")[1:] if pointer else ():
            key = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                fail(f"$ref {ref!r} points at nothing: {key!r} is missing", at)
        return node, Origin(self.path, pointer)

    def path_items(self) -> tuple[PathItem, ...]:
        if "paths" not in self.data:
            fail("no 'paths': not an API Gateway API (an OpenAPI export always has 'paths')", self.origin)
        paths_origin = self.origin.child("paths")
        paths = mapping(self.data["paths"], paths_origin, "'paths'")
        items = []
        for path, raw in paths.items():
            origin = paths_origin.child(path)
            if not path.startswith("/"):
                fail(f"path {path!r} must start with '/'", origin)
            value, item_origin = self.resolve(raw, origin)
            item = mapping(value, item_origin, f"path item {path}")
            items.append(PathItem(path, origin, tuple(self._operations(path, item, item_origin))))
        return tuple(items)

    def _operations(self, path: str, item: dict[str, object], origin: Origin) -> list[Operation]:
        out = []
        for key, raw in item.items():
            method = OPERATION_KEYS.get(key)
            if method is None:
                continue
            value, op_origin = self.resolve(raw, origin.child(key))
            data = mapping(value, op_origin, f"operation {key} of {path}")
            integration: dict[str, object] | None = None
            integration_origin = op_origin.child(INTEGRATION)
            if data.get(INTEGRATION) is not None:
                raw_integration, integration_origin = self.resolve(data[INTEGRATION], integration_origin)
                integration = mapping(raw_integration, integration_origin, f"'{INTEGRATION}'")
            out.append(Operation(path, method, data, op_origin, integration, integration_origin))
        return out

    def server(self) -> Server:
        return self._oas3_server() if self.is_oas3 else self._swagger_server()

    def _oas3_server(self) -> Server:
        if self.data.get("servers") is None:
            return Server(None, "", self.origin, {})
        servers_origin = self.origin.child("servers")
        servers = sequence(self.data["servers"], servers_origin, "'servers'")
        if not servers:
            return Server(None, "", servers_origin, {})
        origin = servers_origin.child(0)
        server = mapping(servers[0], origin, "servers[0]")
        url = string(server.get("url"), origin.child("url"), "servers[0].url")
        variables = opt_mapping(server, "variables", origin) or {}

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            spec = variables.get(name)
            if isinstance(spec, dict) and isinstance(spec.get("default"), str):
                return str(spec["default"])
            return match.group(0)

        url = _VARIABLE.sub(substitute, url)
        if "://" not in url and not url.startswith("/"):
            url = "https://" + url
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            fail(f"servers[0].url {url!r} is not a URL", origin.child("url"))
        return Server(host, parts.path, origin, server)

    def _swagger_server(self) -> Server:
        host = self.data.get("host")
        base = self.data.get("basePath")
        if host is not None:
            host = string(host, self.origin.child("host"), "'host'").split(":", 1)[0].lower() or None
        origin = self.origin
        if base is not None:
            origin = self.origin.child("basePath")
            base = string(base, origin, "'basePath'")
        return Server(host, base or "", origin, {})

    def security_schemes(self) -> tuple[tuple[str, dict[str, object], Origin], ...]:
        """``components.securitySchemes`` (OAS3) or ``securityDefinitions`` (Swagger 2), refs resolved."""
        if self.is_oas3:
            components = opt_mapping(self.data, "components", self.origin) or {}
            holder, origin = components, self.origin.child("components")
            key = "securitySchemes"
        else:
            holder, origin, key = self.data, self.origin, "securityDefinitions"
        schemes = opt_mapping(holder, key, origin) or {}
        out = []
        for name, raw in schemes.items():
            value, scheme_origin = self.resolve(raw, origin.child(key, name))
            out.append((name, mapping(value, scheme_origin, f"security scheme {name!r}"), scheme_origin))
        return tuple(out)

    @property
    def schemes_location(self) -> str:
        return "components.securitySchemes" if self.is_oas3 else "securityDefinitions"


def _version(data: dict[str, object], origin: Origin) -> str:
    if "openapi" in data:
        version = str(data["openapi"])
        if version.startswith("3"):
            return "oas3"
        fail(f"OpenAPI version {version!r} is not supported (expected 3.x)", origin.child("openapi"))
    if "swagger" in data:
        version = str(data["swagger"])
        if version in ("2.0", "2"):
            return "swagger2"
        fail(f"Swagger version {version!r} is not supported (expected 2.0)", origin.child("swagger"))
    fail("not an OpenAPI 3 or Swagger 2 document (no 'openapi' or 'swagger' key)", origin)
