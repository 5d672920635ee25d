"""The snapshot format's vocabulary: its marker, version, the fields each kind of object may carry, and
:class:`Obj`, which reads one object strictly against them.

The writer (:mod:`.snapshot`) writes every field listed here; the reader (:mod:`.snapshot_read`) refuses any
other and requires the ``REQUIRED`` ones (the rest default as in the model). ``docs/snapshot.md`` describes
the format and ``data/snapshot.schema.json`` is its JSON Schema; a test keeps the three in step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar, cast

from ..model import Origin
from .document import fail, type_name

T = TypeVar("T")
_MISSING = object()

FORMAT = "apigw-doctor/world"
VERSION = 1

FIELDS: dict[str, frozenset[str]] = {
    "world": frozenset({"format", "version", "apis", "domains", "notes"}),
    "REST API": frozenset(
        {
            "kind",
            "id",
            "name",
            "region",
            "account",
            "endpoint_type",
            "disable_execute_api_endpoint",
            "api_key_source",
            "vpc_endpoint_ids",
            "resources",
            "deployments",
            "stages",
            "stages_known",
            "gateway_responses",
            "authorizers",
            "tags",
            "id_known",
            "source_kind",
            "notes",
            "origin",
        }
    ),
    "HTTP API": frozenset(
        {
            "kind",
            "id",
            "name",
            "region",
            "account",
            "disable_execute_api_endpoint",
            "routes",
            "deployments",
            "stages",
            "stages_known",
            "cors",
            "authorizers",
            "tags",
            "id_known",
            "source_kind",
            "notes",
            "origin",
        }
    ),
    "resource": frozenset({"path", "methods", "id", "origin"}),
    "method": frozenset(
        {
            "http_method",
            "authorization_type",
            "api_key_required",
            "integration_type",
            "authorizer_id",
            "integration_uri",
            "origin",
        }
    ),
    "REST deployment": frozenset({"id", "resources", "description", "created", "origin"}),
    "route": frozenset({"key", "authorization_type", "api_key_required", "authorizer_id", "target", "origin"}),
    "HTTP deployment": frozenset({"id", "routes", "status", "auto_deployed", "description", "created", "origin"}),
    "stage": frozenset(
        {
            "name",
            "deployment_id",
            "variables",
            "canary",
            "auto_deploy",
            "last_deployment_status",
            "origin",
        }
    ),
    "canary": frozenset({"percent", "deployment_id", "stage_variable_overrides"}),
    "gateway response": frozenset({"type", "status", "templates", "headers", "origin"}),
    "authorizer": frozenset({"id", "name", "type", "identity_sources", "origin"}),
    "cors": frozenset({"allow_origins", "allow_methods", "allow_headers"}),
    "domain": frozenset({"name", "endpoint_type", "region", "mappings", "origin"}),
    "mapping": frozenset({"base_path", "api_id", "stage", "source", "origin"}),
    "origin": frozenset({"source", "pointer", "line"}),
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "world": ("format", "version"),
    "REST API": ("kind", "id"),
    "HTTP API": ("kind", "id"),
    "resource": ("path",),
    "method": ("http_method",),
    "REST deployment": ("id",),
    "route": ("key",),
    "HTTP deployment": ("id",),
    "stage": ("name",),
    "canary": ("percent", "deployment_id"),
    "gateway response": ("type",),
    "authorizer": ("id",),
    "cors": (),
    "domain": ("name",),
    "mapping": ("base_path", "api_id", "stage"),
    "origin": (),
}


class Obj:
    """One JSON object of the snapshot, with its origin, checked against the fields its kind allows."""

    __slots__ = ("data", "origin", "what")

    def __init__(self, value: object, origin: Origin, what: str) -> None:
        if not isinstance(value, dict):
            fail(f"expected {what} (an object), got {type_name(value)}", origin)
        self.data = cast(dict[str, object], value)
        self.origin = origin
        self.what = what
        allowed = FIELDS[what]
        for key in self.data:
            if key not in allowed:
                fail(
                    f"unknown field {key!r} in {what} (expected one of: {', '.join(sorted(allowed))})",
                    origin.child(key),
                )
        for key in REQUIRED[what]:
            if key not in self.data:
                fail(f"missing field {key!r} in {what}", origin)
        if "origin" in self.data and self.data["origin"] is not None:
            Obj(self.data["origin"], origin.child("origin"), "origin").check_origin()

    def check_origin(self) -> None:
        self.text("source", "")
        self.text("pointer", "")
        line = self.data.get("line")
        if line is not None and (isinstance(line, bool) or not isinstance(line, int) or line < 1):
            fail(
                f"expected a line number (an integer from 1) or null for 'line', got {line!r}",
                self.origin.child("line"),
            )

    def _get(self, key: str, expected: str, ok: Callable[[object], bool], default: object) -> object:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            return default
        if not ok(value):
            fail(f"expected {expected} for {key!r} in {self.what}, got {type_name(value)}", self.origin.child(key))
        return value

    def text(self, key: str, default: str = "") -> str:
        return cast(str, self._get(key, "a string", lambda v: isinstance(v, str), default))

    def opt_text(self, key: str) -> str | None:
        return cast("str | None", self._get(key, "a string or null", lambda v: v is None or isinstance(v, str), None))

    def flag(self, key: str, default: bool) -> bool:
        return cast(bool, self._get(key, "true or false", lambda v: isinstance(v, bool), default))

    def choice(self, key: str, choices: Iterable[str], default: str | None) -> str | None:
        value = self._get(
            key,
            "a string" if default is not None else "a string or null",
            lambda v: isinstance(v, str) or (v is None and default is None),
            default,
        )
        options = tuple(choices)
        if value is not None and value not in options:
            fail(
                f"expected one of {', '.join(options)} for {key!r} in {self.what}, got {value!r}",
                self.origin.child(key),
            )
        return value if isinstance(value, str) else None

    def items(self, key: str, nullable: bool = False) -> list[tuple[object, Origin]] | None:
        expected = "a list or null" if nullable else "a list"
        value = self._get(
            key, expected, lambda v: isinstance(v, list) or (nullable and v is None), None if nullable else []
        )
        if value is None:
            return None
        return [(item, self.origin.child(key, i)) for i, item in enumerate(cast(list[object], value))]

    def strings(self, key: str) -> tuple[str, ...]:
        out = []
        for item, origin in self.items(key) or ():
            if not isinstance(item, str):
                fail(f"expected a string in {key!r} of {self.what}, got {type_name(item)}", origin)
            out.append(item)
        return tuple(out)

    def pairs(self, key: str) -> tuple[tuple[str, str], ...]:
        value = cast(dict[str, object], self._get(key, "an object of strings", lambda v: isinstance(v, dict), {}))
        for name, item in value.items():
            if not isinstance(item, str):
                fail(
                    f"expected a string for {name!r} in {key!r} of {self.what}, got {type_name(item)}",
                    self.origin.child(key, name),
                )
        return tuple(cast(dict[str, str], value).items())

    def objects(self, key: str, read: Callable[[object, Origin], T], nullable: bool = False) -> tuple[T, ...] | None:
        found = self.items(key, nullable)
        return None if found is None else tuple(read(item, origin) for item, origin in found)

    def many(self, key: str, read: Callable[[object, Origin], T]) -> tuple[T, ...]:
        return self.objects(key, read) or ()
