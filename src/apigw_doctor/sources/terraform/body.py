"""An API's ``body`` (an OpenAPI 3 / Swagger 2 definition) read with the OpenAPI source.

``body = jsonencode({...})``, ``file("openapi.json")``, ``templatefile("openapi.yaml.tftpl", {...})``, a
local or variable holding one of those, or a literal string. Values known only after apply inside it (a
Lambda's ``invoke_arn`` in an integration ``uri``) are kept as written (``${aws_lambda_function.f.invoke_arn}``):
the paths and methods are still known. Objects read from a file keep the file as their origin
(``openapi.json#/paths/~1pets/get``); objects read from ``jsonencode`` are located in the ``.tf`` file, at
the line of their key (``main.tf:31#aws_api_gateway_rest_api.main/body/paths/~1pets/get``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar, cast

from ...errors import InputError
from ...model import Authorizer, GatewayResponse, HttpApi, Method, Origin, RestApi, Route
from ..document import Document, parse_json
from ..openapi import load_openapi
from .config import TfResource
from .link import shown, where
from .syntax import Call, Expr, Literal, ObjectExpr, TupleExpr
from .values import FileText, Unknown, Value, plain, reason_of, symbols

_IGNORED_NOTES = ("names no stage", "has no execute-api server URL", "does not give the endpoint type")
"""OpenAPI-source notes about what a Terraform API states elsewhere (its id, stages, endpoint type)."""
Part = TypeVar("Part", Method, Route, Authorizer, GatewayResponse)


def read_body(r: TfResource, kind: str, basepath: str, notes: list[str]) -> RestApi | HttpApi | None:
    """The API the ``body`` describes (routes, authorizers, gateway responses, CORS); None without one."""
    argument = r.argument("body")
    if argument is None or argument.value is None:
        return None
    value: Value = argument.value
    found = symbols(value)
    if isinstance(value, Unknown) and value.partial is not None:
        value = value.partial
        found = symbols(value) or found
    tf_file = r.origin.source
    if isinstance(value, dict):
        data: object = plain(value)
        path = tf_file
    elif isinstance(value, str):
        path = value.path if isinstance(value, FileText) else tf_file
        data = _parse(value, path, known=not found, notes=notes, at=where(r))
        if data is None:
            return None
    else:
        reason = reason_of(found[0]) if found else "it is not set to a definition"
        notes.append(f"{where(r)}: body = {shown(r, 'body')} cannot be read ({reason}): its routes are not seen")
        return None
    if found:
        found = tuple({s.display: s for s in found}.values())
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        notes.append(f"{where(r)}: body: {reason_of(found[0])}{more}; kept as written, the routes do not depend on it")
    if not isinstance(data, dict) or not ("openapi" in data or "swagger" in data):
        raise InputError("the body is not an OpenAPI 3 or Swagger 2 definition", _located(r, path, ""))
    doc = Document(path, cast(dict[str, object], data), "json")
    relocate = path == tf_file
    lines = key_lines(argument.expr)
    try:
        api = load_openapi(doc, basepath_mode=basepath, api_kind=kind).apis[0]
    except InputError as exc:
        location = exc.location or ""
        if relocate and location.startswith(f"{tf_file}#"):
            pointer = location[len(tf_file) + 1 :]
            raise InputError(exc.message, _located(r, path, pointer, _line(lines, pointer, argument.line))) from None
        raise
    notes.extend(n for n in api.notes if not any(part in n for part in _IGNORED_NOTES))
    if not relocate:
        return api

    def move(origin: Origin) -> Origin:
        return Origin(tf_file, f"{r.address}/body{origin.pointer}", _line(lines, origin.pointer, argument.line))

    return _reorigin(api, move)


def _parse(text: str, path: str, *, known: bool, notes: list[str], at: str) -> object:
    """JSON or YAML text; a malformed text is an InputError, or a note when it holds unknown values."""
    try:
        if text.lstrip().startswith(("{", "[")):
            return parse_json(text, path)
        import yaml

        try:
            return cast(object, yaml.safe_load(text))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            located = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path
            raise InputError(f"malformed YAML: {exc.problem or 'syntax error'}", located) from None
        except yaml.YAMLError as exc:
            raise InputError(f"malformed YAML: {exc}", path) from None
    except InputError as exc:
        if known:
            raise
        notes.append(f"{at}: the body, with values known only after apply, is not JSON or YAML ({exc}): skipped")
        return None


def _located(r: TfResource, path: str, pointer: str, line: int | None = None) -> str:
    if path != r.origin.source:
        return f"{path}#{pointer}" if pointer else path
    line = line if line is not None else r.origin.line
    return f"{path}:{line}#{r.address}/body{pointer}" if line is not None else f"{path}#{r.address}/body{pointer}"


def key_lines(expr: Expr | None) -> dict[str, int]:
    """JSON pointer -> line of each key of a literal object (``jsonencode({...})``)."""
    if isinstance(expr, Call) and expr.name in ("jsonencode", "yamlencode") and len(expr.args) == 1:
        expr = expr.args[0]
    out: dict[str, int] = {}
    stack: list[tuple[Expr, str]] = [(expr, "")] if expr is not None else []
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, ObjectExpr):
            for item in node.items:
                if isinstance(item.key, Literal) and item.key.value is not None:
                    child = pointer + "/" + str(item.key.value).replace("~", "~0").replace("/", "~1")
                    out[child] = item.line
                    stack.append((item.value, child))
        elif isinstance(node, TupleExpr):
            for i, value in enumerate(node.items):
                out[f"{pointer}/{i}"] = value.line
                stack.append((value, f"{pointer}/{i}"))
    return out


def _line(lines: dict[str, int], pointer: str, default: int | None) -> int | None:
    """The line of ``pointer``, or of its nearest ancestor that has one."""
    while pointer:
        if pointer in lines:
            return lines[pointer]
        pointer = pointer.rsplit("/", 1)[0]
    return default


def _reorigin(api: RestApi | HttpApi, move: Callable[[Origin], Origin]) -> RestApi | HttpApi:
    def each(items: tuple[Part, ...]) -> tuple[Part, ...]:
        return tuple(dataclasses.replace(i, origin=move(i.origin)) for i in items)

    if isinstance(api, HttpApi):
        return dataclasses.replace(api, routes=each(api.routes), authorizers=each(api.authorizers))
    resources = tuple(
        dataclasses.replace(res, origin=move(res.origin), methods=each(res.methods)) for res in api.resources
    )
    return dataclasses.replace(
        api,
        resources=resources,
        authorizers=each(api.authorizers),
        gateway_responses=each(api.gateway_responses),
    )
