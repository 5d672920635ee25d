"""Fidelity patch, part of HTTP API deployments: what an HTTP API deployment serves, and ExportApi's file of it.

moto 5.2.5 has no ExportApi (``GET /v2/apis/{id}/exports/{specification}``: no route) and keeps no record of
what an HTTP API deployment holds (``../shared/reference/moto.md`` §2, §9.1). The live source learns what an
HTTP API stage serves from ``export-api --specification OAS30 --stage-name S``; without it, a stage pointing at
an old deployment was read as serving the current routes. This module is the record and the file:

* :func:`served` copies, at CreateDeployment (``v2deploy`` calls it), what the API serves: every route (key,
  authorization type, authorizer id and scopes, target, operation name), each target integration and each
  authorizer (moto's JSON shapes, deep copies), the API's name, description, version, CORS configuration and
  ``disableExecuteApiEndpoint``.
* ExportApi (its handler is ``v2deploy._export_api``, which knows the stages and deployments) picks the record
  a stage serves, or the current routes, and :func:`document` writes it as AWS's HTTP API export does
  (OpenAPI 3.0.1), :func:`render` as JSON or YAML::

      openapi: 3.0.1
      info: {title: <API name>, description: ..., version: <API version, else "2024-05-01 12:00:00UTC">}
      servers:
      - url: https://{id}.execute-api.{region}.amazonaws.com/{basePath}
        variables: {basePath: {default: prod}}             # "" for $default; no stage: the endpoint only
      paths:
        /orders/{id}:
          get:
            responses: {default: {description: Default response for GET /orders/{id}}}
            security: [{sigv4: []}]                         # AWS_IAM; [{<authorizer name>: [scopes]}]
            x-amazon-apigateway-integration:                # with includeExtensions (the default)
              {payloadFormatVersion: "1.0", type: http_proxy, httpMethod: GET, uri: ...,
               connectionType: INTERNET, timeoutInMillis: 30000}
          parameters: [{name: id, in: path, description: Generated path parameter for id,
                        required: true, schema: {type: string}}]
        /$default:
          x-amazon-apigateway-any-method: {isDefaultRoute: true, ...}
      components:
        securitySchemes:
          sigv4: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
          <JWT>: {type: oauth2, flows: {}, x-amazon-apigateway-authorizer: {identitySource, jwtConfiguration,
                  type: jwt}}
          <Lambda>: {type: apiKey, name: Unused, in: header, x-amazon-apigateway-authorizer: {identitySource,
                     authorizerUri, authorizerPayloadFormatVersion, authorizerResultTtlInSeconds, type: request,
                     enableSimpleResponses}}
      x-amazon-apigateway-cors: {...}                       # with extensions, when the API has CORS
      x-amazon-apigateway-importexport-version: "1.0"       # with extensions

With ``includeExtensions=false`` every ``x-amazon-apigateway-*`` member is left out but
``x-amazon-apigateway-any-method``, which holds the ``ANY`` routes (and ``$default``) rather than extending them.

What the AWS references at hand do not pin down, kept minimal here: the exact ``info.version`` timestamp text,
the order of members, whether ``responses`` is written for the ``$default`` route, the server of an export
without a stage (here the API's endpoint, no ``basePath``), whether ``x-amazon-apigateway-any-method`` stays
without extensions (here it does: dropping it would drop routes), the ``x-amazon-apigateway-endpoint-
configuration`` of an API whose default endpoint is disabled (on the server, as REST exports write it), and the
wording of
ExportApi's 400 errors (:data:`BAD_SPECIFICATION` and the others paraphrase botocore's documentation of the
members). Not written, because the sandbox does not keep it or it would be invented: tags
(``x-amazon-apigateway-tag-value``), request parameters and models, integration ``requestTemplates`` and
response selection (WebSocket only), route settings. Route keys AWS would refuse (``GET orders``: moto accepts
them) are left out; of two routes with one key (moto accepts that too) the first is written.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moto.apigatewayv2.models import Api

JSON = dict[str, Any]
SPECIFICATION = "OAS30"
OUTPUT_TYPES = ("JSON", "YAML")
EXPORT_VERSION = "1.0"
BAD_SPECIFICATION = "Unsupported specification {0!r}: OAS30, for OpenAPI 3.0, is the only supported value"
BAD_OUTPUT_TYPE = "Invalid outputType {0!r}: valid values are JSON and YAML"
BAD_EXPORT_VERSION = "Unsupported exportVersion {0!r}: the only supported version is 1.0"
ANY_METHOD = "x-amazon-apigateway-any-method"
DEFAULT_ROUTE = "$default"
OPERATION_ORDER = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "ANY")
ROUTE_KEY = re.compile(r"(?P<method>[A-Z]+) (?P<path>/\S*)")
SIGV4 = "sigv4"


@dataclass(frozen=True, slots=True)
class Served:
    """What one HTTP API deployment serves, copied from moto's objects when it was made (moto's JSON shapes)."""

    name: str
    description: str
    version: str
    created: datetime
    routes: tuple[JSON, ...]
    """moto's Route JSON (``routeKey``, ``authorizationType``, ``authorizerId``, ``target``...), in moto's order."""
    integrations: JSON
    """integration id -> moto's Integration JSON, for the integrations a route targets."""
    authorizers: JSON
    """authorizer id -> moto's Authorizer JSON, for the authorizers a route names."""
    cors: JSON | None
    disable_execute_api_endpoint: bool


def served(api: Api, created: datetime | None = None) -> Served:
    """What ``api`` serves now (deep copies: later edits of moto's objects do not reach the record)."""
    routes = tuple(copy.deepcopy(route.to_json()) for route in api.routes.values())
    targets = {_integration_id(r.get("target")) for r in routes}
    named = {r.get("authorizerId") for r in routes}
    return Served(
        name=str(api.name or ""),
        description=str(api.description or ""),
        version=str(api.version or ""),
        created=created or datetime.now(UTC),
        routes=routes,
        integrations={k: copy.deepcopy(i.to_json()) for k, i in api.integrations.items() if k in targets},
        authorizers={k: copy.deepcopy(a.to_json()) for k, a in api.authorizers.items() if k in named},
        cors=copy.deepcopy(api.cors_configuration) if isinstance(api.cors_configuration, dict) else None,
        disable_execute_api_endpoint=bool(api.disable_execute_api_endpoint),
    )


@dataclass(frozen=True, slots=True)
class Options:
    """What ExportApi asked for, once checked."""

    yaml: bool = False
    extensions: bool = True
    """``includeExtensions``: "API Gateway extensions are included by default" (botocore's model)."""

    @staticmethod
    def parse(specification: str, query: Mapping[str, list[str]]) -> Options | str:
        """The options of ``query`` (moto's parsed query string), or the message of AWS's 400 answer."""
        if specification != SPECIFICATION:
            return BAD_SPECIFICATION.format(specification)
        output = _first(query, "outputType")
        if output not in OUTPUT_TYPES:
            return BAD_OUTPUT_TYPE.format(output)
        version = _first(query, "exportVersion")
        if version is not None and version != EXPORT_VERSION:
            return BAD_EXPORT_VERSION.format(version)
        include = (_first(query, "includeExtensions") or "true").strip().lower()
        return Options(yaml=output == "YAML", extensions=include != "false")


def document(record: Served, endpoint: str, stage: str | None, opts: Options) -> JSON:
    """The file AWS's ExportApi returns for ``record`` (``stage``: the stage exported, None for the routes)."""
    info: JSON = {"title": record.name}
    if record.description:
        info["description"] = record.description
    info["version"] = record.version or record.created.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SUTC")
    server: JSON = {"url": endpoint}
    if stage is not None:
        base = "" if stage == DEFAULT_ROUTE else stage
        server = {"url": f"{endpoint}/{{basePath}}", "variables": {"basePath": {"default": base}}}
    if opts.extensions and record.disable_execute_api_endpoint:
        server["x-amazon-apigateway-endpoint-configuration"] = {"disableExecuteApiEndpoint": True}
    writer = _Writer(record, opts)
    doc: JSON = {"openapi": "3.0.1", "info": info, "servers": [server], "paths": writer.paths()}
    if writer.schemes:
        doc["components"] = {"securitySchemes": writer.schemes}
    if opts.extensions:
        if record.cors:
            doc["x-amazon-apigateway-cors"] = record.cors
        doc["x-amazon-apigateway-importexport-version"] = EXPORT_VERSION
    return doc


def render(doc: JSON, opts: Options) -> bytes:
    """The file's bytes: JSON, or YAML for ``outputType=YAML``."""
    if opts.yaml:
        import yaml

        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode("utf-8")
    return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")


class _Writer:
    """Turns recorded routes into path items, collecting the security schemes they use."""

    def __init__(self, record: Served, opts: Options) -> None:
        self.record = record
        self.opts = opts
        self.schemes: JSON = {}

    def paths(self) -> JSON:
        found: dict[str, dict[str, JSON]] = {}
        for route in self.record.routes:
            key = str(route.get("routeKey") or "")
            if key == DEFAULT_ROUTE:
                method, path = "ANY", "/" + DEFAULT_ROUTE
            elif (match := ROUTE_KEY.fullmatch(key)) is not None:
                method, path = match["method"], match["path"]
            else:
                continue  # a key AWS refuses (moto accepts it): nothing a real export could hold
            found.setdefault(path, {}).setdefault(method, route)
        order = {verb: i for i, verb in enumerate(OPERATION_ORDER)}
        out: JSON = {}
        for path in sorted(found):
            routes = found[path]
            item: JSON = {
                ANY_METHOD if verb == "ANY" else verb.lower(): self.operation(routes[verb])
                for verb in sorted(routes, key=lambda v: (order.get(v, len(order)), v))
            }
            parameters = [_path_parameter(name) for name in re.findall(r"\{([^{}]+)\}", path)]
            if parameters:
                item["parameters"] = parameters
            out[path] = item
        return out

    def operation(self, route: JSON) -> JSON:
        key = str(route["routeKey"])
        op: JSON = {}
        if key == DEFAULT_ROUTE:
            op["isDefaultRoute"] = True
        if route.get("operationName"):
            op["operationId"] = route["operationName"]
        label = f"ANY /{DEFAULT_ROUTE}" if key == DEFAULT_ROUTE else key
        op["responses"] = {"default": {"description": f"Default response for {label}"}}
        security = self.security(route)
        if security:
            op["security"] = security
        integration = self.record.integrations.get(_integration_id(route.get("target")) or "")
        if self.opts.extensions and integration is not None:
            op["x-amazon-apigateway-integration"] = _integration(integration)
        return op

    def security(self, route: JSON) -> list[JSON]:
        auth = str(route.get("authorizationType") or "NONE").upper()
        if auth == "AWS_IAM":
            scheme: JSON = {"type": "apiKey", "name": "Authorization", "in": "header"}
            if self.opts.extensions:
                scheme["x-amazon-apigateway-authtype"] = "awsSigv4"
            self.schemes[SIGV4] = scheme
            return [{SIGV4: []}]
        authorizer = self.record.authorizers.get(route.get("authorizerId") or "")
        if auth not in ("JWT", "CUSTOM") or authorizer is None:
            return []
        name = str(authorizer.get("name") or authorizer["authorizerId"])
        self.schemes[name] = self.authorizer_scheme(authorizer)
        return [{name: list(route.get("authorizationScopes") or [])}]

    def authorizer_scheme(self, authorizer: JSON) -> JSON:
        kind = str(authorizer.get("authorizerType") or "").upper()
        scheme: JSON = (
            {"type": "oauth2", "flows": {}} if kind == "JWT" else {"type": "apiKey", "name": "Unused", "in": "header"}
        )
        if not self.opts.extensions:
            return scheme
        config: JSON = {}
        sources = authorizer.get("identitySource")
        if sources:
            config["identitySource"] = ", ".join(sources) if isinstance(sources, list) else str(sources)
        if kind == "JWT":
            config.update(_present(authorizer, "jwtConfiguration"))
            config["type"] = "jwt"
        else:
            config.update(_present(authorizer, "authorizerUri"))
            if authorizer.get("authorizerCredentialsArn"):
                config["authorizerCredentials"] = authorizer["authorizerCredentialsArn"]
            config.update(_present(authorizer, "authorizerPayloadFormatVersion", "identityValidationExpression"))
            if authorizer.get("authorizerResultTtlInSeconds") is not None:
                config["authorizerResultTtlInSeconds"] = int(authorizer["authorizerResultTtlInSeconds"])
            config["type"] = "request"
            if authorizer.get("enableSimpleResponses") is not None:
                config["enableSimpleResponses"] = bool(authorizer["enableSimpleResponses"])
        scheme["x-amazon-apigateway-authorizer"] = config
        return scheme


def _integration(integration: JSON) -> JSON:
    """``x-amazon-apigateway-integration`` of an HTTP API integration (type lower-case, as AWS writes it)."""
    out: JSON = _present(integration, "payloadFormatVersion")
    out["type"] = str(integration.get("integrationType") or "").lower()
    out.update(_present(integration, "integrationSubtype"))
    if integration.get("credentialsArn"):
        out["credentials"] = integration["credentialsArn"]
    out.update(_present(integration, "requestParameters", "responseParameters"))
    if integration.get("integrationMethod"):
        out["httpMethod"] = integration["integrationMethod"]
    if integration.get("integrationUri"):
        out["uri"] = integration["integrationUri"]
    out["connectionType"] = integration.get("connectionType") or "INTERNET"
    if out["connectionType"] == "VPC_LINK":
        out.update(_present(integration, "connectionId"))
    out.update(_present(integration, "tlsConfig"))
    if integration.get("timeoutInMillis") is not None:
        out["timeoutInMillis"] = int(integration["timeoutInMillis"])
    return out


def _path_parameter(name: str) -> JSON:
    return {
        "name": name,
        "in": "path",
        "description": f"Generated path parameter for {name}",
        "required": True,
        "schema": {"type": "string"},
    }


def _integration_id(target: object) -> str | None:
    """``integrations/abc123`` -> ``abc123``; None for anything else."""
    text = str(target or "")
    return text.removeprefix("integrations/") if text.startswith("integrations/") else None


def _present(source: Mapping[str, Any], *keys: str) -> JSON:
    """The keys of ``source`` whose value is set (AWS leaves unset fields out of an export)."""
    return {k: copy.deepcopy(source[k]) for k in keys if source.get(k) not in (None, "", [], {})}


def _first(query: Mapping[str, list[str]], name: str) -> str | None:
    values = query.get(name) or []
    return str(values[0]) if values else None
